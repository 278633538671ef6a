"""Check the sandbox web chat page in headless Chromium, the way a person would use it.

    python -m bot.sandbox.check_page                 # own sandbox + a tiny echo bot
    python -m bot.sandbox.check_page --url http://127.0.0.1:8081
                                                     # an already running sandbox whose bot
                                                     # answers /start (buttons optional)
    python -m bot.sandbox.check_page --chromium /path/to/chromium

Steps: open the page, add a person, send /start, see the bot's reply, press its inline
button (if it has one) and see the bot's edit and the callback answer. Exit status 0 when
every step passed, 1 otherwise, 2 when no Chromium is installed
(`apt-get install -y chromium`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox.cdp import BrowserError, Chromium, chromium_path
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import TEST_TOKEN, polling_app

BOT_REPLY = "hello"
PRESSED_REPLY = "hello, you pressed OK"
CALLBACK_ANSWER = "noted"


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    await update.effective_message.reply_text(BOT_REPLY, reply_markup=keyboard)


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(CALLBACK_ANSWER)
    await query.edit_message_text(PRESSED_REPLY)


@asynccontextmanager
async def echo_bot(
    server: SandboxServer, token: str = TEST_TOKEN
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A python-telegram-bot app answering /start with "hello" and an OK button."""
    handlers = [CommandHandler("start", _start), CallbackQueryHandler(_pressed)]
    async with polling_app(server, handlers, token) as app:
        yield app


async def drive_page(
    browser: Chromium,
    url: str,
    person: str = "Page Tester",
    expect_reply: str | None = BOT_REPLY,
    report: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Use the page like a person; raise BrowserError at the first step that fails.

    Returns what the page showed: the bubbles' texts and any callback answer toast.
    """
    started = time.monotonic()

    def step(text: str) -> None:
        report(f"[{time.monotonic() - started:5.2f}s] {text}")

    await browser.open(url.rstrip("/") + "/")
    step("page loaded")
    await browser.type_into("#user-first-name", person)
    await browser.click("#user-create")
    await browser.wait_for("!document.querySelector('#text').disabled")
    step(f"added {person!r} and opened the private chat")
    await browser.type_into("#text", "/start")
    await browser.click("#send")
    await browser.wait_for(
        "[...document.querySelectorAll('#messages .msg.user .text')]"
        ".some(e => e.textContent === '/start')"
    )
    step("sent /start")
    bot_texts = "[...document.querySelectorAll('#messages .msg.bot .text')].map(e => e.textContent)"
    if expect_reply is None:
        await browser.wait_for(f"{bot_texts}.length > 0", timeout=15)
    else:
        await browser.wait_for(f"{bot_texts}.includes({json.dumps(expect_reply)})", timeout=15)
    step(f"bot replied: {await browser.evaluate(bot_texts)}")
    toast = None
    has_button = await browser.evaluate(
        "!!document.querySelector('#messages .msg.bot .keyboard button[data-callback-data]')"
    )
    if has_button:
        before = await browser.evaluate(bot_texts)
        await browser.click("#messages .msg.bot .keyboard button[data-callback-data]")
        changed = f"JSON.stringify({bot_texts}) !== JSON.stringify({json.dumps(before)})"
        await browser.wait_for(changed, timeout=15)
        toast = await browser.evaluate(
            "document.querySelector('#toast').hidden ? null : document.querySelector('#toast').textContent"
        )
        step(f"pressed the inline button: bot now shows {await browser.evaluate(bot_texts)}")
    if browser.page_errors:
        raise BrowserError(f"the page threw: {browser.page_errors}")
    return {
        "bot_texts": await browser.evaluate(bot_texts),
        "user_texts": await browser.text_of("#messages .msg.user .text"),
        "toast": toast,
        "seconds": round(time.monotonic() - started, 2),
    }


async def check(url: str | None, binary: str, report: Callable[[str], None]) -> dict[str, Any]:
    """Run the page check against `url`, or against a private sandbox with the echo bot."""
    async with Chromium(binary) as browser:
        if url is not None:
            return await drive_page(browser, url, expect_reply=None, report=report)
        server = SandboxServer()
        own_url = await server.start()
        report(f"sandbox at {own_url} with a /start echo bot")
        try:
            async with echo_bot(server):
                return await drive_page(browser, own_url, report=report)
        finally:
            await server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox.check_page",
        description="Drive the sandbox web page in headless Chromium.",
    )
    parser.add_argument("--url", help="an already running sandbox (default: start one)")
    parser.add_argument("--chromium", help="the Chromium binary (default: /usr/bin/chromium)")
    args = parser.parse_args(argv)
    binary = chromium_path(args.chromium)
    if binary is None:
        print("no Chromium found: apt-get install -y chromium", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(check(args.url, binary, print))
    except BrowserError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(f"OK in {result['seconds']}s: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
