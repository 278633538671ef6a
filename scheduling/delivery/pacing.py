"""Keep Telegram's limits before sending: ~30 messages/s per bot, 1/s per private chat,
20/min per group. python-telegram-bot's AIORateLimiter has no per-private-chat limit, so the
dispatcher paces itself here.

Telegram counts a message when it takes it, which is somewhere between our request leaving
and its answer arriving. So a send counts against its windows from the moment it leaves
until `length` after its answer came back: a loaded event loop that delays some requests
and not others can then never crowd more into a server's window than the cap. (Of any crowd
that fills one of the server's windows, the last to leave found every other one in flight or
answered less than a window before, and so counted them all here.)
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: float = 29.0
    private_interval: float = 1.05
    group_per_minute: int = 19
    group_window: float = 60.0


# A microsecond on top of each window, so that clocks read a rounding apart still agree.
_SLACK = 1e-6


class _Window:
    """Sends that may still count at the server: in flight, or answered under `length` ago."""

    def __init__(self, cap: int, length: float) -> None:
        self.cap = cap
        self.length = length
        self.in_flight = 0
        self.answered: deque[float] = deque()

    def take(self) -> None:
        self.in_flight += 1

    def finish(self, now: float) -> None:
        self.in_flight -= 1
        self.answered.append(now)

    def wait(self, now: float) -> float | None:
        """0 when a send may leave now, else the seconds until one may, or None when only an
        answer to a send in flight can make room."""
        self._forget(now)
        if self.in_flight + len(self.answered) < self.cap:
            return 0.0
        if self.answered:
            return self._expiry(self.answered[0]) - now
        return None

    def idle(self, now: float) -> bool:
        self._forget(now)
        return self.in_flight == 0 and not self.answered

    def _expiry(self, answered_at: float) -> float:
        # One expression for both the test and the wait, so rounding cannot make them differ.
        return answered_at + self.length + _SLACK

    def _forget(self, now: float) -> None:
        """Drop the answers that no longer count."""
        while self.answered and self._expiry(self.answered[0]) <= now:
            self.answered.popleft()


class Pacer:
    """Hands out send slots (`async with pacer.slot(chat, is_group)` around the request);
    `pause` stops everything after a 429."""

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
        self._paused_until = 0.0
        self._bot = _Window(max(1, int(self.limits.per_second)), 1.0)
        self._chats: dict[int, _Window] = {}
        self._sweep_at = 1024
        self._answer: asyncio.Event | None = None

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, chat_id: int, is_group: bool) -> AsyncIterator[None]:
        """Wait for room in every window, then count the send until its answer is back."""
        chat = self._chat_window(chat_id, is_group)
        await self._take(chat)
        try:
            yield
        finally:
            now = self._monotonic()
            self._bot.finish(now)
            chat.finish(now)
            if self._answer is not None:
                self._answer.set()
                self._answer = None

    async def _take(self, chat: _Window) -> None:
        # The chat first, so a chat that must wait does not hold one of the bot's slots.
        await self._until_room(chat, with_bot=False)
        # Then an evenly spaced place in the bot's line, reserved before sleeping so that
        # concurrent senders never race for the same one.
        now = self._monotonic()
        slot = max(now, self._next_global, self._paused_until)
        self._next_global = slot + 1.0 / self.limits.per_second
        if slot > now:
            await self._sleep(slot - now)
        await self._until_room(chat, with_bot=True)
        self._bot.take()
        chat.take()

    async def _until_room(self, chat: _Window, with_bot: bool) -> None:
        while True:
            now = self._monotonic()
            if self._paused_until > now:
                await self._sleep(self._paused_until - now)
                continue
            waits = [chat.wait(now)]
            if with_bot:
                waits.append(self._bot.wait(now))
            if None in waits:
                if self._answer is None:
                    self._answer = asyncio.Event()
                await self._answer.wait()
                continue
            longest = max(w for w in waits if w is not None)
            if longest <= 0.0:
                return
            await self._sleep(longest)

    def _chat_window(self, chat_id: int, is_group: bool) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) >= self._sweep_at:
                self._sweep()
            limits = self.limits
            window = (
                _Window(limits.group_per_minute, limits.group_window)
                if is_group
                else _Window(1, limits.private_interval)
            )
            self._chats[chat_id] = window
        return window

    def _sweep(self) -> None:
        """Forget chats whose sends no longer count, so a city's worth of chats stays small."""
        now = self._monotonic()
        self._chats = {key: w for key, w in self._chats.items() if not w.idle(now)}
        self._sweep_at = max(1024, 2 * len(self._chats))
