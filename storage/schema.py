"""Create, upgrade and check the database schema with the Alembic scripts in the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
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
    return MigrationContext.configure(connection).get_current_revision()


async def schema_state(engine: AsyncEngine) -> SchemaState:
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    return SchemaState(current=current, head=head_revision())


async def upgrade(engine: AsyncEngine, revision: str = "head") -> SchemaState:
    """Create or upgrade the database to `revision` in one transaction."""

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)
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
