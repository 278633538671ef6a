"""The real bot's chat as a person sees it in the sandbox's web page (Playwright driving the
system Chromium): a reminder that lists several duties, one tap to a duty's card, one tap
to change its status, and the card showing the new status (issue 18).

Set DUTYBOT_SCREENSHOT_DIR (e.g. docs/screenshots) to keep the screenshots:

    DUTYBOT_SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest tests/browser/test_chat_page.py

More scenes: seed what the person should see, `open_chat_as`, `press_in_last`,
`wait_for_bubble`, then `chat_screenshot(browser, "<scene>_<locale>.png")`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import SettableClock
from tests.chat_support import DUTIES, has_words, seed_liaison
from tests.e2e import running_bot
from tests.sandbox_page import (
    BOT_BUBBLES,
    CHAT_VIEWPORT,
    browser_page,
    chat_screenshot,
    open_chat_as,
    press_in_last,
    unavailable_reason,
    wait_for_bubble,
)

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))

# (locale, person, what the page shows: listing header, card status before, after, confirmation)
SCENES = (
    ("zh_CN", "李联络", ("您有 3 项任务提醒", "状态：⚪ 未开始", "状态：🔄 进行中", "已记录")),
    (
        "en",
        "Li",
        (
            "You have 3 duty reminders",
            "Status: ⚪ not started",
            "Status: 🔄 in progress",
            "Recorded",
        ),
    ),
)
IN_PROGRESS = {"zh_CN": "🔄 进行中", "en": "🔄 In progress"}


@pytest.mark.parametrize(("locale", "person", "shown"), SCENES, ids=[s[0] for s in SCENES])
async def test_a_person_opens_a_duty_from_a_reminder_and_sees_the_card_change(
    sqlite_url: str,
    tmp_path: Path,
    clock: SettableClock,
    locale: str,
    person: str,
    shown: tuple[str, str, str, str],
) -> None:
    listing, before, after, recorded = shown
    second_duty = DUTIES[1][1]
    async with (
        running_bot(sqlite_url, tmp_path, clock) as h,
        browser_page(viewport=CHAT_VIEWPORT) as browser,
    ):
        li = await seed_liaison(h, person, locale, due_now=3)
        await open_chat_as(browser, h.server.url, li.user_id)
        await wait_for_bubble(browser, listing, second_duty[:20])
        labels = await browser.text_of(f"{BOT_BUBBLES} .keyboard button")
        assert [label.split(".")[0] for label in labels] == ["1", "2", "3"]
        await chat_screenshot(browser, f"reminder_several_duties_{locale}.png")

        await press_in_last(browser, "2. ")
        await wait_for_bubble(browser, second_duty, before)
        await press_in_last(browser, IN_PROGRESS[locale])
        await wait_for_bubble(browser, second_duty, after)
        await wait_for_bubble(browser, recorded)
        card = await browser.evaluate(
            f"[...document.querySelectorAll('{BOT_BUBBLES} .text')]"
            f".filter(b => b.textContent.includes({after!r})).map(b => b.textContent)"
        )
        assert len(card) == 1 and before not in card[0], "the card itself changed"
        await chat_screenshot(browser, f"card_after_change_{locale}.png")
        every = await browser.text_of(f"{BOT_BUBBLES} .keyboard button")
        assert every and all(has_words(label) for label in every), every
        assert browser.page_errors == []
