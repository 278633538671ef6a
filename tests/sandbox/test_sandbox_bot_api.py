"""The sandbox answers Bot API methods like Telegram, as seen by python-telegram-bot and raw HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken
from telegram.helpers import escape_markdown

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import TEST_TOKEN, ptb_bot, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox() as pair:
        yield pair


async def raw_call(
    server: SandboxServer, method: str, token: str = TEST_TOKEN, **kwargs: Any
) -> tuple[int, Any]:
    """POST a Bot API method without PTB, to see the raw status and JSON."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.base_url}{token}/{method}", **kwargs) as response,
    ):
        return response.status, await response.json()


async def test_get_me_identifies_each_token_as_its_own_bot(sandbox: Sandbox) -> None:
    server, _ = sandbox
    async with ptb_bot(server, "42:first") as first, ptb_bot(server, "777:second") as second:
        me1, me2 = await first.get_me(), await second.get_me()
    assert (me1.id, me2.id) == (42, 777)
    assert me1.is_bot and me1.first_name == "DutyBot Sandbox"
    assert me1.username == "dutybot_sandbox_bot"
    assert sorted(server.state.bots) == [42, 777]


async def test_username_is_configurable() -> None:
    async with running_sandbox(bot_username="liaison_test_bot") as (server, _):
        bot = ptb_bot(server)
        async with bot:
            assert (await bot.get_me()).username == "liaison_test_bot"


async def test_unknown_method_and_malformed_token_answer_404(sandbox: Sandbox) -> None:
    server, _ = sandbox
    status, body = await raw_call(server, "sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await raw_call(server, "getMe", token="not-a-token")
    assert status == 404 and body["ok"] is False
    for odd_path in ("4040:with/slash", "4040:ok/getMe/more"):  # paths past the method pattern
        status, body = await raw_call(server, "getMe", token=odd_path)
        assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    with pytest.raises(InvalidToken):
        async with ptb_bot(server, "abc:def") as bot:
            await bot.get_me()


async def test_parameters_arrive_as_json_form_and_multipart(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Wang")
    markup = {"inline_keyboard": [[{"text": "Done", "callback_data": "done:1"}]]}
    status, by_json = await raw_call(
        server, "sendMessage", json={"chat_id": user["id"], "text": "json", "reply_markup": markup}
    )
    assert status == 200 and by_json["ok"] is True
    assert by_json["result"]["reply_markup"] == markup
    status, by_form = await raw_call(
        server,
        "sendMessage",
        data={"chat_id": str(user["id"]), "text": "form", "reply_markup": json.dumps(markup)},
    )
    assert status == 200 and by_form["result"]["text"] == "form"
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user["id"]))
    form.add_field("text", "multipart")
    form.add_field("document", b"data", filename="a.txt")  # forces multipart encoding
    status, by_multipart = await raw_call(server, "sendMessage", data=form)
    assert status == 200 and by_multipart["result"]["text"] == "multipart"
    texts = [e["text"] for e in await sandbox_client.messages(user["id"])]
    assert texts == ["json", "form", "multipart"]


async def test_send_message_returns_a_message_ptb_understands(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Zhao", username="zhao")
    sent = await sandbox_client.send_text(user["id"], "任务完成了吗？")
    async with ptb_bot(server) as bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("已完成", callback_data="done:7")]])
        message = await bot.send_message(
            user["id"],
            "<b>提醒</b>：请在 1月31日 前公开",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            reply_parameters=ReplyParameters(sent.message_id),
        )
    assert message.text == "提醒：请在 1月31日 前公开"
    assert message.entities[0].type == "bold" and message.entities[0].length == 2
    assert message.chat.id == user["id"] and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.reply_to_message is not None
    assert message.reply_to_message.text == "任务完成了吗？"
    assert message.reply_markup == keyboard
    [entry] = await sandbox_client.messages(user["id"])
    assert entry["text"] == "<b>提醒</b>：请在 1月31日 前公开"
    assert entry["parse_mode"] == "HTML"
    assert entry["reply_to_message_id"] == sent.message_id
    assert entry["kind"] == "message" and not entry["edited"]


@pytest.mark.parametrize(
    ("kwargs", "description"),
    [
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "<b>bold", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "<blink>x</blink>", "parse_mode": "HTML"}, 'Unsupported start tag "blink"'),
        ({"text": "Done. Next!", "parse_mode": "MarkdownV2"}, "Character '.' is reserved"),
        (
            {
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ({"text": "x", "reply_to_message_id": 999}, "Bad Request: message to be replied not found"),
    ],
)
async def test_send_message_refuses_what_telegram_refuses(
    sandbox: Sandbox, kwargs: dict[str, object], description: str
) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Sun")
    status, body = await raw_call(server, "sendMessage", json={"chat_id": user["id"], **kwargs})
    assert status == 400
    assert body["error_code"] == 400 and description in body["description"]
    assert await sandbox_client.messages(user["id"]) == []
    assert server.state.stats.sent_messages == 0


async def test_text_limits_count_after_parsing(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Qian")
    async with ptb_bot(server) as bot:
        exactly = await bot.send_message(
            user["id"], "<i>" + "字" * 4096 + "</i>", parse_mode="HTML"
        )
        assert len(exactly.text) == 4096
        escaped = escape_markdown("Due 2024-01-31 (statutory).", version=2)
        message = await bot.send_message(user["id"], escaped, parse_mode=ParseMode.MARKDOWN_V2)
        assert message.text == "Due 2024-01-31 (statutory)."
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(999_999, "anyone?")


async def test_edits_follow_telegram_rules(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Li")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    async with ptb_bot(server) as bot:
        message = await bot.send_message(user["id"], "v1", reply_markup=keyboard)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("v1", user["id"], message.message_id, reply_markup=keyboard)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_reply_markup(
                user["id"], message.message_id, reply_markup=keyboard
            )
        edited = await bot.edit_message_text("v2", user["id"], message.message_id)
        assert (
            edited.text == "v2" and edited.reply_markup is None
        )  # keyboard dropped, like Telegram
        assert edited.edit_date is not None
        again = await bot.edit_message_reply_markup(
            user["id"], message.message_id, reply_markup=keyboard
        )
        assert again.reply_markup == keyboard
        user_message = await sandbox_client.send_text(user["id"], "mine")
        with pytest.raises(BadRequest, match="(?i)message can't be edited"):
            await bot.edit_message_text("hijack", user["id"], user_message.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("ghost", user["id"], 12345)
        assert await bot.delete_message(user["id"], message.message_id) is True
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(user["id"], message.message_id)
    kinds = [
        (e["kind"], e["text"], e["edited"], e["deleted"])
        for e in await sandbox_client.messages(user["id"])
    ]
    assert kinds == [
        ("message", "v1", False, False),
        ("edit", "v2", True, False),
        ("edit", "v2", True, False),
        ("delete", None, False, True),
    ]


async def test_chats_and_members(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    boss = await sandbox_client.create_user("Boss")
    liaison = await sandbox_client.create_user("Liaison")
    outsider = await sandbox_client.create_user("Outsider")
    group = await sandbox_client.create_group("司法局联络群", [boss["id"], liaison["id"]])
    supergroup = await sandbox_client.create_group("依法治区办", [boss["id"]], supergroup=True)
    assert group["id"] < 0 and not str(group["id"]).startswith("-100")
    assert str(supergroup["id"]).startswith("-100")
    async with ptb_bot(server) as bot:
        chat = await bot.get_chat(group["id"])
        assert (chat.type, chat.title) == ("group", "司法局联络群")
        assert (await bot.get_chat_member(group["id"], boss["id"])).status == ChatMemberStatus.OWNER
        assert (
            await bot.get_chat_member(group["id"], liaison["id"])
        ).status == ChatMemberStatus.MEMBER
        assert (
            await bot.get_chat_member(group["id"], outsider["id"])
        ).status == ChatMemberStatus.LEFT
        me = await bot.get_me()
        assert (await bot.get_chat_member(group["id"], me.id)).status == ChatMemberStatus.MEMBER
        assert await bot.get_chat_member_count(group["id"]) == 3
        assert await bot.send_chat_action(group["id"], "typing") is True
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.get_chat(-42)
        assert await bot.leave_chat(group["id"]) is True
        with pytest.raises(Forbidden, match="(?i)bot is not a member of the group chat"):
            await bot.send_message(group["id"], "still here?")


async def test_commands_and_descriptions_are_stored_per_scope_and_language(
    sandbox: Sandbox,
) -> None:
    server, sandbox_client = sandbox
    async with ptb_bot(server) as bot:
        await bot.set_my_commands([BotCommand("mytasks", "我的任务")], language_code="zh")
        await bot.set_my_commands(
            [BotCommand("status", "Unit status")], scope=BotCommandScopeAllGroupChats()
        )
        assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["mytasks"]
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("My-Tasks", "bad name")])
        await bot.set_my_description("提醒联络员履职", language_code="zh")
        await bot.set_my_short_description("Duty reminders")
        assert (await bot.get_my_description(language_code="zh")).description == "提醒联络员履职"
        assert (await bot.get_my_short_description()).short_description == "Duty reminders"
        await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
    stored = await sandbox_client.commands()
    assert stored == [
        {
            "bot_id": 123456,
            "scope": {"type": "default"},
            "language_code": "zh",
            "commands": [{"command": "mytasks", "description": "我的任务"}],
        }
    ]


async def test_strict_private_chats_need_the_user_to_start_first() -> None:
    async with running_sandbox(strict_private_chats=True) as (server, sandbox_client):
        user = await sandbox_client.create_user("New")
        async with ptb_bot(server) as bot:
            with pytest.raises(Forbidden, match="(?i)bot can't initiate conversation"):
                await bot.send_message(user["id"], "hello?")
            await sandbox_client.send_text(user["id"], "/start")
            assert (await bot.send_message(user["id"], "hello!")).text == "hello!"
