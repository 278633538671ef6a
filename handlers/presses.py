"""Answering button presses: an answer that fails never undoes what the press did.

Telegram takes answerCallbackQuery only for a short while after the press (and once); later it
answers 400 "query is too old and response timeout expired or query id is invalid". Handlers
answer before they send anything, but the change a press asked for may already be saved when
the answer fails (a slow database, a slow link). So every answerCallbackQuery goes through
`answer_or_forget` (from the reply limiter, which every Bot API call passes): a failure is
logged and the call returns False, and the handler goes on to confirm in the chat (with Undo)
instead of ending in the error handler's "something went wrong".

A press whose turn runs long for any reason (a busy SQLite file, a PostgreSQL row lock, a slow
link) is answered plainly by `answered_in_time` once `press_answer_after_seconds` have passed,
while Telegram still takes it; `PressAnswers` then skips the handler's own answer (it returns
False, as a refused one does), so what the answer would have said goes to the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError

from handlers.context import BotContext

log = logging.getLogger(__name__)

ANSWER_ENDPOINT = "answerCallbackQuery"
TOO_OLD = "query is too old"


async def answer_or_forget(
    callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: dict[str, Any]
) -> Any:
    """The answer's result, or False when Telegram refused or did not take it."""
    try:
        return await callback(*args, **kwargs)
    except BadRequest as exc:
        if TOO_OLD in str(exc).lower():
            log.info("a button press was answered too late (%s); confirming in the chat", exc)
        else:
            log.warning("a button press could not be answered: %s", exc)
    except TelegramError as exc:
        log.warning("a button press could not be answered: %s", exc)
    return False


EARLY = "early"  # rate_limit_args key of the plain early answer


async def answer_early(context: BotContext, press: CallbackQuery) -> None:
    """Answer the press plainly now, unless it was answered already."""
    if context.runtime.presses.claim_early(press.id):
        await context.bot.answer_callback_query(press.id, rate_limit_args={EARLY: True})


def answered_in_time(
    callback: Callable[[Update, BotContext], Awaitable[object]],
) -> Callable[[Update, BotContext], Awaitable[object]]:
    """The handler, with a watch that answers its press plainly when the turn runs long."""

    @functools.wraps(callback)
    async def wrapped(update: Update, context: BotContext) -> object:
        press = update.callback_query
        if press is None:
            return await callback(update, context)
        after = context.services.settings.press_answer_after_seconds
        watch = asyncio.create_task(_answer_after(context, press, after))
        try:
            return await callback(update, context)
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            context.runtime.presses.forget(press.id)

    return wrapped


async def _answer_after(context: BotContext, press: CallbackQuery, seconds: float) -> None:
    await asyncio.sleep(seconds)
    log.info("a press's turn runs long (%.1fs); answering it plainly now", seconds)
    await answer_early(context, press)
