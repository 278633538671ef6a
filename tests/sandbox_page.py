"""Check the sandbox web chat page in headless Chromium, the way a person would use it.

    python -m tests.sandbox_page                      # own sandbox + a tiny echo bot
    python -m tests.sandbox_page --url http://127.0.0.1:8081
                                                      # an already running sandbox whose bot
                                                      # answers /start (buttons optional)
    python -m tests.sandbox_page --chromium /path/to/chromium

Test tooling, not product: it needs the test extra (`pip install -e '.[test]'`, which brings
Playwright's Python package) and the system Chromium (Debian: `apt-get install -y chromium`);
Playwright drives that binary, so no browser is downloaded (`playwright install` is not needed).

Steps: open the page, add a person, send /start, see the bot's reply, press its inline button
(if it has one) and see the bot's edit and the callback answer. Exit status 0 when every step
passed, 1 otherwise, 2 when no Chromium (or no Playwright) is installed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import TEST_TOKEN, polling_app

if TYPE_CHECKING:
    from playwright.async_api import Page

BOT_REPLY = "hello"
PRESSED_REPLY = "hello, you pressed OK"
CALLBACK_ANSWER = "noted"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
STEP_TIMEOUT_MS = 15_000


class PageCheckError(RuntimeError):
    """A step of the page check failed, or the page threw."""


def chromium_path(preferred: str | None = None) -> str | None:
    """The system Chromium to drive, or None if this machine has none."""
    if preferred:
        return shutil.which(preferred)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable_reason(binary: str | None = None) -> str | None:
    """Why the page check cannot run here, or None when it can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[test]'"
    if chromium_path(binary) is None:
        if binary:
            return f"no Chromium at {binary}"
        return "no chromium on PATH: apt-get install -y chromium to run the page check"
    return None


class BrowserPage:
    """One page in a headless system Chromium driven by Playwright; collects page errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.page_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    async def open(self, url: str) -> None:
        await self.page.goto(url, wait_until="load")

    async def type_into(self, selector: str, text: str) -> None:
        """Focus an element and type into it through the browser's input pipeline."""
        await self.page.locator(selector).first.focus()
        await self.page.keyboard.insert_text(text)

    async def click(self, selector: str) -> None:
        await self.page.locator(selector).first.click()

    async def choose_file(self, selector: str, path: str) -> None:
        """Put a local file into an <input type=file>, as a person picking it would."""
        await self.page.locator(selector).set_input_files(path)

    async def evaluate(self, expression: str) -> Any:
        return await self.page.evaluate(expression)

    async def wait_for(self, expression: str, timeout: float = 10.0) -> None:
        """Wait until a JavaScript expression is truthy (use !! for nodes)."""
        try:
            await self.page.wait_for_function(expression, timeout=timeout * 1000)
        except Exception as error:  # playwright's TimeoutError, with the expression
            raise PageCheckError(f"timed out waiting for: {expression}") from error

    async def text_of(self, selector: str) -> list[str]:
        """textContent of every element matching the selector."""
        return list(await self.page.locator(selector).all_text_contents())


@asynccontextmanager
async def browser_page(
    binary: str | None = None, viewport: dict[str, int] | None = None
) -> AsyncIterator[BrowserPage]:
    """A fresh page in the system Chromium (`binary`, default: chromium on PATH), of the
    given viewport size (default: Playwright's 1280×720)."""
    from playwright.async_api import async_playwright

    executable = chromium_path(binary)
    if executable is None:
        raise PageCheckError("no Chromium found: apt-get install -y chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = (
                await browser.new_page(viewport=viewport) if viewport else await browser.new_page()
            )
            page.set_default_timeout(STEP_TIMEOUT_MS)
            yield BrowserPage(page)
        finally:
            await browser.close()


# ---- scenes for screenshots: a person's chat with the real bot, as the page shows it ----------
CHAT_VIEWPORT = {"width": 1000, "height": 1100}  # the chat column is about a phone wide
BOT_BUBBLES = "#messages .msg.bot"


async def open_chat_as(browser: BrowserPage, url: str, user_id: int) -> None:
    """Open the page and the private chat of a person the sandbox already knows."""
    await browser.open(url.rstrip("/") + "/")
    person = f"#user-list li[data-user-id='{user_id}']"
    await browser.wait_for(f"!!document.querySelector({json.dumps(person)})", timeout=15)
    await browser.click(person)
    await browser.wait_for("!document.querySelector('#text').disabled")


async def wait_for_bubble(browser: BrowserPage, *texts: str, timeout: float = 15) -> None:
    """Until one bot bubble shows all of `texts` (an edit counts: the bubble is redrawn)."""
    wanted = json.dumps(list(texts))
    await browser.wait_for(
        f"[...document.querySelectorAll('{BOT_BUBBLES} .text')]"
        f".some(e => {wanted}.every(t => e.textContent.includes(t)))",
        timeout=timeout,
    )


async def press_in_last(browser: BrowserPage, label_start: str) -> None:
    """Press the button whose label starts with `label_start` in the latest bot bubble
    that has one, as a person taps it."""
    found = await browser.evaluate(
        f"""(() => {{
        const bubbles = [...document.querySelectorAll({json.dumps(BOT_BUBBLES)})].reverse();
        for (const bubble of bubbles) {{
            const button = [...bubble.querySelectorAll('.keyboard button')]
                .find(b => b.textContent.startsWith({json.dumps(label_start)}));
            if (button) {{ button.click(); return true; }}
        }}
        return false;
    }})()"""
    )
    if not found:
        raise PageCheckError(f"no button starting with {label_start!r}")


def screenshot_dir() -> Path | None:
    """Where to keep screenshots: DUTYBOT_SCREENSHOT_DIR, or nowhere."""
    folder = os.environ.get("DUTYBOT_SCREENSHOT_DIR")
    return Path(folder) if folder else None


async def chat_screenshot(browser: BrowserPage, name: str) -> Path | None:
    """The chat column as a PNG in `screenshot_dir()` (after the page settled), or None."""
    folder = screenshot_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    await browser.page.evaluate("document.querySelector('#messages').scrollTop = 1e9")
    await asyncio.sleep(0.3)
    path = folder / name
    await browser.page.locator("main.chat").screenshot(path=str(path))
    return path


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
    browser: BrowserPage,
    url: str,
    person: str = "Page Tester",
    expect_reply: str | None = BOT_REPLY,
    report: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Use the page like a person; raise PageCheckError at the first step that fails.

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
        raise PageCheckError(f"the page threw: {browser.page_errors}")
    return {
        "bot_texts": await browser.evaluate(bot_texts),
        "user_texts": await browser.text_of("#messages .msg.user .text"),
        "toast": toast,
        "seconds": round(time.monotonic() - started, 2),
    }


async def check(
    url: str | None, binary: str | None, report: Callable[[str], None]
) -> dict[str, Any]:
    """Run the page check against `url`, or against a private sandbox with the echo bot."""
    async with browser_page(binary) as browser:
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
        prog="python -m tests.sandbox_page",
        description="Drive the sandbox web page in headless Chromium (Playwright).",
    )
    parser.add_argument("--url", help="an already running sandbox (default: start one)")
    parser.add_argument("--chromium", help="the Chromium binary (default: chromium on PATH)")
    args = parser.parse_args(argv)
    reason = unavailable_reason(args.chromium)
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    from playwright.async_api import Error as PlaywrightError

    try:
        result = asyncio.run(check(args.url, args.chromium, print))
    except (PageCheckError, PlaywrightError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(f"OK in {result['seconds']}s: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
