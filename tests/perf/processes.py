"""The processes a measurement runs: the sandbox (`tests/perf/sandbox_proc.py`) and the bot
(`dutybot run`, exactly as an administrator starts it), each on its own."""

from __future__ import annotations

import asyncio
import compileall
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp

from bot.sandbox.client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "909090:benchmark-token"


@dataclass
class SandboxProcess:
    """A running sandbox process, its control client and the benchmark's extra routes."""

    process: subprocess.Popen[str]
    url: str
    client: SandboxClient
    http: aiohttp.ClientSession

    async def log(self, after: int = 0) -> list[list[Any]]:
        async with self.http.get(f"{self.url}/_perf/log", params={"after": after}) as answer:
            return await answer.json()

    async def last_seq(self) -> int:
        entries = await self.log()
        return entries[-1][0] if entries else 0

    async def first_calls(self) -> dict[str, float]:
        async with self.http.get(f"{self.url}/_perf/calls") as answer:
            return await answer.json()

    async def add_people(self, people: list[tuple[int, str]]) -> None:
        body = [{"id": user_id, "first_name": name} for user_id, name in people]
        async with self.http.post(f"{self.url}/_perf/users", json=body) as answer:
            answer.raise_for_status()

    async def stop(self) -> None:
        await self.client.close()
        await self.http.close()
        stop_process(self.process)


CONFORMANCE_ENV = "DUTYBOT_PERF_CONFORMANCE"  # set: sandboxes check every call (the smoke)
CONFORMANCE_FILE = "conformance.jsonl"


async def start_sandbox(limits: bool, log: Path) -> SandboxProcess:
    argv = [sys.executable, "-m", "tests.perf.sandbox_proc", "--port", "0"]
    if limits:
        argv.append("--limits")
    if os.environ.get(CONFORMANCE_ENV):
        argv += ["--conformance", str(log.parent / CONFORMANCE_FILE)]
    process = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("ab"), text=True
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 30)
    if not line.startswith("URL "):
        stop_process(process)
        raise RuntimeError(f"the sandbox did not start: {line!r}")
    url = line.split()[1]
    return SandboxProcess(process, url, SandboxClient(url), aiohttp.ClientSession())


@dataclass
class BotProcess:
    """`dutybot run` in its own process, and when it was spawned (time.monotonic())."""

    process: subprocess.Popen[bytes]
    spawned_at: float
    log: IO[bytes] = field(repr=False)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid)

    def stop(self) -> int:
        code = stop_process(self.process)
        self.log.close()
        return code


# what the bots run from: ours, and the naive bot's code in tests/perf
SOURCE_PACKAGES = ("bot", "handlers", "scheduling", "storage", "tests")


def compile_bytecode() -> None:
    """Compile both bots' modules before either starts, as an installed package is (pip
    compiles on install). Where PYTHONDONTWRITEBYTECODE is set (this machine sets it) and the
    checkout has none, a bot would otherwise compile its source at every start: for ours
    about 120 modules, 0.15–0.3 s, which no installation pays."""
    for package in SOURCE_PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def bot_env(sandbox_url: str, db_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_")}
    env.update(
        {
            "DUTYBOT_TOKEN": TOKEN,
            "DUTYBOT_API_URL": sandbox_url,
            "DUTYBOT_DATABASE_URL": db_url,
            "DUTYBOT_DATA_DIR": str(data_dir),
            "DUTYBOT_WORKER_ID": "bench",
            "DUTYBOT_LOG_LEVEL": "WARNING",
        }
    )
    env.update({f"DUTYBOT_{name.upper()}": value for name, value in settings.items()})
    return env


def spawn_bot(env: dict[str, str], log: Path, command: str = "run") -> BotProcess:
    script = Path(sys.executable).parent / "dutybot"
    argv = [str(script), command] if script.exists() else [sys.executable, "-m", "bot.cli", command]
    handle = log.open("ab")
    spawned = time.monotonic()
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return BotProcess(process, spawned, handle)


def spawn_bots(env: dict[str, str], log: Path, workers: int = 1) -> list[BotProcess]:
    """`dutybot run` (receives updates and delivers), then a `dutybot worker` (delivers only)
    for each further worker, each under its own worker id, all on one database and token."""
    bots = [spawn_bot(env, log)]
    for index in range(1, workers):
        worker_env = {**env, "DUTYBOT_WORKER_ID": f"{env['DUTYBOT_WORKER_ID']}-{index + 1}"}
        bots.append(spawn_bot(worker_env, log, "worker"))
    return bots


def stop_bots(bots: list[BotProcess]) -> None:
    for bot in reversed(bots):
        bot.stop()


@dataclass(frozen=True)
class Startup:
    """Seconds from spawning the bot to its first getUpdates (ready to serve), and of those
    the last part, from its first Bot API call (getMe: imports done, application built)."""

    ready: float
    after_imports: float


async def wait_ready(sandbox: SandboxProcess, bot: BotProcess, timeout: float = 120) -> Startup:
    """Wait until the bot polls for updates; say how long it took."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = await sandbox.first_calls()
        first = calls.get("getUpdates")
        if first is not None and first >= bot.spawned_at:
            get_me = calls.get("getMe", first)
            return Startup(first - bot.spawned_at, first - get_me)
        if bot.process.poll() is not None:
            raise RuntimeError(f"the bot exited with {bot.process.returncode}")
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot did not start polling")


async def first_message_after(sandbox: SandboxProcess, chat: int, since: float) -> float | None:
    """Seconds from `since` to the first message the sandbox accepted for `chat` after it."""
    for _seq, kind, chat_id, at, _data in await sandbox.log():
        if kind == "message" and chat_id == chat and at is not None and at >= since:
            return at - since
    return None


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has used so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop_process(process: subprocess.Popen[Any], timeout: float = 20) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    return process.returncode
