"""Shared fixtures: database URLs for SQLite and the machine's PostgreSQL, clocks, services."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import SettableClock
from bot.services import Services
from bot.settings import Settings
from storage.db import create_engine, session_factory
from storage.schema import upgrade
from tests.conformance.plugin import (  # noqa: F401  (the Bot API conformance check)
    bot_api_conformance,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
from tests.markers import (  # noqa: F401  (hooks: markers by folder, backend, duration)
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
)

SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
POSTGRES_ADMIN_URL = os.environ.get(
    "DUTYBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A CLI test's `configure_logging` points the root logger at the stderr pytest captured
    for that test; later tests must not write to that closed stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _postgres_unavailable_reason() -> str | None:
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed (pip install '.[postgres]')"

    async def probe() -> None:
        dsn = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncpg.connect(dsn, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"no PostgreSQL answers at {POSTGRES_ADMIN_URL}: {exc}"
    return None


_PG_REASON: str | None | bool = False


def postgres_reason() -> str | None:
    global _PG_REASON
    if _PG_REASON is False:
        _PG_REASON = _postgres_unavailable_reason()
    return _PG_REASON  # type: ignore[return-value]


async def _pg_admin(sql: str) -> None:
    import asyncpg

    dsn = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _new_postgres_database() -> str:
    name = f"dutybot_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    return name


def _drop_postgres_database(name: str) -> None:
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = _new_postgres_database()
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))


@pytest.fixture
async def services(db_url: str, clock: SettableClock, tmp_path: Path) -> AsyncIterator[Services]:
    """Migrated database plus settings and a settable clock, on each backend."""
    settings = Settings(database_url=db_url, data_dir=tmp_path)
    engine = create_engine(db_url)
    await upgrade(engine)
    result = Services(
        settings=settings, engine=engine, sessions=session_factory(engine), clock=clock
    )
    try:
        yield result
    finally:
        await result.close()
