"""Real processes: kill -9 in the middle of a broadcast, and two workers on one PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.sandbox.server import SandboxServer
from bot.services import Services
from bot.settings import Settings
from storage.db import create_engine, session_factory
from storage.models import Reminder, ReminderState
from storage.schema import upgrade
from tests.bulk import bulk_due_reminders
from tests.conftest import postgres_reason

TOKEN = "515151:process-test-token"


def _env(url: str, db_url: str, data_dir: Path, worker: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_")}
    env.update(
        {
            "DUTYBOT_TOKEN": TOKEN,
            "DUTYBOT_API_URL": url,
            "DUTYBOT_DATABASE_URL": db_url,
            "DUTYBOT_DATA_DIR": str(data_dir),
            "DUTYBOT_TICK_SECONDS": "0.2",
            "DUTYBOT_SEND_RATE": "300",
            "DUTYBOT_PRIVATE_CHAT_INTERVAL": "0",
            "DUTYBOT_WORKER_ID": worker,
            "DUTYBOT_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _spawn(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "dutybot"
    argv = [str(script), command] if script.exists() else [sys.executable, "-m", "bot.cli", command]
    return subprocess.Popen(argv, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def _prepare(db_url: str, data_dir: Path, chats: list[int]) -> Services:
    engine = create_engine(db_url)
    await upgrade(engine)
    services = Services(
        settings=Settings(database_url=db_url, data_dir=data_dir),
        engine=engine,
        sessions=session_factory(engine),
    )
    due = datetime.now(UTC) - timedelta(minutes=1)
    await bulk_due_reminders(services, chats, 1, due)
    return services


async def _sent_rows(services: Services) -> int:
    async with services.sessions() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.state == ReminderState.SENT)
            )
            or 0
        )


def _deliveries(server: SandboxServer, chats: list[int]) -> Counter[int]:
    """How many bot messages each chat received."""
    received: Counter[int] = Counter()
    for chat in chats:
        for entry in server.state.chat_log(chat):
            if entry.kind == "message":
                received[chat] += 1
    return received


async def _wait(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def test_kill_9_mid_broadcast_loses_nothing(tmp_path: Path) -> None:
    chats = list(range(50_001, 52_001))
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
    services = await _prepare(db_url, tmp_path, chats)
    server = SandboxServer()
    url = await server.start()
    for chat in chats:
        server.state.add_user(f"u{chat}", user_id=chat)
    log = tmp_path / "bot.log"
    env = _env(url, db_url, tmp_path, "killed")
    try:
        first = _spawn("run", env, log)

        async def some_sent() -> bool:
            return server.state.stats.sent_messages >= 500

        await _wait(some_sent, 60, "the first 500 messages")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        await asyncio.sleep(1.0)  # requests that reached the server before the kill finish
        at_kill = server.state.stats.sent_messages
        rows_at_kill = await _sent_rows(services)
        second = _spawn("run", env, log)
        try:

            async def all_sent() -> bool:
                return await _sent_rows(services) == len(chats)

            await _wait(all_sent, 120, "every reminder after the restart")
        finally:
            second.terminate()
            second.wait(20)
        received = _deliveries(server, chats)
        missing = [chat for chat in chats if received[chat] == 0]
        duplicated = sum(count - 1 for count in received.values() if count > 1)
        in_flight_at_kill = at_kill - rows_at_kill
        print(
            f"\nkill -9 after {at_kill} messages ({rows_at_kill} recorded sent): "
            f"{len(chats)} reminders, lost {len(missing)}, duplicated {duplicated}, "
            f"in flight at the kill ≤ {max(in_flight_at_kill, 0)}"
        )
        assert missing == []
        assert duplicated <= max(in_flight_at_kill, 0), "duplicates only for messages in flight"
        assert duplicated <= 300, "bounded by one claimed batch"
    finally:
        await server.stop()
        await services.close()


@pytest.fixture
def pg_url() -> str:
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    from tests.conftest import POSTGRES_ADMIN_URL, _drop_postgres_database, _new_postgres_database

    name = _new_postgres_database()
    yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    _drop_postgres_database(name)


async def test_two_workers_on_postgresql_never_double(pg_url: str, tmp_path: Path) -> None:
    chats = list(range(60_001, 65_001))
    services = await _prepare(pg_url, tmp_path, chats)
    server = SandboxServer()
    url = await server.start()
    for chat in chats:
        server.state.add_user(f"u{chat}", user_id=chat)
    log = tmp_path / "workers.log"
    workers = [_spawn("worker", _env(url, pg_url, tmp_path, f"worker-{n}"), log) for n in (1, 2)]
    try:

        async def all_sent() -> bool:
            return await _sent_rows(services) == len(chats)

        await _wait(all_sent, 180, "5,000 reminders from two workers")
        received = _deliveries(server, chats)
        async with services.sessions() as session:
            by_worker = Counter(
                await session.scalars(
                    select(Reminder.claimed_by).where(Reminder.state == ReminderState.SENT)
                )
            )
        duplicated = sum(count - 1 for count in received.values() if count > 1)
        print(
            f"\ntwo workers: {dict(by_worker)}; delivered {len(received)}, duplicated {duplicated}"
        )
        assert len(received) == len(chats)
        assert duplicated == 0
        assert len(by_worker) == 2 and min(by_worker.values()) > 0, "both workers took a share"
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
        await server.stop()
        await services.close()
