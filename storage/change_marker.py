"""A cheap value that moves whenever anything commits, to tell whether a cached summary is
still exact.

PostgreSQL: the WAL insert position. Every commit that changed data writes a commit record
to the WAL, so when the position is where it was before a summary's query began, nothing
has committed since and the summary is what a new query would return. It moves for any
write in the whole cluster (other tables, other databases, vacuum), which only makes the
cache miss more often, never serve a stale answer. Other backends (SQLite, where the pooled
connections have no shared counter) give None: no caching.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_WAL_POSITION = text("SELECT pg_current_wal_insert_lsn()::text")


async def change_marker(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    """The marker, read in a short transaction of its own; None where there is none to trust
    (a standby in recovery, a server that refuses the function, a backend without one)."""
    async with sessions() as session:
        connection = await session.connection()
        if connection.dialect.name != "postgresql":
            return None
        try:
            return (await connection.execute(_WAL_POSITION)).scalar()
        except DBAPIError:
            return None
