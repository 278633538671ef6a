"""The web chat page, driven by Playwright in the system's headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import ForceReply, MessageEntity, User

from bot.sandbox.testing import running_sandbox
from tests.sandbox_page import (
    PRESSED_REPLY,
    browser_page,
    drive_page,
    echo_bot,
    unavailable_reason,
)

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))


async def test_a_person_chats_with_the_bot_in_the_page(tmp_path: Path) -> None:
    async with (
        running_sandbox() as (server, sandbox_client),
        echo_bot(server) as app,
        browser_page() as browser,
    ):
        shown = await drive_page(browser, server.url)
        assert shown["user_texts"] == ["/start"]
        assert shown["bot_texts"] == [PRESSED_REPLY]
        assert shown["toast"] == "noted"
        [user] = await sandbox_client.users()
        assert user["first_name"] == "Page Tester"
        kinds = [e["kind"] for e in await sandbox_client.messages(user["id"], include_user=True)]
        assert kinds == ["user_message", "message", "press", "callback_answer", "edit"]

        # A group created in the page; the bot's formatted text renders with its entities.
        await browser.type_into("#group-title", "联络群")
        await browser.click("#group-create")
        await browser.wait_for(
            "document.querySelector('#chat-title').textContent.includes('联络群')"
        )
        [group] = [c for c in await sandbox_client.chats() if c["type"] == "group"]
        assert group["members"] == [{"user_id": user["id"], "status": "creator"}]
        await app.bot.send_message(group["id"], "<b>逾期</b> 请回复 /mytasks", parse_mode="HTML")
        await browser.wait_for("!!document.querySelector('#messages .msg.bot b')")
        assert await browser.text_of("#messages .msg.bot b") == ["逾期"]
        assert await browser.text_of("#messages .msg.bot .sender") == ["bot"]
        await browser.click("#messages .msg.bot .command")
        await browser.wait_for(
            "[...document.querySelectorAll('#messages .msg.user .text')]"
            ".some(e => e.textContent === '/mytasks')"
        )

        # A file picked in the page reaches the bot as a document.
        evidence = tmp_path / "evidence.txt"
        evidence.write_text("已公开 2023 年度执法统计", encoding="utf-8")
        await browser.choose_file("#file", str(evidence))
        await browser.type_into("#text", "证明")
        await browser.click("#send")
        await browser.wait_for("!!document.querySelector('#messages .msg.user .file')")
        last = (await sandbox_client.messages(group["id"], include_user=True))[-1]
        assert last["document"]["file_name"] == "evidence.txt" and last["caption"] == "证明"
        assert await sandbox_client.download(last["document"]["file_id"]) == evidence.read_bytes()

        # A question with ForceReply for this person opens the reply, as Telegram's apps do:
        # in a group under privacy mode, the reply is what reaches the bot.
        name = "Page Tester"
        question = await app.bot.send_message(
            group["id"],
            f"{name} 原因？",
            entities=[
                MessageEntity("text_mention", 0, len(name), user=User(user["id"], name, False))
            ],
            reply_markup=ForceReply(selective=True),
        )
        await browser.wait_for("!document.querySelector('#reply-note').hidden")
        await browser.type_into("#text", "等数据")
        await browser.click("#send")
        await browser.wait_for("document.querySelector('#reply-note').hidden")
        answer = (await sandbox_client.messages(group["id"], include_user=True))[-1]
        assert answer["plain_text"] == "等数据"
        assert answer["reply_to_message_id"] == question.message_id
        assert browser.page_errors == []
