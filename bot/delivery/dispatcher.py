"""The dispatcher as the bot runs it: `scheduling.delivery`'s loop with the bot's ports.

The loop itself knows nothing of words or people; this wires in the composer (reminders,
notices and digests in each reader's language) and what an unreachable member or a
migrated chat means to the office (`bot.usecases.members.reachability`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.delivery.composer import BotComposer
from bot.usecases.members.reachability import MemberReachability
from scheduling.dates.workdays import WorkingDays
from scheduling.delivery import dispatcher as delivery
from scheduling.delivery.pacing import Pacer
from scheduling.delivery.sender import MessageSender
from scheduling.delivery.share import WorkerRoll


@dataclass(kw_only=True)
class DispatchConfig(delivery.DeliveryConfig):
    """The delivery settings, and the zone and language the composer writes in."""

    zone: ZoneInfo
    default_locale: str


class Dispatcher(delivery.Dispatcher):
    """One worker's delivery loop, composing with the bot's words for its readers."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: MessageSender,
        clock: Clock,
        calendar: WorkingDays,
        config: DispatchConfig,
        pacer: Pacer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        roll: WorkerRoll | None = None,
    ) -> None:
        composer = BotComposer(calendar, config.zone, config.default_locale)
        reachability = MemberReachability()
        super().__init__(
            sessions, sender, clock, composer, reachability, config, pacer, monotonic, roll
        )
