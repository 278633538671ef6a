"""A database written by an earlier release upgrades with nothing lost, on both backends.

The fixtures (tests/fixtures/release_0002.*.gz, tests/fixtures/before_jurisdictions.*.gz) were
written at schema 0002 with tests/fixtures/make_release_fixture.py, by the release of that name and
by main just before jurisdictions: two imported seed plans, the statutory duties, liaisons, an
invite, status reports and planned reminders.
"""

from __future__ import annotations

import gzip
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage.db import create_engine, session_factory
from storage.enums import Role
from storage.models import (
    Assignment,
    Binding,
    ExtensionRequest,
    ExtensionState,
    Invite,
    Jurisdiction,
    Member,
    Plan,
    Reminder,
    StatusReport,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupAlias,
)
from storage.schema import SCHEMA_HEAD, upgrade
from tests import paths

FIXTURES = paths.TESTS / "fixtures"
RELEASES = ("release_0002", "before_jurisdictions")
KEPT = {
    "plans": Plan,
    "units": Unit,
    "assignments": Assignment,
    "status_reports": StatusReport,
    "reminders": Reminder,
    "invites": Invite,
}


def _sqlite_copy(tmp_path: Path, release: str) -> Path:
    target = tmp_path / "old.db"
    target.write_bytes(gzip.decompress((FIXTURES / f"{release}.sqlite.gz").read_bytes()))
    return target


def _counts_in_fixture(tmp_path: Path, release: str) -> dict[str, int]:
    with sqlite3.connect(_sqlite_copy(tmp_path, release)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in KEPT
        }


async def _load(db_url: str, tmp_path: Path, release: str) -> str:
    """The fixture's data in a database of this backend, as the old release left it."""
    if db_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{_sqlite_copy(tmp_path, release)}"
    import asyncpg

    dump = gzip.decompress((FIXTURES / f"{release}.pg.sql.gz").read_bytes()).decode("utf-8")
    connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(dump)
    finally:
        await connection.close()
    return db_url


@pytest.mark.parametrize("release", RELEASES)
async def test_an_old_database_upgrades_with_every_row_kept(
    db_url: str, tmp_path: Path, release: str
) -> None:
    expected = _counts_in_fixture(tmp_path, release)
    assert all(expected.values()), expected
    url = await _load(db_url, tmp_path, release)
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


@pytest.mark.parametrize("release", RELEASES)
def test_the_fixture_was_written_by_the_release_it_names(tmp_path: Path, release: str) -> None:
    with sqlite3.connect(_sqlite_copy(tmp_path, release)) as connection:
        [(version,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == "0002"


async def test_an_old_database_upgrades_to_keep_extension_requests(
    db_url: str, tmp_path: Path
) -> None:
    """Migration 0003_extension_requests: the old rows gain a table where a liaison's request
    waits for a coordinator, tied to their assignment and member."""
    url = await _load(db_url, tmp_path, "release_0002")
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            assignment = await session.scalar(select(Assignment).order_by(Assignment.id))
            member_id = await session.scalar(select(Member.id).order_by(Member.id))
            assert assignment is not None and member_id is not None
            now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
            session.add(
                ExtensionRequest(
                    assignment_id=assignment.id,
                    requested_by=member_id,
                    chat_id=1,
                    requested_due=assignment.due_date + timedelta(days=30),
                    due_before=assignment.due_date,
                    state=ExtensionState.PENDING,
                    created_at=now,
                )
            )
        async with sessions() as session:
            [stored] = list(await session.scalars(select(ExtensionRequest)))
    finally:
        await engine.dispose()
    assert stored.state is ExtensionState.PENDING and stored.decided_by is None
    assert stored.requested_due - stored.due_before == timedelta(days=30)


@pytest.mark.parametrize("release", RELEASES)
async def test_an_old_database_becomes_one_jurisdiction_named_from_its_plans(
    db_url: str, tmp_path: Path, release: str
) -> None:
    with sqlite3.connect(_sqlite_copy(tmp_path, release)) as connection:
        places = [
            row[0]
            for row in connection.execute(
                "SELECT jurisdiction FROM plans WHERE length(jurisdiction) > 1 "
                "GROUP BY jurisdiction ORDER BY count(*) DESC, jurisdiction"
            )
        ]
        coordinators = connection.execute(
            "SELECT count(*) FROM bindings WHERE role <> 'liaison'"
        ).fetchone()[0]
    url = await _load(db_url, tmp_path, release)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            jurisdictions = (
                await connection.execute(select(Jurisdiction.id, Jurisdiction.name))
            ).all()
            [(home, name)] = jurisdictions
            elsewhere = {
                model.__tablename__: await connection.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.jurisdiction_id.is_distinct_from(home))
                )
                for model in (Unit, Plan, UnitGroup, UnitAlias, UnitGroupAlias)
            }
            scoped = await connection.scalar(
                select(func.count())
                .select_from(Binding)
                .where(Binding.role != Role.LIAISON, Binding.jurisdiction_id == home)
            )
    finally:
        await engine.dispose()
    assert name == places[0]
    assert set(elsewhere.values()) == {0}, elsewhere
    assert coordinators and scoped == coordinators
