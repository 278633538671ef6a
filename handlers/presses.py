"""Answering button presses: an answer that fails never undoes what the press did.

Telegram takes answerCallbackQuery only for a short while after the press (and once); later it
answers 400 "query is too old and response timeout expired or query id is invalid". Handlers
answer before they send anything, but the change a press asked for may already be saved when
the answer fails (a slow database, a slow link). So every answerCallbackQuery goes through
`answer_or_forget` (from the reply limiter, which every Bot API call passes): a failure is
logged and the call returns False, and the handler goes on to confirm in the chat (with Undo)
instead of ending in the error handler's "something went wrong".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, TelegramError

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
