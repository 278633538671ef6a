"""Keep Telegram's limits for interactive replies: retry after 429 and transient faults.

python-telegram-bot calls `process_request` for every API call. Replies to a user's command
are retried here so a 429 (honouring `retry_after`) or a 5xx does not lose the reply. The
reminder dispatcher sends with `rate_limit_args={"retry": False}` because it records and
schedules its own attempts.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from handlers.press_answers import PressAnswers
from handlers.presses import ANSWER_ENDPOINT, EARLY, answer_or_forget

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingLimiter(BaseRateLimiter[dict[str, Any]]):
    """Retries RetryAfter (after the asked delay) and network faults (capped backoff)."""

    def __init__(
        self,
        presses: PressAnswers | None = None,
        max_retries: int = 5,
        base_delay: float = 0.2,
        max_delay: float = 5.0,
    ):
        self.presses = presses or PressAnswers()
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        if endpoint == ANSWER_ENDPOINT:  # late is useless: answered once, never fatal
            query_id = str(data.get("callback_query_id"))
            early = (rate_limit_args or {}).get(EARLY) is True
            if not early and not self.presses.claim(query_id):
                log.info("a press answered plainly already; its handler says it in the chat")
                return False
            return await answer_or_forget(callback, args, kwargs)
        if endpoint == "getUpdates" or (rate_limit_args or {}).get("retry") is False:
            return await callback(*args, **kwargs)
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= self.max_retries:
                    raise
                delay = _seconds(exc.retry_after)
                log.info("%s: Telegram asked to wait %.1fs", endpoint, delay)
            except (BadRequest, Forbidden, InvalidToken):
                raise
            except NetworkError as exc:
                if attempt >= self.max_retries:
                    raise
                delay = min(self.max_delay, self.base_delay * 2**attempt)
                delay *= 0.5 + random.random() / 2
                log.info("%s: transient fault (%s), retrying in %.2fs", endpoint, exc, delay)
            attempt += 1
            await asyncio.sleep(delay)


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
