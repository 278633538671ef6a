"""Keep Telegram's limits before sending: ~30 messages/s per bot, 1/s per private chat,
20/min per group. python-telegram-bot's AIORateLimiter has no per-private-chat limit, so the
dispatcher paces itself here. Slots are reserved synchronously, then awaited, so concurrent
senders never race for the same slot."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: float = 29.0
    private_interval: float = 1.05
    group_per_minute: int = 19
    group_window: float = 60.0


class Pacer:
    """Reserves a send slot per message; `pause` stops everything after a 429."""

    def __init__(
        self,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._next_private: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._paused_until = 0.0
        self._recent: deque[float] = deque()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    async def acquire(self, chat_id: int, is_group: bool) -> None:
        now = self._monotonic()
        chat_ready = self._reserve_chat(chat_id, is_group, max(now, self._paused_until))
        if chat_ready > now:
            await self._sleep(chat_ready - now)
        while True:
            now = self._monotonic()
            if self._paused_until > now:
                await self._sleep(self._paused_until - now)
                continue
            slot = max(now, self._next_global)
            self._next_global = slot + 1.0 / self.limits.per_second
            if slot > now:
                await self._sleep(slot - now)
            await self._within_window()
            return

    async def _within_window(self) -> None:
        """A second check on what actually leaves: never more than the per-second budget in
        any one-second window, even when a busy event loop wakes several senders at once.
        A sender that finds the window full keeps its place and waits only for the window."""
        cap = max(1, int(self.limits.per_second))
        while True:
            now = self._monotonic()
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) < cap:
                self._recent.append(now)
                return
            await self._sleep(self._recent[0] + 1.0 - now)

    def _reserve_chat(self, chat_id: int, is_group: bool, earliest: float) -> float:
        if not is_group:
            ready = max(earliest, self._next_private.get(chat_id, 0.0))
            self._next_private[chat_id] = ready + self.limits.private_interval
            return ready
        sends = self._group_sends.setdefault(chat_id, deque())
        while sends and sends[0] <= earliest - self.limits.group_window:
            sends.popleft()
        ready = earliest
        if len(sends) >= self.limits.group_per_minute:
            ready = max(earliest, sends[-self.limits.group_per_minute] + self.limits.group_window)
        sends.append(ready)
        return ready
