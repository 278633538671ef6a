"""Several workers deliver for one bot, and Telegram's 30 messages/s belongs to the bot, not to
each worker: two workers pacing themselves at 30/s each would send 60 and meet 429s all day.

Each worker keeps a heartbeat row in the shared database (`config_entries`, one key per
worker) and paces itself at its share of the bot's rate: the rate divided by the workers seen
alive (a beat within `LIVE_BEATS` intervals). A worker that stops leaves the roll at once; one
that died drops out when its beats are old. A worker that joins while others send waits one
interval before its first message, so that they have lowered their share by then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.delivery.ports import Clock
from storage.models import ConfigEntry

log = logging.getLogger(__name__)

KEY_PREFIX = "delivery:worker:"
LIVE_BEATS = 3


class WorkerRoll:
    """This worker's heartbeat, and how many workers are delivering now."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        worker: str,
        clock: Clock,
        interval: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.key = f"{KEY_PREFIX}{worker}"[:200]
        self.clock = clock
        self.interval = interval
        self._monotonic = monotonic
        self._last_beat: float | None = None
        self.workers = 1

    def due(self) -> bool:
        return self._last_beat is None or self._monotonic() - self._last_beat >= self.interval

    @property
    def joined(self) -> bool:
        return self._last_beat is not None

    async def beat(self) -> int:
        """Write this worker's beat; return the workers alive, itself included."""
        now = self.clock.now()
        self._last_beat = self._monotonic()
        live_since = now - timedelta(seconds=self.interval * LIVE_BEATS)
        async with self.sessions() as session, session.begin():
            entry = await session.get(ConfigEntry, self.key)
            if entry is None:
                session.add(
                    ConfigEntry(key=self.key, value={"beat": now.isoformat()}, updated_at=now)
                )
            else:
                entry.value = {"beat": now.isoformat()}
                entry.updated_at = now
            others = await session.scalar(
                select(func.count())
                .select_from(ConfigEntry)
                .where(
                    ConfigEntry.key.startswith(KEY_PREFIX, autoescape=True),
                    ConfigEntry.key != self.key,
                    ConfigEntry.updated_at >= live_since,
                )
            )
        self.workers = 1 + int(others or 0)
        return self.workers

    async def leave(self) -> None:
        """Off the roll at once, so the others take the whole rate back at their next beat."""
        async with self.sessions() as session, session.begin():
            await session.execute(delete(ConfigEntry).where(ConfigEntry.key == self.key))
        self._last_beat = None
