"""The README's first command: `dutybot run` with no token starts the sandbox demo."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.sandbox.client import SandboxClient


def _command() -> list[str]:
    script = Path(sys.executable).parent / "dutybot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


async def test_run_without_token_starts_the_demo_and_prints_where_to_open_it(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_")}
    env["DUTYBOT_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [*_command(), "run", "--port", "0"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    url = None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and url is None:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if match := re.search(r"open the chat page:\s+(http://\S+)", line):
                url = match.group(1).rstrip("/")
        assert url, "".join(lines)
        page = urllib.request.urlopen(f"{url}/", timeout=10).read().decode("utf-8")
        assert "<html" in page.lower()
        async with SandboxClient(url) as sandbox:
            users = {u["first_name"]: u["id"] for u in await sandbox.users()}
            assert {"王协调", "李司法"} <= set(users)
            replies = await sandbox.wait_for(users["李司法"], 1, kinds=["message"], timeout=20)
            assert "区司法局" in replies[0]["text"]
            await sandbox.send_text(users["李司法"], "/mytasks")
            tasks = await sandbox.wait_for(
                users["李司法"], 1, after=replies[0]["seq"], kinds=["message"], timeout=20
            )
            assert "规范性文件" in tasks[0]["text"] or "您的任务" in tasks[0]["text"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
