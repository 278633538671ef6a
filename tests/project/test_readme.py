"""The README's quick start is what CI runs, and every documented command exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    commands = _quick_start_commands()
    assert len(commands) >= 2, "the quick start needs an install-and-run and a test command"
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci_script.splitlines()


def test_documented_subcommands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`dutybot ([a-z]+)", table))
    assert documented, "the command table lists no command"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    listed = set(re.findall(r"^    ([a-z]+)\s", result.stdout, re.M))
    assert documented <= listed, f"documented but missing: {documented - listed}"
