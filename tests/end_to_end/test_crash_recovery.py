"""kill -9 at the worst moments, on SQLite (WAL) and PostgreSQL: nothing lost, nothing
half-written after a restart.

- a broadcast on PostgreSQL (SQLite: tests/end_to_end/test_e2e_processes.py);
- a `dutybot import` of a large document, killed inside its transaction;
- many status presses being processed;
- the weekly digest going out.
Each prints what it saw with -s.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.sandbox.server import SandboxServer
from bot.services import Services
from bot.settings import Settings
from bot.usecases.digest.schedule import digest_dedupe_key, week_start_of
from bot.usecases.importing.documents import import_sources, read_source
from storage.db import create_engine, session_factory
from storage.models import (
    Binding,
    DigestSent,
    Duty,
    Member,
    Plan,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    StatusReport,
    Unit,
)
from storage.schema import upgrade
from tests.bulk import bulk_due_reminders
from tests.conftest import SEEDS_DIR
from tests.reliability import (
    bot_process_twin,
    clean_env,
    dutybot_argv,
    status_violations,
    wait_until,
)

TOKEN = "616161:crash-test-token"


def _bot_env(api_url: str, db_url: str, data_dir: Path, worker: str) -> dict[str, str]:
    return clean_env(
        token=TOKEN,
        api_url=api_url,
        database_url=db_url,
        data_dir=str(data_dir),
        tick_seconds="0.2",
        send_rate="300",
        private_chat_interval="0",
        worker_id=worker,
        log_level="WARNING",
        flood_limit="10000",
    )


_SPAWNED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_survivors() -> Iterator[None]:
    """A test that fails before its kill must not leave its bot running into the next one."""
    yield
    while _SPAWNED:
        process = _SPAWNED.pop()
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        dutybot_argv(*args), env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    _SPAWNED.append(process)
    return process


async def _kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9, then let the sandbox finish the requests the process had on the wire."""
    process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(process.wait, 10)
    await asyncio.sleep(0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(20)


async def _services(db_url: str, data_dir: Path) -> Services:
    engine = create_engine(db_url)
    await upgrade(engine)
    return Services(
        settings=Settings(database_url=db_url, data_dir=data_dir),
        engine=engine,
        sessions=session_factory(engine),
    )


async def _count(services: Services, *where: object, model: object = Reminder) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(model)  # type: ignore[arg-type]
        if where:
            query = query.where(*where)
        return int(await session.scalar(query) or 0)


def _bot_messages(server: SandboxServer, chat: int) -> list[object]:
    return [e for e in server.state.chat_log(chat) if e.kind == "message"]


@pytest.fixture
def pg_url() -> Iterator[str]:
    from tests.conftest import (
        POSTGRES_ADMIN_URL,
        _drop_postgres_database,
        _new_postgres_database,
        postgres_reason,
    )

    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = _new_postgres_database()
    yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    _drop_postgres_database(name)


async def test_kill_9_mid_broadcast_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    chats = list(range(90_001, 90_801))
    services = await _services(pg_url, tmp_path)
    await bulk_due_reminders(services, chats, 1, datetime.now(UTC) - timedelta(minutes=1))
    server = SandboxServer()
    url = await server.start()
    for chat in chats:
        server.state.add_user(f"u{chat}", user_id=chat)
    env = _bot_env(url, pg_url, tmp_path, "pg-killed")
    log = tmp_path / "bot.log"
    try:
        first = _spawn(["run"], env, log)

        async def some_sent() -> bool:
            return server.state.stats.sent_messages >= 250

        await wait_until(some_sent, 60, "the first 250 messages")
        await _kill(first)
        at_kill = server.state.stats.sent_messages
        recorded = await _count(services, Reminder.state == ReminderState.SENT)
        async with bot_process_twin(url, pg_url, tmp_path, TOKEN, "pg-killed"):

            async def all_sent() -> bool:
                return await _count(services, Reminder.state == ReminderState.SENT) == len(chats)

            await wait_until(all_sent, 120, "every reminder after the restart")
        received = Counter({chat: len(_bot_messages(server, chat)) for chat in chats})
    finally:
        await server.stop()
        await services.close()
    lost = sum(1 for chat in chats if received[chat] == 0)
    duplicated = sum(count - 1 for count in received.values() if count > 1)
    in_flight = max(at_kill - recorded, 0)
    print(
        f"\nPostgreSQL kill -9 after {at_kill} messages ({recorded} recorded): "
        f"{len(chats)} reminders, lost {lost}, duplicated {duplicated} (in flight ≤ {in_flight})"
    )
    assert lost == 0
    assert duplicated <= in_flight, "only messages in flight at the kill can go twice"


def _large_document(path: Path) -> tuple[int, int]:
    """A long document: the three 下陆区 task-division tables, many times over."""
    seed = (SEEDS_DIR / "001_7b0fa0002b4ed437.txt").read_bytes()
    path.write_bytes(seed * 12)
    source = read_source(path.read_bytes(), path.name)
    return len(source.document.plans), sum(len(p.items) for p in source.document.plans)


def _sqlite_writer_active(db_file: Path) -> bool:
    """Another connection holds SQLite's write lock (an import's transaction is open)."""
    connection = sqlite3.connect(db_file, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        connection.close()


async def _pg_writer_active(services: Services) -> bool:
    """The import holds the planning lock (its first statement) inside its transaction."""
    async with services.engine.connect() as connection:
        held = await connection.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        )
    return bool(held)


async def test_kill_9_inside_an_import_leaves_nothing_half_written(
    db_url: str, tmp_path: Path
) -> None:
    document = tmp_path / "下陆区任务分工方案汇编.txt"
    plans, items = _large_document(document)
    services = await _services(db_url, tmp_path)
    sqlite_file = Path(db_url.split("///", 1)[1]) if db_url.startswith("sqlite") else None
    env = clean_env(database_url=db_url, data_dir=str(tmp_path), log_level="WARNING")
    log = tmp_path / "import.log"
    try:
        importer = _spawn(["import", str(document)], env, log)

        async def writing() -> bool:
            if importer.poll() is not None:
                raise AssertionError(f"the import ended before it was killed: {log.read_text()}")
            if sqlite_file is not None:
                return await asyncio.to_thread(_sqlite_writer_active, sqlite_file)
            return await _pg_writer_active(services)

        await wait_until(writing, 60, "the import's transaction")
        await asyncio.sleep(0.5)  # well inside: units, plans and duties are being written
        alive_at_kill = importer.poll() is None
        await _kill(importer)
        after_kill = {
            "plans": await _count(services, model=Plan),
            "duties": await _count(services, model=Duty),
            "units": await _count(services, model=Unit),
        }
        integrity = "ok"
        if sqlite_file is not None:
            with sqlite3.connect(sqlite_file) as connection:
                integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        source = read_source(document.read_bytes(), document.name)
        result = await import_sources(services, [source])  # the database is usable at once
        stored = {
            "plans": await _count(services, model=Plan),
            "duties": await _count(services, model=Duty),
        }
    finally:
        await services.close()
    print(
        f"\nimport killed mid-transaction ({db_url.split('+')[0]}): {plans} plans / {items} "
        f"items in the document; after the kill {after_kill}, integrity {integrity}; "
        f"imported again: {stored}"
    )
    assert alive_at_kill, "killed while still importing"
    assert after_kill == {"plans": 0, "duties": 0, "units": 0}, "all or nothing"
    assert integrity == "ok"
    assert result.changed_anything and stored["plans"] >= plans
    assert stored["duties"] >= items


async def test_kill_9_while_status_presses_are_processed(db_url: str, tmp_path: Path) -> None:
    chats = list(range(92_001, 92_121))
    services = await _services(db_url, tmp_path)
    await bulk_due_reminders(services, chats, 1, datetime.now(UTC) - timedelta(minutes=1))
    server = SandboxServer()
    url = await server.start()
    for chat in chats:
        server.state.add_user(f"u{chat}", user_id=chat)
    env = _bot_env(url, db_url, tmp_path, "presses")
    log = tmp_path / "bot.log"
    try:
        first = _spawn(["run"], env, log)

        async def delivered() -> bool:
            return await _count(services, Reminder.state == ReminderState.SENT) == len(chats)

        await wait_until(delivered, 60, "the reminders to press on")
        async with services.sessions() as session:
            targets = list(
                await session.execute(
                    select(
                        Reminder.chat_id, Reminder.telegram_message_id, Reminder.assignment_id
                    ).where(Reminder.state == ReminderState.SENT)  # planning may add later ones
                )
            )
        seq = max(e.seq for e in server.state.log) if server.state.log else 0
        for chat, message_id, assignment_id in targets:
            server_press(server, chat, message_id, f"s:d:{assignment_id}")

        async def some_confirmed() -> bool:
            return _confirmations(server, chats, seq) >= 25

        await wait_until(some_confirmed, 60, "the first confirmations")
        await _kill(first)
        confirmed_before = _confirmed_chats(server, chats, seq)
        async with bot_process_twin(url, db_url, tmp_path, TOKEN, "presses"):
            await _until_quiet(server, chats, seq)
            redelivered = _confirmed_chats(server, chats, seq) - confirmed_before
            unanswered = [t for t in targets if t[0] not in _confirmed_chats(server, chats, seq)]
            for chat, message_id, assignment_id in unanswered:  # no answer: they press again
                server_press(server, chat, message_id, f"s:d:{assignment_id}")

            async def all_answered() -> bool:
                return _confirmations(server, chats, seq) >= len(chats)

            await wait_until(all_answered, 90, "every press answered after the restart")
        async with services.sessions() as session:
            violations = await status_violations(session)
            reported = Counter(
                await session.scalars(
                    select(Member.telegram_user_id)
                    .join(StatusReport, StatusReport.member_id == Member.id)
                    .where(StatusReport.status.is_not(None))
                )
            )
    finally:
        await server.stop()
        await services.close()
    lost = [chat for chat in confirmed_before if reported[chat] == 0]
    replayed = sum(count - 1 for count in reported.values() if count > 1)
    print(
        f"\nkill -9 during {len(chats)} status presses ({db_url.split('+')[0]}): "
        f"{len(confirmed_before)} confirmed before the kill, {len(redelivered)} answered after "
        f"the restart from Telegram's queue, {len(unanswered)} taken but never answered (the "
        f"person presses again), {sum(1 for c in chats if reported[c])} recorded in the end; "
        f"confirmed-but-lost {len(lost)}, inconsistent {len(violations)}, "
        f"recorded twice (committed but unanswered at the kill, pressed again) {replayed}"
    )
    assert violations == [], violations[:5]
    assert lost == [], "a confirmed press is never lost"
    assert all(reported[chat] >= 1 for chat in chats), "every press recorded after the restart"


async def _until_quiet(server: SandboxServer, chats: list[int], after: int) -> None:
    """Until the restarted bot has taken every queued update and answered for a second."""
    bot = server.state.resolve_bot(None)
    assert bot is not None
    stable, last = 0, -1
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while stable < 10 and loop.time() < deadline:
        now = _confirmations(server, chats, after)
        stable = stable + 1 if now == last and not bot.updates else 0
        last = now
        await asyncio.sleep(0.1)


def server_press(server: SandboxServer, chat: int, message_id: int, data: str) -> None:
    from bot.sandbox import simulate

    bot = server.state.resolve_bot(None)
    simulate.press(server.state, bot, chat, message_id, data)


def _confirmed_chats(server: SandboxServer, chats: list[int], after: int) -> set[int]:
    return {
        chat
        for chat in chats
        for entry in server.state.chat_log(chat, after=after)
        if entry.kind == "message" and (entry.text or "").startswith("已记录")
    }


def _confirmations(server: SandboxServer, chats: list[int], after: int) -> int:
    return len(_confirmed_chats(server, chats, after))


async def test_kill_9_during_the_weekly_digest(db_url: str, tmp_path: Path) -> None:
    coordinators = list(range(93_001, 93_011))
    services = await _services(db_url, tmp_path)
    now = datetime.now(UTC)
    await bulk_due_reminders(services, list(range(94_001, 94_031)), 1, now + timedelta(days=30))
    week = week_start_of(now.astimezone(services.settings.zone).date())
    async with services.sessions() as session, session.begin():
        for user in coordinators:
            member = Member(
                telegram_user_id=user, chat_id=user, name=f"协调员{user}", created_at=now
            )
            session.add(member)
            await session.flush()
            session.add(
                Binding(member_id=member.id, role=Role.COORDINATOR, chat_id=user, created_at=now)
            )
            due = now - timedelta(minutes=1)
            session.add(
                Reminder(
                    dedupe_key=digest_dedupe_key(member.id, week),
                    kind=ReminderKind.DIGEST,
                    member_id=member.id,
                    chat_id=user,
                    planned_at=due,
                    send_after=due,
                    payload={"week": week.isoformat()},
                    created_at=now,
                )
            )
    server = SandboxServer()
    url = await server.start()
    for user in coordinators:
        server.state.add_user(f"协调员{user}", user_id=user)
    env = _bot_env(url, db_url, tmp_path, "digest")
    log = tmp_path / "bot.log"
    digest_sent = ReminderState.SENT
    try:
        first = _spawn(["run"], env, log)

        async def some_digests() -> bool:
            return sum(1 for u in coordinators if _digest_texts(server, u)) >= 3

        await wait_until(some_digests, 90, "the first digests")
        await _kill(first)
        at_kill = sum(len(_digest_texts(server, u)) for u in coordinators)
        recorded = await _count(
            services, Reminder.kind == ReminderKind.DIGEST, Reminder.state == digest_sent
        )
        async with bot_process_twin(url, db_url, tmp_path, TOKEN, "digest"):

            async def all_digests() -> bool:
                sent = await _count(
                    services, Reminder.kind == ReminderKind.DIGEST, Reminder.state == digest_sent
                )
                return sent >= len(coordinators)

            await wait_until(all_digests, 120, "every digest after the restart")
        records = await _count(services, model=DigestSent)
        received = Counter({u: len(_digest_texts(server, u)) for u in coordinators})
    finally:
        await server.stop()
        await services.close()
    lost = sum(1 for u in coordinators if received[u] == 0)
    duplicated = sum(count - 1 for count in received.values() if count > 1)
    in_flight = max(at_kill - recorded, 0)
    print(
        f"\nkill -9 during the weekly digest ({db_url.split('+')[0]}): {len(coordinators)} "
        f"coordinators, {at_kill} digests out at the kill ({recorded} recorded), lost {lost}, "
        f"duplicated {duplicated} (in flight ≤ {in_flight}), {records} digest records"
    )
    assert lost == 0
    assert duplicated <= in_flight
    assert records == len(coordinators), "one record per coordinator and week"


def _digest_texts(server: SandboxServer, chat: int) -> list[object]:
    """The digests' text messages (the chart photo before each is not counted)."""
    return [e for e in _bot_messages(server, chat) if getattr(e, "photo", None) is None]
