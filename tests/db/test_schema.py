"""The shipped migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base
from storage.schema import (
    SCHEMA_HEAD,
    SchemaOutOfDate,
    head_revision,
    require_current,
    schema_state,
    upgrade,
)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _indexes(connection: Connection, table: str) -> set[str]:
    return {index["name"] for index in inspect(connection).get_indexes(table)}


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


async def test_migration_creates_every_table_and_index(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with pytest.raises(SchemaOutOfDate, match="dutybot db upgrade"):
            await require_current(engine)
        state = await upgrade(engine)
        assert state.up_to_date and state.current == head_revision()
        await require_current(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(_tables)
            assert set(Base.metadata.tables) <= tables
            for table in Base.metadata.sorted_tables:
                columns = await connection.run_sync(_columns, table.name)
                assert {c.name for c in table.columns} == columns, table.name
            reminder_indexes = await connection.run_sync(_indexes, "reminders")
            assert "ix_reminders_due" in reminder_indexes
            assignment_indexes = await connection.run_sync(_indexes, "assignments")
            assert "ix_assignments_unit_due" in assignment_indexes
        again = await upgrade(engine)
        assert again.current == state.current
    finally:
        await engine.dispose()


async def test_out_of_date_schema_is_refused(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        state = await schema_state(engine)
        assert not state.up_to_date
        with pytest.raises(SchemaOutOfDate, match="out of date"):
            await require_current(engine)
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
        assert mode == "wal"
        assert foreign_keys == 1
    finally:
        await engine.dispose()


def test_the_start_up_check_knows_the_newest_migration() -> None:
    """SCHEMA_HEAD lets `require_current` skip Alembic; it must move with every new script."""
    assert head_revision() == SCHEMA_HEAD
