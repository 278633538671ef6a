"""A real python-telegram-bot Application runs unmodified against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.sandbox.client import SandboxClient, SandboxClientError
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import build_app, free_port, polling_app, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox() as pair:
        yield pair


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    args = " ".join(context.args or [])
    await update.effective_message.reply_text(f"hello {args}".strip(), do_quote=True)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text
    await update.effective_message.reply_text(update.effective_message.text.upper())


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("已完成", callback_data="status:done"),
                InlineKeyboardButton("进行中", callback_data="status:doing"),
            ]
        ]
    )
    await update.effective_message.reply_text("任务状态？", reply_markup=keyboard)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer(f"记录：{query.data}", show_alert=query.data.endswith("forged"))
    await query.edit_message_text(f"已记录 {query.data}")


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("ask", ask),
    CallbackQueryHandler(on_press),
    MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
]


async def test_start_command_gets_a_reply_through_polling(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    async with polling_app(server, HANDLERS):
        user = await sandbox_client.create_user("Li", username="li_liaison")
        sent = await sandbox_client.send_text(user["id"], "/start abc123")
        [reply] = await sandbox_client.wait_for(user["id"], timeout=5)
        assert reply["text"] == "hello abc123"
        assert reply["reply_to_message_id"] == sent.message_id
        await sandbox_client.send_text(user["id"], "in progress")
        replies = await sandbox_client.wait_for(user["id"], after=reply["seq"], timeout=5)
        assert [r["text"] for r in replies] == ["IN PROGRESS"]
    assert server.state.stats.per_method["getUpdates"] >= 1


async def test_commands_addressed_to_the_bot_in_a_group(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    async with polling_app(server, HANDLERS):
        user = await sandbox_client.create_user("Wang")
        group = await sandbox_client.create_group("区直各部门", [user["id"]])
        await sandbox_client.send_text(
            user["id"], "/start@dutybot_sandbox_bot", chat_id=group["id"]
        )
        await sandbox_client.send_text(user["id"], "/start@some_other_bot", chat_id=group["id"])
        await sandbox_client.send_text(
            user["id"], "/start@dutybot_sandbox_bot again", chat_id=group["id"]
        )
        replies = await sandbox_client.wait_for(group["id"], count=2, timeout=5)
        assert [r["text"] for r in replies] == ["hello", "hello again"]
        assert await sandbox_client.messages(user["id"]) == []


async def test_inline_keyboard_press_reaches_the_bot(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    async with polling_app(server, HANDLERS):
        user = await sandbox_client.create_user("Zhang")
        await sandbox_client.send_text(user["id"], "/ask")
        [question] = await sandbox_client.wait_for(user["id"], timeout=5)
        buttons = question["reply_markup"]["inline_keyboard"][0]
        assert [b["callback_data"] for b in buttons] == ["status:done", "status:doing"]
        pressed = await sandbox_client.press(
            user["id"], question["message_id"], "status:done", check_buttons=True
        )
        entries = await sandbox_client.wait_for(
            user["id"], count=2, after=question["seq"], timeout=5
        )
        assert [e["kind"] for e in entries] == ["callback_answer", "edit"]
        assert entries[0]["callback_query_id"] == pressed.callback_query_id
        assert entries[1]["text"] == "已记录 status:done" and entries[1]["reply_markup"] is None
        [answer] = await sandbox_client.callback_answers()
        assert (answer["text"], answer["show_alert"], answer["data"]) == (
            "记录：status:done",
            False,
            "status:done",
        )

        with pytest.raises(SandboxClientError) as refused:
            await sandbox_client.press(
                user["id"], question["message_id"], "status:forged", check_buttons=True
            )
        assert refused.value.status == 400
        await sandbox_client.press(user["id"], question["message_id"], "status:forged")
        await sandbox_client.wait_for(
            user["id"], count=1, after=entries[-1]["seq"], timeout=5, kinds=["callback_answer"]
        )
        forged = (await sandbox_client.callback_answers())[-1]
        assert (forged["data"], forged["show_alert"]) == ("status:forged", True)


async def test_webhook_mode_application(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    app = build_app(server)
    for handler in HANDLERS:
        app.add_handler(handler)
    port = free_port()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="tg-hook",
        webhook_url=f"http://127.0.0.1:{port}/tg-hook",
        secret_token="hook-secret",
    )
    try:
        bot = server.state.bots[app.bot.id]
        assert bot.webhook is not None and bot.webhook.secret_token == "hook-secret"
        user = await sandbox_client.create_user("Hooked")
        await sandbox_client.send_text(user["id"], "/start webhook")
        [reply] = await sandbox_client.wait_for(user["id"], timeout=5)
        assert reply["text"] == "hello webhook"
        assert server.state.stats.webhook_deliveries == 1
        assert server.state.stats.per_method["getUpdates"] == 0
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
