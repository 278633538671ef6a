"""A cheap value that moves whenever anything commits, to tell whether a cached summary is
still exact.

- PostgreSQL: the WAL insert position. Every commit that changed data writes a commit record
  to the WAL, so when the position is where it was before a summary's query began, nothing
  has committed since and the summary is what a new query would return. It moves for any
  write in the whole cluster (other tables, other databases, vacuum), which only makes the
  cache miss more often, never serve a stale answer.
- SQLite: `PRAGMA data_version` on a connection of the marker's own that never writes. SQLite
  changes it whenever another connection (any process, any pooled connection) commits, in
  WAL mode too.
- Anything else, or an in-memory SQLite database: no marker (None), so nothing is kept.

A marker holds what it reads through (SQLite's private connection): whoever opens it closes
it, as `Services.close` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import sqlite_path

MarkerReader = Callable[[], Awaitable[str | None]]


class ChangeMarker(Protocol):
    """A marker reader that owns what it reads through, released with `close`."""

    async def __call__(self) -> str | None: ...

    def close(self) -> None: ...


_WAL_POSITION = text("SELECT pg_current_wal_insert_lsn()::text")


class PostgresWalPosition:
    """Reads the WAL insert position in a short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(self) -> str | None:
        """None where there is nothing to trust (a standby in recovery, a refused function)."""
        async with self.sessions() as session:
            try:
                return (await session.execute(_WAL_POSITION)).scalar()
            except DBAPIError:
                return None

    def close(self) -> None:
        """Nothing of its own to release: it reads through the engine's pool."""


class SqliteDataVersion:
    """`PRAGMA data_version` on a private connection that never writes, opened on first use.

    The call is a read of the WAL index in shared memory (microseconds; in WAL mode readers
    do not wait for writers, and a busy database answers None at once instead of waiting),
    so it runs on the event loop's thread instead of a worker's.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._opened = 0  # values of different connections are not comparable: tag them

    async def __call__(self) -> str | None:
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(  # mode=rw: never create a file
                    f"{self.path.resolve().as_uri()}?mode=rw",
                    uri=True,
                    timeout=0,  # busy: no marker this time (count), never wait on the loop
                    isolation_level=None,
                    check_same_thread=False,
                )
                self._opened += 1
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            self.close()
            return None
        return f"{self._opened}:{row[0]}"

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class NoMarker:
    """A database without a trustworthy marker: None every time, so nothing is kept."""

    async def __call__(self) -> str | None:
        return None

    def close(self) -> None:
        """Nothing to release."""


def marker_reader(engine: AsyncEngine) -> ChangeMarker:
    """The marker that fits the database behind `engine`."""
    if engine.dialect.name == "postgresql":
        return PostgresWalPosition(async_sessionmaker(engine))
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine.url.render_as_string(hide_password=False))
        if path is not None:
            return SqliteDataVersion(path)
    return NoMarker()
