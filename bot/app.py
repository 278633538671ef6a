"""Wire the python-telegram-bot Application: settings, services, handlers, start-up checks."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.i18n import Translator
from bot.services import Services
from handlers.context import SERVICES_KEY, BotContext
from handlers.jobs import start_jobs
from handlers.menu import visible_commands
from handlers.registry import register_handlers
from handlers.telegram_limits import RetryingLimiter
from storage.schema import require_current

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(services: Services, token: str) -> BotApplication:
    """An Application pointed at the configured Bot API server, with our handlers."""
    settings = services.settings
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(RetryingLimiter())
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    register_handlers(application)
    return application


async def _post_init(application: BotApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await require_current(services.engine)
    await services.load_calendar()
    await publish_commands(application, services)
    start_jobs(application, services)


async def _post_shutdown(application: BotApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.close()


async def publish_commands(application: BotApplication, services: Services) -> None:
    """setMyCommands for the default language and for each catalog."""
    for locale, language_code in (("zh_CN", None), ("zh_CN", "zh"), ("en", "en")):
        t = Translator(locale=locale, zone=services.settings.zone)
        commands = [BotCommand(c.name, t.gettext(c.description)) for c in visible_commands()]
        await application.bot.set_my_commands(commands, language_code=language_code)


async def start_application(application: BotApplication) -> None:
    """Start without run_polling (demo, tests): initialize, post_init, start, poll."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=5)


async def stop_application(application: BotApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
