"""The pacer keeps Telegram's limits on a simulated clock, judged by the sandbox's own limiter.

Requests take a while to reach the server and their answers a while to come back, and the
delays differ from send to send (a slow network with jitter, each way on its own, as the
sandbox's `round_trip_ms` ± `round_trip_jitter_ms` makes them): the server must never see
more than its limits, and the bot must still reach Telegram's 30 messages/s.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Coroutine
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sandbox.errors import ApiError
from bot.sandbox.limits import Limits as ServerLimits
from bot.sandbox.limits import RateLimiter
from scheduling.delivery.pacing import Limits, Pacer

BOT = 1
GROUPS = {11, 12}


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), woken))
        await woken

    async def run(self, coroutines: list[Coroutine[Any, Any, None]]) -> None:
        tasks = [asyncio.create_task(c) for c in coroutines]
        while True:
            for _ in range(30):  # let every task that can run get to its next wait
                await asyncio.sleep(0)
            if all(t.done() for t in tasks):
                break
            assert self._sleepers, "every task waits and nobody sleeps: a deadlock"
            at, _, woken = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            woken.set_result(None)
        for task in tasks:
            task.result()


class Server:
    """The sandbox's sliding windows with Telegram's limits, on the virtual clock."""

    def __init__(self, clock: VirtualTime) -> None:
        self.limiter = RateLimiter(ServerLimits(enabled=True), clock.monotonic)
        self.accepted: list[tuple[float, int]] = []
        self.refused = 0
        self._clock = clock

    def take(self, chat: int) -> None:
        chat_id = -chat if chat in GROUPS else chat
        try:
            self.limiter.check(BOT, chat_id)
        except ApiError:
            self.refused += 1
            return
        self.limiter.record(BOT, chat_id)
        self.accepted.append((self._clock.now, chat))


Send = tuple[int, float, float]  # chat, seconds to reach the server, seconds for the answer


@st.composite
def links(draw: st.DrawFn) -> list[Send]:
    """Sends over one link: a round trip of 0–400 ms, ± up to 100 ms of jitter split between
    the two ways, each way varying on its own; chats 1–12 (11 and 12 are groups)."""
    round_trip = draw(st.floats(min_value=0.0, max_value=0.4))
    jitter = draw(st.floats(min_value=0.0, max_value=0.1))
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    chats = draw(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=150))

    def way() -> float:
        return max(0.0, round_trip / 2 + rng.uniform(-jitter / 2, jitter / 2))

    return [(chat, way(), way()) for chat in chats]


def simulate(plan: list[Send], limits: Limits | None = None) -> tuple[Server, Pacer]:
    clock = VirtualTime()
    pacer = Pacer(limits or Limits(), monotonic=clock.monotonic, sleep=clock.sleep)
    server = Server(clock)

    async def one(chat: int, there: float, back: float) -> None:
        async with pacer.slot(chat, chat in GROUPS):
            await clock.sleep(there)
            server.take(chat)
            await clock.sleep(back)

    async def main() -> None:
        await clock.run([one(*send) for send in plan])

    asyncio.run(main())
    return server, pacer


def rate(server: Server) -> float:
    first, last = server.accepted[0][0], server.accepted[-1][0]
    return (len(server.accepted) - 1) / (last - first)


@settings(max_examples=40, deadline=None)
@given(links())
def test_no_link_with_jitter_breaks_a_limit_at_the_server(plan: list[Send]) -> None:
    server, _ = simulate(plan)
    assert server.refused == 0
    assert len(server.accepted) == len(plan)


@settings(max_examples=20, deadline=None)
@given(links())
def test_limits_hold_also_counted_by_hand(plan: list[Send]) -> None:
    server, _ = simulate(plan)
    times = [t for t, _ in server.accepted]
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 1.0) <= 30
    by_chat: dict[int, list[float]] = {}
    for t, chat in server.accepted:
        by_chat.setdefault(chat, []).append(t)
    for chat, moments in by_chat.items():
        if chat in GROUPS:
            for i, start in enumerate(moments):
                assert sum(1 for t in moments[i:] if t < start + 60.0) <= 20
        else:
            assert all(b - a >= 1.0 for a, b in zip(moments, moments[1:], strict=False))


def test_full_rate_over_a_link_with_round_trips_and_jitter() -> None:
    """Over 150 and 300 ms round trips ± 50 ms the bot keeps ≥ 93% of 30 messages/s with
    nothing refused (counting until the answer plus a second gave 30 / (1 + RTT))."""
    for round_trip in (0.15, 0.3):
        rng = random.Random(int(round_trip * 1000))

        def way(round_trip: float = round_trip, rng: random.Random = rng) -> float:
            return round_trip / 2 + rng.uniform(-0.025, 0.025)

        server, pacer = simulate([(100 + n, way(), way()) for n in range(330)])
        assert server.refused == 0
        assert rate(server) >= 0.93 * 30, (round_trip, rate(server))
        assert pacer.link.srtt is not None and abs(pacer.link.srtt - round_trip) < 0.03


def test_prompt_answers_keep_close_to_the_rate() -> None:
    """290 chats, 10 ms each way: just under Telegram's 30 messages/s."""
    server, _ = simulate([(100 + n, 0.01, 0.01) for n in range(290)])
    assert server.refused == 0
    assert 29.0 <= rate(server) <= 30.0 + 1e-9, rate(server)


def test_pause_after_a_429_holds_everyone() -> None:
    clock = VirtualTime()
    pacer = Pacer(Limits(), monotonic=clock.monotonic, sleep=clock.sleep)
    left: list[float] = []

    async def first() -> None:
        async with pacer.slot(1, False):
            left.append(clock.now)
        pacer.pause(5.0)

    async def second() -> None:
        async with pacer.slot(2, False):
            left.append(clock.now)

    async def main() -> None:
        await clock.run([first()])
        await clock.run([second()])

    asyncio.run(main())
    assert left[0] == 0.0 and left[1] >= 5.0


def test_a_city_of_chats_is_forgotten_once_quiet() -> None:
    clock = VirtualTime()
    pacer = Pacer(Limits(per_second=10_000), monotonic=clock.monotonic, sleep=clock.sleep)

    async def one(chat: int) -> None:
        async with pacer.slot(chat, False):
            await clock.sleep(0.001)

    async def waves() -> None:
        for wave in range(5):
            await asyncio.gather(*(one(wave * 1_000 + n) for n in range(1_000)))
            await clock.sleep(2.0)

    async def main() -> None:
        await clock.run([waves()])

    asyncio.run(main())
    assert len(pacer._chats) <= 2_048


def test_two_workers_at_their_share_keep_the_bots_limit_together() -> None:
    """Two workers send for one bot, each paced at half its rate: the server sees no more
    than 30 messages/s and nothing refused, and together they keep close to it."""
    clock = VirtualTime()
    server = Server(clock)
    pacers = [Pacer(Limits(), monotonic=clock.monotonic, sleep=clock.sleep) for _ in range(2)]
    for pacer in pacers:
        pacer.set_share(2)
    rng = random.Random(7)

    async def one(pacer: Pacer, chat: int) -> None:
        async with pacer.slot(chat, False):
            await clock.sleep(0.075 + rng.uniform(-0.025, 0.025))
            server.take(chat)
            await clock.sleep(0.075 + rng.uniform(-0.025, 0.025))

    async def main() -> None:
        await clock.run([one(pacers[n % 2], 100 + n) for n in range(600)])

    asyncio.run(main())
    assert server.refused == 0
    assert len(server.accepted) == 600
    assert 0.9 * 30 <= rate(server) <= 30.0 + 1e-9, rate(server)
