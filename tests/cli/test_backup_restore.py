"""`dutybot backup` while the bot writes, `dutybot restore` into a fresh data dir, refusals."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.status.changes import change_status
from storage.db import create_engine, session_factory
from storage.models import AssignmentStatus, Member
from storage.schema import head_revision, upgrade
from tests.bulk import bulk_due_reminders
from tests.e2e import running_bot
from tests.reliability import (
    census,
    clean_env,
    liaison_pairs,
    run_cli,
    status_violations,
    wait_until,
)


async def _report(services: Services, member_id: int, assignment_id: int) -> None:
    async with services.sessions() as session, session.begin():
        member = await session.get(Member, member_id)
        assert member is not None
        await change_status(
            session, services.clock, member, assignment_id, AssignmentStatus.IN_PROGRESS
        )


async def test_backup_while_the_bot_writes_restores_every_row(
    tmp_path: Path, clock: SettableClock
) -> None:
    live_dir, fresh_dir = tmp_path / "live", tmp_path / "fresh"
    db_url = f"sqlite+aiosqlite:///{live_dir / 'dutybot.db'}"
    snapshot = tmp_path / "snapshot.db"
    chats = list(range(70_001, 70_301))
    async with running_bot(db_url, live_dir, clock, send_rate=400, private_chat_interval=0) as h:
        for chat in chats:
            h.server.state.add_user(f"联络员{chat}", user_id=chat)
        await bulk_due_reminders(h.services, chats, 2, clock.now() + timedelta(hours=1))
        pairs = await liaison_pairs(h.services)
        for member_id, assignment_id in pairs[:100]:
            await _report(h.services, member_id, assignment_id)
        async with h.services.sessions() as session:
            before = await census(session)

        writes = 0

        async def keep_writing() -> None:
            nonlocal writes
            for member_id, assignment_id in pairs[100:]:
                await _report(h.services, member_id, assignment_id)
                writes += 1
                await asyncio.sleep(0.005)

        async def sending() -> bool:
            return h.server.state.stats.sent_messages > 0

        writer = asyncio.create_task(keep_writing())
        clock.advance(timedelta(hours=2))  # the broadcast falls due
        await wait_until(sending, 20, "the broadcast to start")
        writes_at_start, sent_at_start = writes, h.server.state.stats.sent_messages
        taken = await run_cli("backup", str(snapshot), env=clean_env(database_url=db_url))
        writes_during = writes - writes_at_start
        sent_during = h.server.state.stats.sent_messages - sent_at_start
        writer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writer
        async with h.services.sessions() as session:
            after = await census(session)
    assert taken.returncode == 0, taken.stderr
    assert sent_during > 0, "the bot was sending (and recording what it sent) during the backup"
    assert snapshot.stat().st_mode & 0o777 == 0o600

    restored = await run_cli(
        "restore", str(snapshot), env=clean_env(data_dir=str(fresh_dir)), cwd=tmp_path
    )
    assert restored.returncode == 0, restored.stderr
    fresh_url = f"sqlite+aiosqlite:///{fresh_dir / 'dutybot.db'}"
    engine = create_engine(fresh_url)
    try:
        async with session_factory(engine)() as session:
            got = await census(session)
            violations = await status_violations(session)
        state = await upgrade(engine)  # a no-op: the snapshot is at the code's revision
    finally:
        await engine.dispose()
    print(
        f"\nbackup while writing ({writes_during} status writes and {sent_during} sends "
        f"during the backup): before {before.line()}; restored {got.line()}; "
        f"after {after.line()}"
    )
    assert before.assignments <= got.assignments <= after.assignments
    assert before.reports <= got.reports <= after.reports, "every committed report is back"
    assert before.reminders <= got.reminders <= after.reminders
    assert got.sent <= after.sent, "a reminder sent in the snapshot was sent for real"
    assert violations == [], "nothing half-written"
    assert state.current == head_revision()
    assert "restored" in restored.stdout and str(len(got.reports)) in restored.stdout


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment for in-process `main()` calls; returns the data dir."""
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(data))
    monkeypatch.setattr("bot.cli.configure_logging", lambda *_args: None)
    return data


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    for word in words:
        assert word in err, err
    return err


def test_restore_refuses_what_it_cannot_trust(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    database = cli_env / "dutybot.db"
    good = tmp_path / "good.db"
    assert main(["backup", str(good)]) == 0
    capsys.readouterr()
    original = _digest(database)

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all\n" * 100)
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    future = tmp_path / "future.db"
    future.write_bytes(good.read_bytes())
    with sqlite3.connect(future) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")

    reasons = [
        _refused(["restore", str(garbage), "--force"], capsys, "not a SQLite database"),
        _refused(["restore", str(truncated), "--force"], capsys, "refusing to restore"),
        _refused(["restore", str(foreign), "--force"], capsys, "not a dutybot database"),
        _refused(["restore", str(future), "--force"], capsys, "unknown to this dutybot"),
        _refused(["restore", str(tmp_path / "missing.db")], capsys, "does not exist"),
        _refused(["restore", str(good)], capsys, "--force"),
        _refused(["backup", str(good)], capsys, "exists"),
    ]
    print("\nrefusals:\n  " + "\n  ".join(reasons))
    assert _digest(database) == original, "a refused restore changes nothing"

    assert main(["restore", str(good), "--force"]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out
    kept = [p for p in cli_env.iterdir() if ".replaced-" in p.name]
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600


def test_backup_replaces_nothing_but_a_regular_file(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--force over a pipe, a directory or a device must not rename the snapshot over the
    node (as root, `backup --force /dev/null` once turned /dev/null into a file; a pipe
    stands in for the device here, so a regression cannot break the machine)."""
    assert main(["db", "upgrade"]) == 0
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    folder = tmp_path / "folder"
    folder.mkdir()
    reasons = [
        _refused(["backup", "--force", str(pipe)], capsys, "not a regular file"),
        _refused(["backup", "--force", str(folder)], capsys, "not a regular file"),
        _refused(["backup", "--force", ""], capsys, "file name"),
        _refused(["backup", str(tmp_path / ("x" * 300))], capsys, "cannot be written"),
        _refused(["restore", "--force", str(folder)], capsys, "not a regular file"),
        _refused(["restore", "--force", str(pipe)], capsys, "not a regular file"),
    ]
    print("\nrefusals:\n  " + "\n  ".join(reasons))
    assert pipe.is_fifo() and folder.is_dir()
    assert list(folder.iterdir()) == []


def test_postgresql_gets_the_servers_tools_named(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DUTYBOT_DATABASE_URL", "postgresql://ops:hunter2pass@db.example/duty")
    backup_line = _refused(["backup", "x.dump"], capsys, "pg_dump --format=custom")
    restore_line = _refused(["restore", "x.dump"], capsys, "pg_restore")
    assert "hunter2pass" not in backup_line + restore_line


async def test_restore_refuses_a_database_a_running_bot_has_open(
    tmp_path: Path, clock: SettableClock
) -> None:
    data = tmp_path / "data"
    db_url = f"sqlite+aiosqlite:///{data / 'dutybot.db'}"
    spare = tmp_path / "spare.db"
    engine = create_engine(f"sqlite+aiosqlite:///{spare}")
    await upgrade(engine)
    await engine.dispose()
    async with running_bot(db_url, data, clock) as h:
        user = await h.user("王")
        await h.say(user, "/start")
        refused = await run_cli(
            "restore", str(spare), "--force", env=clean_env(data_dir=str(data)), cwd=tmp_path
        )
        reply = await h.say(user, "/whoami")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "running bot" in refused.stderr
    assert "王" in reply["text"], "the bot kept its database"
