"""What a running bot holds, in one typed object: `context.runtime` in every handler.

The application is built with the services and its HTTP clients (`handlers.app`); `start`,
in post_init, adds what serving updates needs — the flood gate, the invite guard, the shared
office counts and the outbox dispatcher — and `serve_web` the bot's own web server (the board,
and the webhook in webhook mode) when the process receives updates; `close`, in post_shutdown,
stops the web server and releases the services.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram.request import BaseRequest

from bot.delivery.dispatcher import Dispatcher
from bot.services import Services
from bot.usecases.tasks.lists import SharedCityCounts
from handlers.flood import FloodGate
from handlers.invite_guard import InviteGuard
from handlers.press_answers import PressAnswers
from handlers.web_server import AnyApplication, WebServer

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    services: Services
    requests: tuple[BaseRequest, ...]  # the Bot API clients: requests, and long polling
    presses: PressAnswers = field(default_factory=PressAnswers)  # shared with the limiter
    flood_gate: FloodGate = field(init=False)
    invite_guard: InviteGuard = field(init=False)
    city_counts: SharedCityCounts = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    web_server: WebServer | None = None  # None: a delivery-only worker, or not started yet

    def start(self, dispatcher: Dispatcher) -> None:
        """The parts that serve updates, made once the application is initialized."""
        settings = self.services.settings
        self.flood_gate = FloodGate(
            limit=settings.flood_limit, window=settings.flood_window_seconds
        )
        self.invite_guard = InviteGuard()
        self.city_counts = SharedCityCounts(self.services.sessions, self.services.change_marker)
        self.dispatcher = dispatcher

    async def serve_web(self, application: AnyApplication, webhook_path: str) -> None:
        """Serve the board (and the webhook) if this process receives updates."""
        if application.updater is None:  # a delivery-only worker
            return
        self.web_server = WebServer(application, self.services, self.city_counts, webhook_path)
        await self.web_server.start()

    @property
    def board_url(self) -> str | None:
        """The board's address for buttons, or None when this bot offers no board."""
        return self.web_server.board_url if self.web_server is not None else None

    async def close(self) -> None:
        if self.web_server is not None:
            await self.web_server.stop()
        if hasattr(self, "dispatcher"):  # started: leave the delivery workers' roll
            try:
                await self.dispatcher.leave()
            except Exception:  # stopping anyway; the beat ages out of the roll
                log.warning("could not leave the delivery workers' roll", exc_info=True)
        await self.services.close()
