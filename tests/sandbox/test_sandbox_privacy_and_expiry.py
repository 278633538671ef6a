"""Group privacy mode and callback queries that expire, as Telegram has them (issue 18)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.error import BadRequest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import TEST_TOKEN, ptb_bot, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]
USERNAME = "dutybot_sandbox_bot"
TOO_OLD = "query is too old and response timeout expired or query id is invalid"


class Clock:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sandbox(clock: Clock) -> AsyncIterator[Sandbox]:
    async with running_sandbox(monotonic=clock) as pair:
        yield pair


async def _group_with_the_bot(sandbox: Sandbox, **options: object) -> tuple[int, int]:
    server, client = sandbox
    user = (await client.create_user("李"))["id"]
    async with ptb_bot(server) as bot:
        await bot.get_me()  # the bot connects: updates go to it, not to the lobby
    group = await client.create_group("工作群", [user], **options)  # type: ignore[arg-type]
    return user, group["id"]


async def test_privacy_mode_hides_plain_group_messages_but_not_commands_replies_mentions(
    sandbox: Sandbox,
) -> None:
    server, client = sandbox
    user, group = await _group_with_the_bot(sandbox)
    assert (await client.send_text(user, "大家好", chat_id=group)).update_id is None
    assert (await client.send_text(user, "/mytasks", chat_id=group)).update_id is not None
    addressed = await client.send_text(user, f"/mytasks@{USERNAME}", chat_id=group)
    assert addressed.update_id is not None
    other_bot = await client.send_text(user, "/mytasks@some_other_bot", chat_id=group)
    assert other_bot.update_id is None
    assert (await client.send_text(user, f"@{USERNAME} 在吗", chat_id=group)).update_id
    assert (await client.send_text(user, "@someone_else 在吗", chat_id=group)).update_id is None
    async with ptb_bot(server) as bot:
        asked = await bot.send_message(group, "原因？")
    reply = await client.send_text(user, "等数据", chat_id=group, reply_to_message_id=asked.id)
    assert reply.update_id is not None
    loose_file = await client.upload(user, b"%PDF-1.4", "a.pdf", chat_id=group)
    assert loose_file.update_id is None
    replied_file = await client.upload(
        user, b"%PDF-1.4", "a.pdf", chat_id=group, reply_to_message_id=asked.id
    )
    assert replied_file.update_id is not None
    private = await client.send_text(user, "你好")
    assert private.update_id is not None  # private chats are not affected


async def test_admin_bots_and_bots_with_privacy_off_see_every_group_message(
    sandbox: Sandbox,
) -> None:
    server, client = sandbox
    user, group = await _group_with_the_bot(sandbox)
    await client.member_update(group, "bot", "administrator")
    assert (await client.send_text(user, "大家好", chat_id=group)).update_id is not None
    await client.member_update(group, "bot", "member")
    assert (await client.send_text(user, "大家好", chat_id=group)).update_id is None
    bot_id = int(TEST_TOKEN.split(":")[0])
    assert await client.set_privacy(False) == {"bot_id": bot_id, "enabled": False}
    assert (await client.send_text(user, "大家好", chat_id=group)).update_id is not None
    async with ptb_bot(server) as bot:
        assert (await bot.get_me()).can_read_all_group_messages is True
    await client.set_privacy(True, bot_id=bot_id)
    async with ptb_bot(server) as bot:
        assert (await bot.get_me()).can_read_all_group_messages is False


async def test_privacy_can_start_off_for_every_bot() -> None:
    async with running_sandbox(privacy=False) as (server, client):
        user, group = await _group_with_the_bot((server, client))
        assert (await client.send_text(user, "大家好", chat_id=group)).update_id is not None


async def test_a_bare_command_goes_to_the_bot_that_wrote_last_in_the_group(
    sandbox: Sandbox,
) -> None:
    server, client = sandbox
    user, group = await _group_with_the_bot(sandbox)
    async with ptb_bot(server, "777:other") as other:
        await other.send_message(group, "我是另一个机器人")
    first = server.state.bots[int(TEST_TOKEN.split(":")[0])].id
    bare = await client.send_text(user, "/help", chat_id=group, bot_id=first)
    assert bare.update_id is None  # the other bot spoke last: "/help" is its
    async with ptb_bot(server) as bot:
        await bot.send_message(group, "我在")
    assert (await client.send_text(user, "/help", chat_id=group, bot_id=first)).update_id


async def test_a_callback_query_expires_after_the_timeout(sandbox: Sandbox, clock: Clock) -> None:
    server, client = sandbox
    user = (await client.create_user("李"))["id"]
    async with ptb_bot(server) as bot:
        sent = await bot.send_message(user, "按钮")
        fresh = await client.press(user, sent.id, "x")
        clock.now += 14.0
        assert await bot.answer_callback_query(fresh.callback_query_id) is True
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(fresh.callback_query_id)  # only once
        late = await client.press(user, sent.id, "x")
        clock.now += 15.5
        with pytest.raises(BadRequest) as too_old:
            await bot.answer_callback_query(late.callback_query_id)
        assert too_old.value.message.lower() == TOO_OLD
        assert (await client.set_callback_timeout(60)) == {"seconds": 60.0}
        assert await bot.answer_callback_query(late.callback_query_id) is True


async def test_a_callback_query_can_be_expired_by_hand(sandbox: Sandbox) -> None:
    server, client = sandbox
    user = (await client.create_user("李"))["id"]
    async with ptb_bot(server) as bot:
        sent = await bot.send_message(user, "按钮")
        pressed = await client.press(user, sent.id, "x")
        await client.expire_callback(pressed.callback_query_id)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(pressed.callback_query_id)
    assert await client.callback_answers() == []
