"""A database written by an earlier release upgrades with nothing lost, on both backends.

The fixture (tests/fixtures/release_0002.*.gz) was written by the release at schema 0002 with
tests/fixtures/make_release_fixture.py: two imported seed plans, the statutory duties, liaisons,
an invite, status reports and planned reminders.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

from sqlalchemy import func, select, text

from storage.db import create_engine
from storage.models import Assignment, Invite, Plan, Reminder, StatusReport, Unit
from storage.schema import SCHEMA_HEAD, upgrade
from tests import paths

FIXTURES = paths.TESTS / "fixtures"
KEPT = {
    "plans": Plan,
    "units": Unit,
    "assignments": Assignment,
    "status_reports": StatusReport,
    "reminders": Reminder,
    "invites": Invite,
}


def _sqlite_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.db"
    target.write_bytes(gzip.decompress((FIXTURES / "release_0002.sqlite.gz").read_bytes()))
    return target


def _counts_in_fixture(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(_sqlite_copy(tmp_path)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in KEPT
        }


async def _load(db_url: str, tmp_path: Path) -> str:
    """The fixture's data in a database of this backend, as the old release left it."""
    if db_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{_sqlite_copy(tmp_path)}"
    import asyncpg

    dump = gzip.decompress((FIXTURES / "release_0002.pg.sql.gz").read_bytes()).decode("utf-8")
    connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(dump)
    finally:
        await connection.close()
    return db_url


async def test_an_old_database_upgrades_with_every_row_kept(db_url: str, tmp_path: Path) -> None:
    expected = _counts_in_fixture(tmp_path)
    assert all(expected.values()), expected
    url = await _load(db_url, tmp_path)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            before = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        await upgrade(engine)
        async with engine.connect() as connection:
            after = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            counts = {
                table: await connection.scalar(select(func.count()).select_from(model))
                for table, model in KEPT.items()
            }
    finally:
        await engine.dispose()
    assert before == "0002" and after == SCHEMA_HEAD
    assert counts == expected


def test_the_fixture_was_written_by_the_release_it_names(tmp_path: Path) -> None:
    with sqlite3.connect(_sqlite_copy(tmp_path)) as connection:
        [(version,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == "0002"
