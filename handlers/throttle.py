"""Gatekeeping before any other handler: a user who floods the bot is told once to slow down.

Registered first (its own group, see registry), for every update. Within the limit it does
nothing and the update goes on to the handlers; over it, the first update gets a polite
"slow down" (an alert for a button press) and it and every further one stop here
(ApplicationHandlerStop) until the user's rate falls back under the limit. State: the runtime's
FloodGate, in memory (handlers.flood).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _
from bot.usecases.members.directory import language_of
from handlers.context import BotContext
from handlers.flood import FloodVerdict

log = logging.getLogger(__name__)

SLOW_DOWN = _(
    "You are sending messages faster than I can answer. Please slow down: I will read your "
    "messages again in a few seconds."
)


async def gatekeeper(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    verdict = context.runtime.flood_gate.check(user.id)
    if verdict is FloodVerdict.ALLOW:
        return
    if verdict is FloodVerdict.WARN:
        log.warning("user %s is flooding the bot; dropping their updates for a while", user.id)
        await _slow_down(update, context)
    raise ApplicationHandlerStop


async def _slow_down(update: Update, context: BotContext) -> None:
    services = context.services
    try:
        async with services.sessions() as session:
            locale = await language_of(session, update.effective_user.id)
    except Exception:  # the answer matters more than its language
        log.warning("could not read the flooding user's language")
        locale = None
    text = services.translator(locale).gettext(SLOW_DOWN)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.reply_text(text)
    except TelegramError:
        log.info("could not ask a flooding user to slow down", exc_info=True)
