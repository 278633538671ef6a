"""The control API (and SandboxClient) that tests, scripts and the web page drive."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox.client import SandboxClient, SandboxClientError, SandboxTimeout
from bot.sandbox.server import SandboxServer, run_sandbox
from bot.sandbox.testing import ptb_bot, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox() as pair:
        yield pair


async def test_users_count_up_from_10001_and_ids_are_unique(sandbox: Sandbox) -> None:
    _, sandbox_client = sandbox
    first = await sandbox_client.create_user(
        "张", last_name="三", username="zhang3", language_code="zh-hans"
    )
    second = await sandbox_client.create_user("李")
    chosen = await sandbox_client.create_user("王", user_id=777)
    assert (first["id"], second["id"], chosen["id"]) == (10001, 10002, 777)
    assert first == {
        "id": 10001,
        "is_bot": False,
        "first_name": "张",
        "last_name": "三",
        "username": "zhang3",
        "language_code": "zh-hans",
    }
    with pytest.raises(SandboxClientError) as conflict:
        await sandbox_client.create_user("again", user_id=777)
    assert conflict.value.status == 409
    assert [u["id"] for u in await sandbox_client.users()] == [10001, 10002, 777]


async def test_groups_check_their_members(sandbox: Sandbox) -> None:
    _, sandbox_client = sandbox
    member = await sandbox_client.create_user("Member")
    stranger = await sandbox_client.create_user("Stranger")
    with pytest.raises(SandboxClientError) as unknown:
        await sandbox_client.create_group("x", [99999])
    assert unknown.value.status == 404
    group = await sandbox_client.create_group("联络群", [member["id"]], admin_ids=[])
    assert group["type"] == "group" and group["members"] == [
        {"user_id": member["id"], "status": "creator"}
    ]
    sent = await sandbox_client.send_text(member["id"], "大家好", chat_id=group["id"])
    assert sent.chat_id == group["id"] and sent.message["chat"]["title"] == "联络群"
    with pytest.raises(SandboxClientError) as outsider:
        await sandbox_client.send_text(stranger["id"], "let me in", chat_id=group["id"])
    assert outsider.value.status == 403
    with pytest.raises(SandboxClientError) as other_private:
        await sandbox_client.send_text(stranger["id"], "hi", chat_id=member["id"])
    assert other_private.value.status == 400


async def test_wait_for_returns_when_enough_and_times_out_with_what_arrived(
    sandbox: Sandbox,
) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Waiter")
    async with ptb_bot(server) as bot:
        waiting = asyncio.create_task(sandbox_client.wait_for(user["id"], count=2, timeout=5))
        await asyncio.sleep(0.1)
        await bot.send_message(user["id"], "one")
        await asyncio.sleep(0.05)
        assert not waiting.done()
        await bot.send_message(user["id"], "two")
        entries = await asyncio.wait_for(waiting, 2)
        assert [e["text"] for e in entries] == ["one", "two"]
        started = time.monotonic()
        with pytest.raises(SandboxTimeout) as timed_out:
            await sandbox_client.wait_for(user["id"], count=3, timeout=0.3)
        assert time.monotonic() - started >= 0.29
        assert [e["text"] for e in timed_out.value.messages] == ["one", "two"]
        later = await sandbox_client.wait_for(
            user["id"], count=1, after=entries[0]["seq"], timeout=1
        )
        assert [e["text"] for e in later] == ["two"]


async def test_history_with_and_without_the_users_side(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Talker")
    async with ptb_bot(server) as bot:
        sent = await sandbox_client.send_text(user["id"], "状态：进行中")
        await bot.send_message(user["id"], "收到")
        edited = await sandbox_client.edit_text(user["id"], sent.message_id, "状态：已完成")
        updates = await bot.get_updates()
    assert [u.edited_message is not None for u in updates] == [False, True]
    assert updates[1].edited_message.text == "状态：已完成"
    assert edited.message["edit_date"] >= sent.message["date"]
    both = await sandbox_client.messages(user["id"], include_user=True)
    assert [(e["kind"], e["from_bot"], e["text"]) for e in both] == [
        ("user_message", False, "状态：进行中"),
        ("message", True, "收到"),
        ("user_edit", False, "状态：已完成"),
    ]
    assert [e["kind"] for e in await sandbox_client.messages(user["id"])] == ["message"]


async def test_reset_forgets_the_world_but_keeps_bots_and_update_ids_growing(
    sandbox: Sandbox,
) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Before")
    async with ptb_bot(server) as bot:
        first = await sandbox_client.send_text(user["id"], "before reset")
        await sandbox_client.set_limits(enabled=True)
        await sandbox_client.set_faults(error_next=5)
        await sandbox_client.reset()
        assert await sandbox_client.users() == []
        assert (await sandbox_client.stats())["updates_pending"] == 0
        assert (await sandbox_client.set_limits())["enabled"] is False
        assert (await sandbox_client.set_faults())["error_next"] == 0
        again = await sandbox_client.create_user("After")
        assert again["id"] == 10001
        second = await sandbox_client.send_text(again["id"], "after reset")
        assert first.update_id is not None and second.update_id is not None
        assert second.update_id > first.update_id
        assert [u.message.text for u in await bot.get_updates()] == ["after reset"]
        assert [b["id"] for b in await sandbox_client.bots()] == [bot.id]


async def test_announced_group_tells_the_bot_it_was_added(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    owner = await sandbox_client.create_user("Owner")
    async with ptb_bot(server) as bot:
        await bot.get_me()
        group = await sandbox_client.create_group(
            "新群", [owner["id"]], supergroup=True, announce=True
        )
        [update] = await bot.get_updates()
    change = update.my_chat_member
    assert change is not None and change.chat.id == group["id"] and change.chat.type == "supergroup"
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("left", "member")
    assert change.from_user.id == owner["id"]


async def test_stats_and_bad_input(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Stat")
    async with ptb_bot(server) as bot:
        await bot.send_message(user["id"], "counted")
        with pytest.raises(SandboxClientError) as not_bot:
            await sandbox_client.press(user["id"], 99, "x")
        assert not_bot.value.status == 404
    stats = await sandbox_client.stats()
    assert stats["sent_messages"] == 1
    assert stats["per_method"] == {"getMe": 1, "sendMessage": 1}
    assert {"answered_429", "answered_5xx", "faults_injected", "updates_pending"} <= set(stats)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.url}/_sandbox/send", data=b"not json") as response,
    ):
        assert response.status == 400 and "error" in await response.json()


async def test_the_web_page_and_its_assets_are_served(sandbox: Sandbox) -> None:
    server, _ = sandbox
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.url}/") as page:
            assert page.status == 200 and "text/html" in page.content_type
            body = await page.text()
        assert '<script src="/static/app.js"' in body
        for asset in ("app.js", "style.css"):
            async with session.get(f"{server.url}/static/{asset}") as response:
                assert response.status == 200 and len(await response.read()) > 100


async def test_a_bot_outside_a_group_gets_nothing_from_it(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    talker = await sandbox_client.create_user("Talker")
    async with ptb_bot(server) as bot:
        group = await sandbox_client.create_group("无机器人", [talker["id"]], bot_member=False)
        unseen = await sandbox_client.send_text(talker["id"], "/status", chat_id=group["id"])
        assert unseen.update_id is None and await bot.get_updates() == ()
        await sandbox_client.member_update(group["id"], "bot", "member")
        seen = await sandbox_client.send_text(talker["id"], "/status", chat_id=group["id"])
        updates = await bot.get_updates()
        assert [u.update_id for u in updates][-1] == seen.update_id
        assert updates[-1].message.text == "/status"


async def test_run_sandbox_announces_its_url_and_stops_when_cancelled() -> None:
    lines: list[str] = []
    task = asyncio.create_task(run_sandbox(port=0, bot_username="cli_bot", announce=lines.append))
    for _ in range(100):
        if lines:
            break
        await asyncio.sleep(0.02)
    url = lines[0].rsplit(" ", 1)[-1]
    assert url.startswith("http://127.0.0.1:")
    async with SandboxClient(url) as sandbox_client:
        assert (await sandbox_client.stats())["sent_messages"] == 0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(aiohttp.ClientError):
            await sandbox_client.stats()
