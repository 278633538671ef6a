"""An extension request on the coordinator's side of the sandbox's web chat page, in zh_CN and
en: the request with its Approve / Refuse buttons, a press in the page that decides it, and a
second coordinator's press told who decided first (issue 18).

Set DUTYBOT_SCREENSHOT_DIR to keep the screenshots (extension_request_zh_CN.png, _en.png).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.clock import SettableClock
from storage.models import Role
from tests.e2e import running_bot
from tests.end_to_end.test_e2e_conversations import invite_token
from tests.end_to_end.test_e2e_extensions import _assignment, _office, _request_extension

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.async_api import Page, async_playwright
except ImportError:  # pragma: no cover - the test extra brings it
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no system chromium (apt-get install chromium)"),
    pytest.mark.skipif(async_playwright is None, reason="playwright is not installed"),
]
VIEW = {"width": 900, "height": 640}


async def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DUTYBOT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / name))


async def _open_chat(page: Page, url: str, user: int, request_text: str) -> None:
    await page.goto(f"{url}/")
    await page.click(f"#user-list li[data-user-id='{user}']")
    await page.locator("#messages li", has_text=request_text).last.wait_for(timeout=15_000)


async def test_a_coordinator_decides_an_extension_in_the_web_chat_page(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        english = await h.user("Wang")
        await h.say(english, "/lang en")
        await h.say(english, f"/start {await invite_token(h.services, None, Role.COORDINATOR)}")
        await _request_extension(office)
        async with async_playwright() as playwright:  # type: ignore[misc]
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = await browser.new_page(viewport=VIEW)
                await _open_chat(page, h.server.url, office.coordinator, "延期申请")
                request = page.locator("#messages li", has_text="延期申请").last
                labels = await request.locator("button").all_inner_texts()
                assert labels == ["✅ 批准", "❌ 不批准"]
                await _screenshot(page, "extension_request_zh_CN.png")
                await request.locator("button", has_text="批准").first.click()
                await page.locator("#messages li", has_text="已批准：").wait_for(timeout=15_000)

                english_page = await browser.new_page(viewport=VIEW)
                await _open_chat(english_page, h.server.url, english, "Extension request")
                asked = english_page.locator("#messages li", has_text="Extension request").last
                assert await asked.locator("button").all_inner_texts() == [
                    "✅ Approve",
                    "❌ Refuse",
                ]
                await _screenshot(english_page, "extension_request_en.png")
                await asked.locator("button", has_text="Refuse").click()
                toast = english_page.locator("#toast")
                await toast.filter(has_text="already approved by 王协调").wait_for(timeout=15_000)
            finally:
                await browser.close()
        assert (await _assignment(office)).extended_due is not None
