"""Each fault knob reaches python-telegram-bot as the exception production would raise."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.sandbox.client import SandboxClient, SandboxClientError
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import ptb_bot, running_sandbox

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

Sandbox = tuple[SandboxServer, SandboxClient]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox() as pair:
        yield pair


async def texts(sandbox_client: SandboxClient, chat_id: int) -> list[str]:
    return [e["text"] for e in await sandbox_client.messages(chat_id)]


async def test_next_n_server_errors_record_nothing(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    await sandbox_client.set_faults(error_next=2)
    async with ptb_bot(server) as bot:
        for attempt in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error") as error:
                await bot.send_message(user["id"], f"try {attempt}")
            assert not isinstance(error.value, TimedOut)
        await bot.get_me()  # other methods are not affected by default
        await bot.send_message(user["id"], "third time")
        await sandbox_client.set_faults(error_next=1, error_code=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(user["id"], "gateway")
    assert await texts(sandbox_client, user["id"]) == ["third time"]
    stats = await sandbox_client.stats()
    assert stats["answered_5xx"] == 3 and stats["faults_injected"]["error"] == 3
    assert stats["sent_messages"] == 1 and stats["per_method"]["sendMessage"] == 4


async def test_error_rate_fails_a_seeded_fraction(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")

    async def failures() -> int:
        await sandbox_client.set_faults(error_rate=0.5, seed=7)
        failed = 0
        async with ptb_bot(server) as bot:
            for _ in range(40):
                try:
                    await bot.send_message(user["id"], "x")
                except NetworkError:
                    failed += 1
        return failed

    first, second = await failures(), await failures()
    assert first == second and 8 <= first <= 32
    assert len(await sandbox_client.messages(user["id"])) == 80 - first - second


async def test_timeout_hangs_past_the_client_timeout(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    async with ptb_bot(server, read_timeout=0.3) as bot:
        await sandbox_client.set_faults(timeout_next=1, hang_seconds=2)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(user["id"], "lost in transit")
        assert 0.25 < time.monotonic() - started < 1.5
        assert await texts(sandbox_client, user["id"]) == []

        await sandbox_client.set_faults(timeout_next=1, deliver_before_hang=True)
        with pytest.raises(TimedOut):
            await bot.send_message(user["id"], "delivered, answer lost")
        assert await texts(sandbox_client, user["id"]) == ["delivered, answer lost"]
        await bot.send_message(user["id"], "retry")  # the client's retry doubles the message
    assert await texts(sandbox_client, user["id"]) == ["delivered, answer lost", "retry"]
    assert (await sandbox_client.stats())["faults_injected"]["timeout"] == 2


async def test_reset_drops_the_connection_without_an_answer(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    await sandbox_client.set_faults(reset_next=1)
    async with ptb_bot(server) as bot:
        with pytest.raises(NetworkError) as error:
            await bot.send_message(user["id"], "cut off")
        assert not isinstance(error.value, TimedOut | BadRequest)
        assert "disconnected" in str(error.value).lower()
        await bot.send_message(user["id"], "reconnected")
    assert await texts(sandbox_client, user["id"]) == ["reconnected"]


async def test_flood_storm_answers_429_with_the_given_retry_after(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    await sandbox_client.set_faults(flood_next=3, flood_retry_after=7)
    async with ptb_bot(server) as bot:
        for _ in range(3):
            with pytest.raises(RetryAfter) as error:
                await bot.send_message(user["id"], "storm")
            value = error.value.retry_after
            assert (value.total_seconds() if isinstance(value, timedelta) else value) == 7
        await bot.send_message(user["id"], "calm")
    assert await texts(sandbox_client, user["id"]) == ["calm"]
    assert (await sandbox_client.stats())["answered_429"] == 3


async def test_counted_faults_fire_in_a_fixed_order(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    await sandbox_client.set_faults(reset_next=1, flood_next=1, error_next=1, flood_retry_after=2)
    async with ptb_bot(server) as bot:
        with pytest.raises(NetworkError, match="(?i)disconnected"):
            await bot.send_message(user["id"], "1")
        with pytest.raises(RetryAfter):
            await bot.send_message(user["id"], "2")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(user["id"], "3")
        await bot.send_message(user["id"], "4")
    assert await texts(sandbox_client, user["id"]) == ["4"]


async def test_chat_faults_blocked_missing_and_migrated(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    blocker = await sandbox_client.create_user("Blocker")
    gone = await sandbox_client.create_user("Gone")
    group = await sandbox_client.create_group("老群", [blocker["id"]])
    new_id = -1001234567890
    await sandbox_client.set_faults(
        blocked_chats=[blocker["id"]],
        missing_chats=[gone["id"]],
        migrated_chats={group["id"]: new_id},
    )
    async with ptb_bot(server) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(blocker["id"], "hi")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(gone["id"], "hi")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(group["id"], "hi")
        assert migrated.value.new_chat_id == new_id
        moved = await bot.send_message(new_id, "hi again")
        assert (moved.chat.type, moved.chat.title) == ("supergroup", "老群")
        await sandbox_client.set_faults(clear=True)
        await bot.send_message(blocker["id"], "unblocked")
    assert await texts(sandbox_client, blocker["id"]) == ["unblocked"]
    assert await texts(sandbox_client, group["id"]) == []
    injected = (await sandbox_client.stats())["faults_injected"]
    assert (injected["blocked"], injected["missing_chat"], injected["migrated"]) == (1, 1, 1)


async def test_user_blocking_the_bot_is_a_member_update_and_a_403(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Annoyed")
    async with ptb_bot(server) as bot:
        await sandbox_client.member_update(user["id"], "bot", "kicked")
        [update] = await bot.get_updates()
        assert update.my_chat_member is not None
        assert update.my_chat_member.new_chat_member.status == "kicked"
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(user["id"], "please?")
        await sandbox_client.send_text(user["id"], "/start")
        updates = await bot.get_updates(offset=update.update_id + 1)
        assert [u.my_chat_member is not None for u in updates] == [True, False]
        await bot.send_message(user["id"], "welcome back")


async def test_latency_and_all_method_faults(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    await sandbox_client.set_faults(latency_ms=150, jitter_ms=50)
    async with ptb_bot(server) as bot:
        started = time.monotonic()
        await bot.get_me()
        assert time.monotonic() - started >= 0.15
        await sandbox_client.set_faults(latency_ms=0, jitter_ms=0, methods=["*"], error_next=1)
        with pytest.raises(NetworkError):
            await bot.get_me()
        assert (await bot.get_me()).is_bot


async def test_bad_fault_knobs_are_refused(sandbox: Sandbox) -> None:
    _, sandbox_client = sandbox
    for knobs in ({"explode": True}, {"error_code": 503}, {"error_rate": 2}, {"timeout_next": -1}):
        with pytest.raises(SandboxClientError) as refused:
            await sandbox_client.set_faults(**knobs)
        assert refused.value.status == 400
    with pytest.raises(SandboxClientError):
        await sandbox_client.set_limits(per_bot_per_second=0)


async def test_latency_past_the_client_timeout_delivers_nothing(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    async with ptb_bot(server, read_timeout=0.15) as bot:
        await sandbox_client.set_faults(latency_ms=400)
        with pytest.raises(TimedOut):
            await bot.send_message(user["id"], "too slow")
        await asyncio.sleep(0.4)  # the server finishes its sleep, sees the client gone
    assert await texts(sandbox_client, user["id"]) == []
    assert server.state.stats.sent_messages == 0


async def test_a_link_round_trip_varies_within_its_jitter_split_both_ways(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    await sandbox_client.set_faults(round_trip_ms=150, round_trip_jitter_ms=50, seed=7)
    trips: list[float] = []
    async with ptb_bot(server) as bot:
        await bot.get_me()  # the connection is open before the first measured trip
        for n in range(8):
            started = time.monotonic()
            await bot.send_message(user["id"], f"over the link {n}")
            trips.append(time.monotonic() - started)
    assert all(0.1 <= trip < 0.2 + 0.1 for trip in trips), trips
    assert max(trips) - min(trips) > 0.005  # the jitter is there
    there, back = server.faults.legs()
    assert there is not None and 0.05 <= there <= 0.1 and 0.05 <= back <= 0.1
    assert server.state.stats.faults_injected["latency"] >= 9


async def test_a_seeded_link_repeats_its_delays(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox

    async def draws() -> list[tuple[float | None, float]]:
        await sandbox_client.set_faults(
            clear=True, round_trip_ms=300, round_trip_jitter_ms=50, seed=42
        )
        return [server.faults.legs() for _ in range(20)]

    first, again = await draws(), await draws()
    assert first == again
    assert len({there for there, _ in first}) == 20
