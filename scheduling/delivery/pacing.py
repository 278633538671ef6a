"""Keep Telegram's limits before sending: 30 messages/s per bot, 1/s per private chat,
20/min per group (the defaults keep a little less for the chats). python-telegram-bot's
AIORateLimiter has no per-private-chat limit, so the dispatcher paces itself here.

Telegram counts a message when it takes it, somewhere between our request leaving and its
answer arriving. The pacer counts each send in its windows from the moment it leaves until
`length` after the latest moment Telegram can have taken it *as seen from the quickest
send*: its answer less the link's shortest round trip (a send whose round trip took `x`
more than the shortest one was taken at most `x` later after leaving than the quickest send
can be). A send in flight counts until it is answered: a request that a stalled event loop
or a slow link holds back may still arrive at any moment. `LinkEstimate` measures the
shortest round trip, less a margin for the chance that it was not seen yet (the spread of
the few shortest, see its doc).

Why this keeps the limits at Telegram's end: take any crowd of sends that Telegram took
within one window, and the last of them to leave, X. Every other Y left before X and was
taken less than `length` before X was. X took at least the shortest way there, Y's answer
came at least the shortest way back after Telegram took it; so X left less than `length`
after Y's answer less the shortest round trip: X found Y counted, and a crowd never
outgrows the cap.

Until a few round trips are known (at start-up) a send counts until its answer plus
`length`, which holds whatever the delays; on a link with round trip RTT that rate is only
cap / (1 + RTT). With the link known it is about cap / (1 + how much round trips vary):
the full rate on a slow link.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    private_interval: float = 1.05
    group_per_minute: int = 19
    group_window: float = 60.0


# A microsecond on top of each window, so that clocks read a rounding apart still agree.
_SLACK = 1e-6


class LinkEstimate:
    """What the round trips say about the link: the shortest recent one, less a margin for
    the chance that the link's very shortest was not among them; and the smoothed round trip
    as TCP keeps it (RFC 6298: SRTT and RTTVAR with gains 1/8 and 1/4), for the report.

    The margin is the gap between the shortest and the `ORDER`-th shortest recent round trip,
    and at least half the round trip's mean deviation. Of n round trips the shortest lies above
    the link's floor by about the gaps between the next few (order statistics): for a floor
    with even density the k-th shortest sits near k/n of the way up, for one whose density
    grows from zero (two legs' jitter summed) near sqrt(k/n); in both the gap to the fourth is
    at least the gap to the floor. Half the mean deviation is kept for a link whose delays
    come in bursts (a busy machine, a queue on the way), where a 429's pause costs far more
    than the margin. The whole mean deviation, as before, cost about 1% of the rate at
    300 ms ± 50 ms.
    """

    GAIN = 1 / 8
    VAR_GAIN = 1 / 4
    MIN_MARGIN = 0.002
    MIN_SAMPLES = 8
    ORDER = 4
    VAR_SHARE = 0.5
    WINDOW = 256

    def __init__(self) -> None:
        self.srtt: float | None = None
        self.rttvar = 0.0
        self.samples = 0
        self._recent: deque[float] = deque(maxlen=self.WINDOW)
        self._floor = 0.0

    def observe(self, rtt: float) -> None:
        rtt = max(0.0, rtt)
        self.samples += 1
        self._recent.append(rtt)
        if self.known():
            lowest = heapq.nsmallest(self.ORDER, self._recent)
            margin = max(self.MIN_MARGIN, lowest[-1] - lowest[0], self.rttvar * self.VAR_SHARE)
            self._floor = max(0.0, lowest[0] - margin)
        if self.srtt is None:
            self.srtt, self.rttvar = rtt, rtt / 2
            return
        self.rttvar += self.VAR_GAIN * (abs(self.srtt - rtt) - self.rttvar)
        self.srtt += self.GAIN * (rtt - self.srtt)

    def known(self) -> bool:
        return self.samples >= self.MIN_SAMPLES

    def shortest(self) -> float:
        """The link's shortest round trip as far as it can be known: the shortest recent
        one less the margin (0 while too few are known, which counts the longest)."""
        return self._floor


class _Window:
    """Sends that may still count at the server: in flight, or answered so recently that
    Telegram may have taken them less than `length` ago (see the module's doc)."""

    def __init__(self, cap: int, length: float) -> None:
        self.cap = cap
        self.length = length
        self.in_flight = 0
        self.answered: deque[float] = deque()  # answer times, in order

    def take(self) -> None:
        self.in_flight += 1

    def finish(self, now: float) -> None:
        self.in_flight -= 1
        self.answered.append(now)

    def wait(self, now: float, link: LinkEstimate) -> float | None:
        """0 when a send may leave now, else the seconds until one may, or None when only an
        answer to a send in flight can make room."""
        self._forget(now, link)
        surplus = self.in_flight + len(self.answered) - self.cap
        if surplus < 0:
            return 0.0
        if surplus < len(self.answered):
            return self._expiry(self.answered[surplus], link) - now
        return None

    def idle(self, now: float, link: LinkEstimate) -> bool:
        self._forget(now, link)
        return self.in_flight == 0 and not self.answered

    def _expiry(self, answered_at: float, link: LinkEstimate) -> float:
        # One expression for both the test and the wait, so rounding cannot make them differ.
        return answered_at - link.shortest() + self.length + _SLACK

    def _forget(self, now: float, link: LinkEstimate) -> None:
        """Drop the answers that no longer count."""
        while self.answered and self._expiry(self.answered[0], link) <= now:
            self.answered.popleft()


class Pacer:
    """Hands out send slots (`async with pacer.slot(chat, is_group)` around the request);
    `pause` stops everything after a 429. Every slot's round trip feeds `link`."""

    def __init__(
        self,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.link = LinkEstimate()
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._paused_until = 0.0
        self.share = 1  # workers sending for this bot (scheduling/delivery/share.py)
        self._bot = _Window(max(1, int(self.limits.per_second)), 1.0)
        self._chats: dict[int, _Window] = {}
        self._sweep_at = 1024
        self._answer: asyncio.Event | None = None

    @property
    def per_second(self) -> float:
        """This worker's part of the bot's rate."""
        return self.limits.per_second / self.share

    def set_share(self, workers: int) -> None:
        """Pace at 1/`workers` of the bot's rate: the others send for the same bot."""
        self.share = max(1, workers)
        self._bot.cap = max(1, int(self.per_second))

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, chat_id: int, is_group: bool) -> AsyncIterator[None]:
        """Wait for room in every window, then count the send (see the module's doc)."""
        chat = self._chat_window(chat_id, is_group)
        left = await self._take(chat)
        try:
            yield
        finally:
            now = self._monotonic()
            self._bot.finish(now)
            chat.finish(now)
            self.link.observe(now - left)
            if self._answer is not None:
                self._answer.set()
                self._answer = None

    async def _take(self, chat: _Window) -> float:
        # The chat first, so a chat that must wait does not hold one of the bot's slots.
        await self._until_room(chat, with_bot=False)
        # Then an evenly spaced place in the bot's line, reserved before sleeping so that
        # concurrent senders never race for the same one.
        now = self._monotonic()
        slot = max(now, self._next_global, self._paused_until)
        self._next_global = slot + 1.0 / self.per_second
        if slot > now:
            await self._sleep(slot - now)
        await self._until_room(chat, with_bot=True)
        self._bot.take()
        chat.take()
        return self._monotonic()

    async def _until_room(self, chat: _Window, with_bot: bool) -> None:
        while True:
            now = self._monotonic()
            if self._paused_until > now:
                await self._sleep(self._paused_until - now)
                continue
            waits = [chat.wait(now, self.link)]
            if with_bot:
                waits.append(self._bot.wait(now, self.link))
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
        self._chats = {key: w for key, w in self._chats.items() if not w.idle(now, self.link)}
        self._sweep_at = max(1024, 2 * len(self._chats))
