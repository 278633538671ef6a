"""What a running bot holds, in one typed object: `context.runtime` in every handler.

The application is built with the services and its HTTP clients (`handlers.app`); `start`,
in post_init, adds what serving updates needs — the flood gate, the invite guard, the shared
office counts and the outbox dispatcher — and `close`, in post_shutdown, releases the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.request import BaseRequest

from bot.delivery.dispatcher import Dispatcher
from bot.services import Services
from bot.usecases.tasks.lists import SharedCityCounts
from handlers.flood import FloodGate
from handlers.invite_guard import InviteGuard


@dataclass
class Runtime:
    services: Services
    requests: tuple[BaseRequest, ...]  # the Bot API clients: requests, and long polling
    flood_gate: FloodGate = field(init=False)
    invite_guard: InviteGuard = field(init=False)
    city_counts: SharedCityCounts = field(init=False)
    dispatcher: Dispatcher = field(init=False)

    def start(self, dispatcher: Dispatcher) -> None:
        """The parts that serve updates, made once the application is initialized."""
        settings = self.services.settings
        self.flood_gate = FloodGate(
            limit=settings.flood_limit, window=settings.flood_window_seconds
        )
        self.invite_guard = InviteGuard()
        self.city_counts = SharedCityCounts(self.services.sessions, self.services.change_marker)
        self.dispatcher = dispatcher

    async def close(self) -> None:
        await self.services.close()
