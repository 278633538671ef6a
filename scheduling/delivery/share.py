"""Several workers deliver for one bot, and Telegram's 30 messages/s belongs to the bot, not to
each worker: two workers pacing themselves at 30/s each would send 60 and meet 429s all day.

Each worker keeps a heartbeat row in the shared database (`config_entries`, one key per
worker) saying whether it is sending, and a sending worker paces itself at its share of the
bot's rate: the rate divided by the workers sending now. A worker that runs out of work says
so at once, so the others take the whole rate back within a beat; one that stops leaves the
roll; one that died drops out when its beats are `LIVE_SECONDS` old. A worker that starts
sending while others are on the roll waits `JOIN_WAIT_BEATS` beats first: within one beat any
of them sending has lowered its share, and within a second more the sends it made at the old
share have left Telegram's one-second window.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.delivery.ports import Clock
from storage.models import ConfigEntry

KEY_PREFIX = "delivery:worker:"
BEAT_SECONDS = 1.0  # while sending
# While idle a worker only says it is there, rarely: every write moves the database's change
# marker, and a coordinator's /status counts again after each (bot/usecases/tasks/lists.py).
PRESENCE_SECONDS = 30.0
LIVE_SECONDS = 3 * PRESENCE_SECONDS
JOIN_WAIT_BEATS = 2.5
# A sending worker whose last beat is older than this many beats is taken for dead.
STALE_BEATS = 3


@dataclass(frozen=True)
class Roll:
    """Workers on the roll now, and how many of them are sending (this one included)."""

    live: int
    sending: int


class WorkerRoll:
    """This worker's heartbeat, and who else is delivering."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        worker: str,
        clock: Clock,
        interval: float = BEAT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        live_seconds: float = LIVE_SECONDS,
        presence_seconds: float = PRESENCE_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.key = f"{KEY_PREFIX}{worker}"[:200]
        self.clock = clock
        self.interval = interval
        self.live_seconds = live_seconds
        self.presence_seconds = presence_seconds
        self._monotonic = monotonic
        self._last_beat: float | None = None
        # the tick's claim and its beat in the background may beat at once: one at a time,
        # or both find no row of this worker and both insert it
        self._writing = asyncio.Lock()

    def due(self, sending: bool) -> bool:
        """Time for a beat: every `interval` while sending, every `presence_seconds` idle."""
        if self._last_beat is None:
            return True
        every = self.interval if sending else self.presence_seconds
        return self._monotonic() - self._last_beat >= every

    async def beat(self, sending: bool) -> Roll:
        """Write this worker's beat; return the roll as it stands, this worker included."""
        async with self._writing:
            return await self._beat(sending)

    async def _beat(self, sending: bool) -> Roll:
        now = self.clock.now()
        self._last_beat = self._monotonic()
        value = {"beat": now.isoformat(), "sending": sending}
        async with self.sessions() as session, session.begin():
            entry = await session.get(ConfigEntry, self.key)
            if entry is None:
                session.add(ConfigEntry(key=self.key, value=value, updated_at=now))
            else:
                entry.value = value
                entry.updated_at = now
            fresh = ConfigEntry.updated_at >= now - timedelta(seconds=self.interval * STALE_BEATS)
            others = (
                await session.execute(
                    select(ConfigEntry.value, fresh).where(
                        ConfigEntry.key.startswith(KEY_PREFIX, autoescape=True),
                        ConfigEntry.key != self.key,
                        ConfigEntry.updated_at >= now - timedelta(seconds=self.live_seconds),
                    )
                )
            ).all()
        # a worker that said it sends but missed its beats has died sending: not counted
        busy = sum(
            1
            for value, recent in others
            if recent and isinstance(value, dict) and value.get("sending")
        )
        return Roll(live=1 + len(others), sending=busy + (1 if sending else 0))

    async def leave(self) -> None:
        """Off the roll at once, so the others take the whole rate back at their next beat."""
        async with self._writing, self.sessions() as session, session.begin():
            await session.execute(delete(ConfigEntry).where(ConfigEntry.key == self.key))
        self._last_beat = None
