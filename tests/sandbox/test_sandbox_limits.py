"""Flood limits: 30 msg/s per bot, 1 msg/s per private chat, 20 msg/min per group → 429."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.sandbox.limits import Limits
from bot.sandbox.testing import ptb_bot, running_sandbox

# PTB 22 itself warns about RetryAfter's future timedelta type whenever it builds one.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class FakeMonotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def seconds(error: RetryAfter) -> float:
    """retry_after in seconds, whichever type this PTB version returns (int or timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def send_all(bot: Bot, chat_ids: list[int]) -> list[object]:
    return await asyncio.gather(
        *(bot.send_message(chat_id, "提醒") for chat_id in chat_ids), return_exceptions=True
    )


async def test_limits_are_off_by_default() -> None:
    async with running_sandbox() as (server, sandbox_client):
        user = await sandbox_client.create_user("Busy")
        async with ptb_bot(server) as bot:
            results = await send_all(bot, [user["id"]] * 40)
        assert all(not isinstance(r, Exception) for r in results)
        assert server.state.stats.answered_429 == 0


async def test_per_bot_burst_is_cut_at_thirty_per_second() -> None:
    clock = FakeMonotonic()
    async with running_sandbox(monotonic=clock) as (server, sandbox_client):
        assert (await sandbox_client.set_limits(enabled=True))["per_bot_per_second"] == 30
        users = [(await sandbox_client.create_user(f"U{i}"))["id"] for i in range(36)]
        async with ptb_bot(server) as bot:
            results = await send_all(bot, users[:35])
            refused = [r for r in results if isinstance(r, RetryAfter)]
            assert len(refused) == 5 and len(results) - len(refused) == 30
            assert {seconds(r) for r in refused} == {1}
            clock.now += 0.999
            with pytest.raises(RetryAfter):
                await bot.send_message(users[35], "still too early")
            clock.now += 0.002
            assert (await bot.send_message(users[35], "window slid")).text == "window slid"
        stats = await sandbox_client.stats()
        assert stats["answered_429"] == 6 and stats["sent_messages"] == 31
        delivered = [len(await sandbox_client.messages(uid)) for uid in users]
        assert sum(delivered) == 31


async def test_private_chat_gets_one_message_per_second() -> None:
    clock = FakeMonotonic()
    async with running_sandbox(limits=Limits(enabled=True), monotonic=clock) as (
        server,
        sandbox_client,
    ):
        user = await sandbox_client.create_user("Liaison")
        async with ptb_bot(server) as bot:
            await bot.send_message(user["id"], "first")
            with pytest.raises(RetryAfter) as error:
                await bot.send_message(user["id"], "second")
            assert seconds(error.value) == 1
            clock.now += 1.0
            await bot.send_message(user["id"], "second, later")
        texts = [e["text"] for e in await sandbox_client.messages(user["id"])]
        assert texts == ["first", "second, later"]


async def test_group_gets_twenty_messages_per_minute() -> None:
    clock = FakeMonotonic()
    async with running_sandbox(limits=Limits(enabled=True), monotonic=clock) as (
        server,
        sandbox_client,
    ):
        member = await sandbox_client.create_user("Member")
        group = await sandbox_client.create_group("各街办", [member["id"]])
        start = clock.now
        async with ptb_bot(server) as bot:
            for i in range(20):
                await bot.send_message(group["id"], f"digest {i}")
                clock.now += 1.5  # well under the per-bot limit, only the group rule counts
            with pytest.raises(RetryAfter) as error:
                await bot.send_message(group["id"], "one too many")
            assert seconds(error.value) == pytest.approx(start + 60 - clock.now, abs=1)
            assert seconds(error.value) >= 1
            clock.now = start + 60.0
            await bot.send_message(group["id"], "first of the next minute")
        assert len(await sandbox_client.messages(group["id"])) == 21


async def test_a_polite_sender_is_held_to_the_stated_rate_in_real_time() -> None:
    async with running_sandbox(limits=Limits(enabled=True, per_bot_per_second=30)) as (
        server,
        sandbox_client,
    ):
        users = [(await sandbox_client.create_user(f"R{i}"))["id"] for i in range(40)]
        delivered_at: list[float] = []

        async def polite_send(bot: Bot, chat_id: int) -> None:
            while True:
                try:
                    await bot.send_message(chat_id, "reminder")
                except RetryAfter as error:
                    await asyncio.sleep(seconds(error))
                    continue
                delivered_at.append(time.monotonic())
                return

        async with ptb_bot(server) as bot:
            started = time.monotonic()
            await asyncio.gather(*(polite_send(bot, uid) for uid in users))
        delivered_at.sort()
        assert len(delivered_at) == 40
        assert delivered_at[29] - started < 0.9  # the first 30 go out at once
        assert delivered_at[30] - delivered_at[0] >= 0.95  # the rest wait for the window
        for first, later in zip(delivered_at, delivered_at[30:], strict=False):
            assert later - first >= 0.95  # never 31 deliveries inside one second
        assert server.state.stats.answered_429 >= 10
