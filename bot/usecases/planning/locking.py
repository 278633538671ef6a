"""One writer at a time for imports and unit edits, serialized with the daily planning run.

On SQLite the driver starts a transaction only at the first write, so reads made before it
are not protected: an import could read "no such group", let the daily run create it, and
then fail on the unique name. Taking the lock as the first statement avoids that.
"""

from __future__ import annotations

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.planning.daily import LOCK_KEY, PG_LOCK_ID
from storage.models import ConfigEntry


async def write_lock(session: AsyncSession) -> None:
    """Hold the planning lock for the rest of this transaction; call it first.

    PostgreSQL: the planning run's transaction-scoped advisory lock. SQLite: a write that
    changes no row, which still takes the database's write lock (so a re-import that changes
    nothing leaves every row as it was).
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_LOCK_ID})
        return
    await session.execute(
        update(ConfigEntry).where(ConfigEntry.key == LOCK_KEY).values(key=ConfigEntry.key)
    )
