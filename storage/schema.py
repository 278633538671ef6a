"""Create, upgrade and check the database schema with the Alembic scripts in the package."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import unavailable

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The newest migration's revision. The start-up check compares the database with it without
# importing Alembic (a third of a second of the bot's start); tests/db/test_schema.py fails when
# a new migration is added and this is not moved with it.
SCHEMA_HEAD = "0005_plan_key_per_jurisdiction"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The head as Alembic computes it from the scripts (the source of truth)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found in the package")
    return head


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class SchemaOutOfDate(Exception):
    """The database is behind the code; the message says which command to run."""


def _current_revision(connection: Connection) -> str | None:
    """What Alembic's version table says, read with plain SQL (one row on a linear history)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@asynccontextmanager
async def _connected(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection, or DatabaseUnavailable saying in one line why there is none."""
    try:
        connection = await engine.connect()
    except (OSError, DBAPIError) as exc:  # refused, unknown host, not a database, …
        raise unavailable(engine.url.render_as_string(hide_password=False), exc) from exc
    try:
        yield connection
    finally:
        await connection.close()


async def schema_state(engine: AsyncEngine) -> SchemaState:
    async with _connected(engine) as connection:
        current = await connection.run_sync(_current_revision)
    return SchemaState(current=current, head=SCHEMA_HEAD)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> SchemaState:
    """Create or upgrade the database to `revision` in one transaction."""

    from alembic import command

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with _connected(engine) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table by dropping it: with foreign keys on, that
            # would cascade into every row that points at it. Off for the migration only
            # (it cannot change inside a transaction), checked before the commit.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(_run)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"the migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()
    return await schema_state(engine)


async def require_current(engine: AsyncEngine) -> None:
    """Refuse to run on a database that is missing or behind the code."""
    state = await schema_state(engine)
    if state.current is None:
        raise SchemaOutOfDate("the database has no schema yet; run `dutybot db upgrade` first")
    if not state.up_to_date:
        raise SchemaOutOfDate(
            f"the database schema is out of date ({state.current}, code expects {state.head}); "
            "run `dutybot db upgrade`"
        )
