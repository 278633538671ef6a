"""The conformance checker catches what Telegram would refuse, and the recorder sees it."""

from __future__ import annotations

import json

from bot.sandbox.testing import ptb_bot, running_sandbox
from tests.conformance.plugin import Recorder
from tests.conformance.spec import check_answer, check_request, version

KEYBOARD = json.dumps({"inline_keyboard": [[{"text": "✅ 完成", "callback_data": "s:d:1"}]]})


def whats(violations: list) -> list[str]:
    return [v.what for v in violations]


def test_the_vendored_specification_is_the_recorded_version() -> None:
    assert version() == "Bot API 10.1"


def test_a_valid_form_request_has_no_violation() -> None:
    values = {"chat_id": "-1001", "text": "提醒", "reply_markup": KEYBOARD}
    assert check_request("sendMessage", values) == []


def test_a_deliberately_bad_request_is_caught() -> None:
    values = {"chat_id": 7, "text": "x" * 4097, "colour": "red", "reply_markup": "[]"}
    found = [str(v) for v in check_request("sendMessage", values)]
    assert "sendMessage: sendMessage has no 'colour'" in found
    assert "sendMessage: text is 4097 characters (1–4096)" in found
    assert any(line.startswith("sendMessage.reply_markup: expected a ") for line in found)
    assert len(found) == 3
    assert whats(check_request("sendMessage", {"chat_id": 1})) == ["sendMessage requires 'text'"]
    assert whats(check_request("sendTelepathy", {})) == ["no such method in the specification"]


def test_telegram_limits_on_buttons_captions_and_commands() -> None:
    long_data = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]})
    wide = json.dumps(
        {"inline_keyboard": [[{"text": str(n), "callback_data": str(n)} for n in range(9)]]}
    )
    assert any(
        "66 bytes" in w
        for w in whats(
            check_request("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": long_data})
        )
    )
    assert any(
        "9 buttons" in w
        for w in whats(
            check_request("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": wide})
        )
    )
    caption = check_request("sendPhoto", {"chat_id": 1, "caption": "字" * 1025}, uploads=["photo"])
    assert whats(caption) == ["caption is over 1024 characters"]
    commands = json.dumps([{"command": "Status", "description": ""}])
    assert len(check_request("setMyCommands", {"commands": commands})) == 2
    # an emoji outside the BMP counts twice, as Telegram counts
    assert check_request("sendMessage", {"chat_id": 1, "text": "🔔" * 2048}) == []
    assert check_request("sendMessage", {"chat_id": 1, "text": "🔔" * 2049}) != []


def test_a_bad_answer_is_caught() -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}
    assert check_answer("sendMessage", message) == []
    assert sorted(whats(check_answer("sendMessage", {"message_id": "1", "date": 0}))) == [
        "Message requires 'chat'",
        "expected Integer, got '1'",
    ]
    assert "Chat has no 'colour'" in whats(
        check_answer("sendMessage", {**message, "chat": {"id": 5, "type": "private", "colour": 1}})
    )
    assert check_answer("setMyCommands", True) == []


async def test_the_recorder_sees_a_bad_request_the_bot_sends(
    bot_api_conformance: Recorder,
) -> None:
    async with running_sandbox() as (server, client):
        user = await client.create_user("Li")
        async with ptb_bot(server) as bot:
            await bot.send_message(user["id"], "ok")
            await bot.send_message(user["id"], "bad", api_kwargs={"colour": "red"})
    assert bot_api_conformance.requests >= 2 and bot_api_conformance.answers >= 2
    assert whats(bot_api_conformance.take()) == ["sendMessage has no 'colour'"]
