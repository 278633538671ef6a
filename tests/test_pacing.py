"""The pacer keeps Telegram's limits on a simulated clock."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.pacing import Limits, Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def _run(chats: list[int], groups: set[int]) -> list[tuple[float, int]]:
    fake = FakeTime()
    pacer = Pacer(Limits(), monotonic=fake.monotonic, sleep=fake.sleep)
    sent: list[tuple[float, int]] = []

    async def one(chat: int) -> None:
        await pacer.acquire(chat, chat in groups)
        sent.append((fake.now, chat))

    async def main() -> None:
        for chat in chats:
            await one(chat)

    asyncio.run(main())
    return sent


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=120))
def test_limits_hold_for_any_sequence(chats: list[int]) -> None:
    groups = {11, 12}
    sent = _run(chats, groups)
    times = [t for t, _ in sent]
    for i, start in enumerate(times):
        in_window = sum(1 for t in times[i:] if t < start + 1.0)
        assert in_window <= 29
    by_chat: dict[int, list[float]] = {}
    for t, chat in sent:
        by_chat.setdefault(chat, []).append(t)
    for chat, moments in by_chat.items():
        if chat in groups:
            for i, start in enumerate(moments):
                assert sum(1 for t in moments[i:] if t < start + 60.0) <= 20
        else:
            assert all(b - a >= 1.0 for a, b in zip(moments, moments[1:], strict=False))


def test_pause_after_a_429_holds_everyone() -> None:
    fake = FakeTime()
    pacer = Pacer(Limits(), monotonic=fake.monotonic, sleep=fake.sleep)

    async def main() -> float:
        await pacer.acquire(1, False)
        pacer.pause(5.0)
        await pacer.acquire(2, False)
        return fake.now

    assert asyncio.run(main()) >= 5.0
