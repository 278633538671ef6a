"""getUpdates long polling and webhook delivery behave like Telegram's."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram.error import Conflict

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import ptb_bot, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox(webhook_retry_delay=0.05) as pair:
        yield pair


async def test_offset_confirms_earlier_updates(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    async with ptb_bot(server) as bot:
        sent = [await sandbox_client.send_text(user["id"], f"m{i}") for i in range(5)]
        ids = [s.update_id for s in sent]
        assert ids == list(range(ids[0], ids[0] + 5))
        first = await bot.get_updates()
        assert [u.update_id for u in first] == ids
        assert [u.message.text for u in first] == ["m0", "m1", "m2", "m3", "m4"]
        again = await bot.get_updates()  # nothing confirmed yet: same updates again
        assert [u.update_id for u in again] == ids
        limited = await bot.get_updates(offset=ids[2], limit=2)
        assert [u.update_id for u in limited] == ids[2:4]
        assert [u.update_id for u in await bot.get_updates()] == ids[2:]  # 0 and 1 are gone
        last = await bot.get_updates(offset=-1)
        assert [u.update_id for u in last] == [ids[4]]
        assert [u.update_id for u in await bot.get_updates()] == [ids[4]]
        assert await bot.get_updates(offset=ids[4] + 1) == ()
    assert (await sandbox_client.stats())["updates_pending"] == 0


async def test_long_poll_wakes_at_once_and_times_out_empty(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    async with ptb_bot(server) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=0.3) == ()
        assert time.monotonic() - started >= 0.29

        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not poll.done()
        sent_at = time.monotonic()
        await sandbox_client.send_text(user["id"], "wake up")
        updates = await asyncio.wait_for(poll, 2)
        assert time.monotonic() - sent_at < 0.5
        assert [u.message.text for u in updates] == ["wake up"]


async def test_a_second_poller_ends_the_first_with_409(sandbox: Sandbox) -> None:
    server, _ = sandbox
    async with ptb_bot(server) as first, ptb_bot(server) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        second_poll = asyncio.create_task(second.get_updates(timeout=0.2))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(waiting, 2)
        assert await second_poll == ()


async def test_chat_member_updates_need_allowed_updates(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    admin = await sandbox_client.create_user("Admin")
    joiner = await sandbox_client.create_user("Joiner")
    async with ptb_bot(server) as bot:
        group = await sandbox_client.create_group("Unit liaisons", [admin["id"]])
        await sandbox_client.member_update(group["id"], joiner["id"], "member", admin["id"])
        await sandbox_client.member_update(group["id"], "bot", "administrator", admin["id"])
        default = await bot.get_updates()
        assert [u.my_chat_member is not None for u in default] == [True]
        assert default[0].my_chat_member.new_chat_member.status == "administrator"
        everything = await bot.get_updates(allowed_updates=["chat_member", "my_chat_member"])
        kinds = [("chat_member" if u.chat_member else "my_chat_member") for u in everything]
        assert kinds == ["chat_member", "my_chat_member"]
        assert everything[0].chat_member.new_chat_member.user.id == joiner["id"]


async def test_updates_sent_before_any_bot_connects_wait_in_the_lobby(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Early")
    early = await sandbox_client.send_text(user["id"], "/start")
    assert early.update_id is None
    async with ptb_bot(server) as bot:
        updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["/start"]


class WebhookReceiver:
    """A stand-in for the bot's webhook endpoint that fails its first `failures` posts."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.attempts = 0
        self.arrived = asyncio.Event()
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        self.arrived.set()
        return web.Response(text="ok")

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"

    async def wait_for(self, count: int, timeout: float = 5) -> None:
        async def enough() -> None:
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(enough(), timeout)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


async def test_webhook_delivers_in_order_with_secret_and_retries(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    receiver = WebhookReceiver(failures=2)
    hook_url = await receiver.start()
    user = await sandbox_client.create_user("Hooked")
    try:
        async with ptb_bot(server) as bot:
            await sandbox_client.send_text(user["id"], "stale")
            assert await bot.set_webhook(hook_url, secret_token="s3cret", drop_pending_updates=True)
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            for text in ("one", "two", "three"):
                await sandbox_client.send_text(user["id"], text)
            await receiver.wait_for(3)
            texts = [update["message"]["text"] for update, _ in receiver.received]
            assert texts == ["one", "two", "three"]
            assert {secret for _, secret in receiver.received} == {"s3cret"}
            assert receiver.attempts == 5
            info = await bot.get_webhook_info()
            assert info.url == hook_url and info.pending_update_count == 0
            assert info.last_error_message is not None and "500" in info.last_error_message
            stats = await sandbox_client.stats()
            assert (stats["webhook_deliveries"], stats["webhook_failures"]) == (3, 2)
            assert await bot.delete_webhook()
            await sandbox_client.send_text(user["id"], "polled again")
            assert [u.message.text for u in await bot.get_updates()] == ["polled again"]
            assert len(receiver.received) == 3
    finally:
        await receiver.stop()
