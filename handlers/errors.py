"""The global error handler: log the fault, tell the user briefly, never show a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.i18n import _
from bot.usecases.members.directory import language_of
from handlers.context import BotContext, runtime_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    runtime = runtime_of(context.application)
    if runtime is None:
        return
    services = runtime.services
    locale = None
    if update.effective_user is not None:
        try:
            async with services.sessions() as session:
                locale = await language_of(session, update.effective_user.id)
        except Exception:  # the database itself may be what failed
            log.warning("could not read the user's language for the error reply")
    text = services.translator(locale).gettext(
        _("Sorry, something went wrong on my side. Please try again in a moment.")
    )
    try:
        await context.bot.send_message(chat_id=update.effective_chat.id, text=text)
    except TelegramError:
        log.warning("could not tell the user about the error")
