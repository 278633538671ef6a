"""Wire the python-telegram-bot Application: the runtime, the handlers, start-up checks."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.i18n import Translator
from bot.services import Services
from bot.settings import RunMode, Settings
from handlers.aiohttp_request import AiohttpRequest
from handlers.context import RUNTIME_KEY, BotContext, runtime_of
from handlers.jobs import build_dispatcher, start_jobs
from handlers.menu import visible_commands
from handlers.press_answers import PressAnswers
from handlers.registry import register_handlers
from handlers.runtime import Runtime
from handlers.telegram_limits import RetryingLimiter
from storage.schema import require_current

log = logging.getLogger(__name__)

WEBHOOK_PATH = "telegram"

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(
    services: Services, token: str, receive_updates: bool = True
) -> BotApplication:
    """An Application pointed at the configured Bot API server, with our handlers.

    Without `receive_updates` it only delivers the outbox (a scale-out delivery worker).
    """
    settings = services.settings
    requests = (AiohttpRequest(connection_pool_size=64), AiohttpRequest(connection_pool_size=2))
    presses = PressAnswers()  # the limiter and the press watch share what is answered
    builder = ApplicationBuilder()
    if not receive_updates:
        builder = builder.updater(None)
    application = (
        builder.token(token)
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(RetryingLimiter(presses))
        .request(requests[0])
        .get_updates_request(requests[1])
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[RUNTIME_KEY] = Runtime(services, requests, presses)
    register_handlers(application)
    return application


def _runtime(application: BotApplication) -> Runtime:
    runtime = runtime_of(application)
    assert runtime is not None, "build_application sets the runtime"
    return runtime


async def _post_init(application: BotApplication) -> None:
    runtime = _runtime(application)
    services = runtime.services
    await require_current(services.engine)
    await services.load_calendar()
    runtime.start(build_dispatcher(services, application))
    await publish_commands(application, services)
    await start_jobs(application, runtime)
    await runtime.serve_web(application, WEBHOOK_PATH)


async def _post_shutdown(application: BotApplication) -> None:
    await _runtime(application).close()


async def publish_commands(application: BotApplication, services: Services) -> None:
    """setMyCommands for the default language and for each catalog."""
    for locale, language_code in (("zh_CN", None), ("zh_CN", "zh"), ("en", "en")):
        t = Translator(locale=locale, zone=services.settings.zone)
        commands = [BotCommand(c.name, t.gettext(c.description)) for c in visible_commands()]
        await application.bot.set_my_commands(commands, language_code=language_code)


async def release_connections(application: BotApplication) -> None:
    """Close the HTTP sessions even when start-up failed (a rejected token): PTB shuts the
    bot down only after a successful initialize, and aiohttp complains of an open session."""
    runtime = runtime_of(application)
    for request in runtime.requests if runtime is not None else ():
        await request.shutdown()


async def start_application(application: BotApplication) -> None:
    """Start without run_polling (demo, tests, workers): initialize, post_init, start, and
    receive updates by polling or webhook as configured (a delivery worker receives none).
    Webhook updates arrive at the bot's own web server (`handlers/web_server.py`, started in
    post_init), which serves the board on the same address."""
    try:
        await application.initialize()
    except BaseException:
        await release_connections(application)
        raise
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    if application.updater is None:
        return
    settings: Settings = _runtime(application).services.settings
    if settings.mode is not RunMode.WEBHOOK:
        await application.updater.start_polling(poll_interval=0, timeout=5)


async def stop_application(application: BotApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
