"""The bot's own web server: the board (a Mini App) and, in webhook mode, Telegram's updates.

One aiohttp server in the bot's process. In webhook mode it listens on the webhook's address
and serves both `/telegram` (the updates, checked against the secret token, put on the
Application's queue as python-telegram-bot's own webhook server does) and `/board/`, so the
board is behind the same public address as the webhook. In polling mode it serves the board
alone: on `board_listen:board_port` when `board_url` says where the public address is, or on
any free port for a local Bot API server (the sandbox demo, the tests), which accepts plain
http as Telegram's test environment does. Against Telegram itself without a `board_url`
there is no address Telegram would open, so no board is offered.

The runtime (`handlers.runtime.Runtime.serve_web`) starts it in post_init and keeps it; the
office-wide counts it answers coordinators with are the runtime's, the ones /status shares.
"""

from __future__ import annotations

import hmac
import logging
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin

from aiohttp import web
from sqlalchemy import select
from telegram import MenuButtonWebApp, Update, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot.board.api import PREFIX, BoardApi
from bot.i18n import _
from bot.services import Services
from bot.settings import TELEGRAM_API_ROOT, RunMode
from bot.usecases.tasks.lists import SharedCityCounts, UnitCounts
from storage.models import Binding, Member, Role

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MENU_TEXT = _("Board")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class WebServer:
    """Started in post_init of a bot that receives updates (kept on the runtime), stopped in
    post_shutdown. The office-wide counts are the runtime's, the ones /status shows."""

    def __init__(
        self,
        application: AnyApplication,
        services: Services,
        city_counts: SharedCityCounts,
        webhook_path: str,
    ) -> None:
        self.application = application
        self.services = services
        self.city_counts = city_counts
        self.webhook_path = webhook_path
        self.board_url: str | None = None
        self._runner: web.AppRunner | None = None

    def _place(self) -> tuple[str, int] | None:
        """Where to listen, or None when nothing is to be served."""
        settings = self.services.settings
        if settings.mode is RunMode.WEBHOOK:
            return settings.webhook_listen, settings.webhook_port
        if settings.board_url:
            return settings.board_listen, settings.board_port
        if settings.api_url != TELEGRAM_API_ROOT:
            return settings.board_listen, 0
        return None

    async def _office_counts(self, today: date) -> list[UnitCounts]:
        return await self.city_counts.get(today, self.services.calendar)

    async def start(self) -> None:
        place = self._place()
        if place is None:
            log.info("no board: set DUTYBOT_BOARD_URL to the board's public https address")
            return
        settings = self.services.settings
        token = self.application.bot.token
        app = web.Application(client_max_size=2 * 1024 * 1024)
        board = BoardApi(
            self.services,
            token,
            office_counts=self._office_counts,
            max_age=timedelta(hours=settings.board_session_hours),
        )
        app.add_routes(board.routes(PREFIX))
        webhook = settings.mode is RunMode.WEBHOOK
        if webhook:
            app.add_routes([web.post(f"/{self.webhook_path}", self._receive)])
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, place[0], place[1]).start()
        self._runner = runner
        port = runner.addresses[0][1]
        if settings.board_url:
            self.board_url = settings.board_url
        elif webhook and settings.webhook_url:
            self.board_url = urljoin(settings.webhook_url, f"{PREFIX.strip('/')}/")
        else:
            self.board_url = f"http://{place[0]}:{port}{PREFIX}/"
        log.info("board served at %s", self.board_url)
        if webhook:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await self.application.bot.set_webhook(url=settings.webhook_url, secret_token=secret)
        await self._set_coordinator_menus()

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        """One update from Telegram, as python-telegram-bot's webhook server takes it."""
        settings = self.services.settings
        if settings.webhook_secret is not None:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given, settings.webhook_secret.get_secret_value()):
                return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is not None:
            await self.application.update_queue.put(update)
        return web.Response(status=200)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def set_menu(self, chat_id: int, locale: str) -> bool:
        """The chat's menu button opens the board (private chats of coordinators)."""
        url = self.board_url
        if url is None or chat_id <= 0:
            return False
        text = self.services.translator(locale).gettext(MENU_TEXT)
        try:
            await self.application.bot.set_chat_menu_button(
                chat_id=chat_id, menu_button=MenuButtonWebApp(text, WebAppInfo(url))
            )
        except TelegramError as exc:
            log.warning("could not set the board menu button in chat %s: %s", chat_id, exc)
            return False
        return True

    async def _set_coordinator_menus(self) -> None:
        """At start-up: every coordinator's private chat gets the board as its menu button."""
        if self.board_url is None:
            return
        services = self.services
        async with services.sessions() as session:
            rows = await session.execute(
                select(Member.chat_id, Member.language)
                .join(Binding, Binding.member_id == Member.id)
                .where(
                    Binding.active.is_(True),
                    Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
                    Member.chat_id.is_not(None),
                    Member.reachable.is_(True),
                )
                .distinct()
            )
            chats = [(chat_id, language) for chat_id, language in rows if chat_id and chat_id > 0]
        for chat_id, language in chats:
            await self.set_menu(chat_id, language or services.settings.locale)
