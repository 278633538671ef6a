"""The board in a real browser (Playwright driving the system Chromium) against the real bot
process and the sandbox: a coordinator opens it from the chat page's button and sees the
rows /status shows, filters them, opens a unit's duties and a duty's reports; a liaison sees
only their unit; missing, forged and expired launch data get 401 and nothing (issue 19).

Set DUTYBOT_SCREENSHOT_DIR to keep phone-sized screenshots of the board (zh_CN and en).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import aiohttp
import pytest

from bot.clock import SettableClock
from handlers.board import board_url
from tests.board_support import NOW, board_world, bot_with_synced_sandbox
from tests.e2e import Harness

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.async_api import Browser, FrameLocator, Page, async_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no system chromium (apt-get install chromium)"),
    pytest.mark.skipif(async_playwright is None, reason="playwright is not installed"),
]

ICONS = {"🔴": "red", "🟡": "yellow", "🟢": "green", "⚪": "grey"}
OFFICE_LINE = re.compile(
    r"^(🔴|🟡|🟢|⚪) (\S+) — 逾期 (\d+)(?:，受阻 (\d+))?，未完成 (\d+)，已完成 (\d+)$"
)
ROWS_JS = """rows => rows.map(r => ({
  id: Number(r.dataset.unitId),
  light: r.dataset.light,
  name: r.querySelector('.name b').textContent,
  counts: Object.fromEntries([...r.querySelectorAll('.num')].map(c => [c.dataset.count, Number(c.textContent)])),
}))"""
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def office(sqlite_url: str, tmp_path: Path, clock: SettableClock) -> AsyncIterator[Harness]:
    """The bot with its board, and an office: a coordinator (zh), a liaison of 区司法局 and
    a coordinator who reads English, as sandbox users bound in the database."""
    async with bot_with_synced_sandbox(sqlite_url, tmp_path, clock) as harness:
        coordinator = await harness.user("王协调", "zh")
        liaison = await harness.user("李司法", "zh")
        english = await harness.user("Wang", "en")
        async with harness.services.sessions() as session, session.begin():
            harness.world = await board_world(  # type: ignore[attr-defined]
                session, clock.now(), coordinator, liaison, english
            )
        harness.people = {"coordinator": coordinator, "liaison": liaison, "english": english}  # type: ignore[attr-defined]
        yield harness


async def _opened(harness: Harness, user_id: int, **extra: Any) -> str:
    """The board's address as a Telegram client opens it for this user (signed launch data
    in the fragment), from the sandbox."""
    url = board_url(harness.app)
    assert url is not None
    body = {"user_id": user_id, "url": url, **extra}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{harness.server.url}/_sandbox/web_app", json=body) as response,
    ):
        assert response.status == 200
        return (await response.json())["url"]


async def _rows(board: FrameLocator | Page) -> list[dict[str, Any]]:
    return await board.locator("#units li.row").evaluate_all(ROWS_JS)


def _office_status(text: str) -> list[dict[str, Any]]:
    rows = []
    for line in text.splitlines():
        match = OFFICE_LINE.match(line)
        if match:
            icon, name, overdue, blocked, open_, done = match.groups()
            rows.append(
                {
                    "light": ICONS[icon],
                    "name": name,
                    "overdue": int(overdue),
                    "blocked": int(blocked or 0),
                    "done": int(done),
                }
            )
    return rows


async def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DUTYBOT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / name))


async def test_a_coordinator_sees_what_status_says_filters_and_opens_duties(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with office(sqlite_url, tmp_path, clock) as h, chromium() as browser:
        coordinator = h.people["coordinator"]  # type: ignore[attr-defined]
        world = h.world  # type: ignore[attr-defined]
        status = (await h.say(coordinator, "/status"))["plain_text"]
        expected = _office_status(status)
        assert len(expected) == 7, status

        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        await page.goto(f"{h.server.url}/")
        await page.click(f"#user-list li[data-user-id='{coordinator}']")
        await page.fill("#text", "/board")
        await page.press("#text", "Enter")
        button = page.locator("#messages button[data-web-app]").last
        await button.wait_for(timeout=15_000)
        await button.click()
        board = page.frame_locator("#webapp-frame")
        await board.locator("body[data-ready='1']").wait_for(timeout=15_000)

        rows = await _rows(board)
        assert [(r["light"], r["name"]) for r in rows] == [
            (e["light"], e["name"]) for e in expected
        ], "the same lights in the same order as /status"
        for row, line in zip(rows, expected, strict=True):
            assert (row["counts"]["overdue"], row["counts"]["blocked"], row["counts"]["done"]) == (
                line["overdue"],
                line["blocked"],
                line["done"],
            ), row["name"]
        assert {r["light"] for r in rows} == {"red", "yellow", "green", "grey"}

        await board.locator("#filter-light").select_option("red")
        assert [r["name"] for r in await _rows(board)] == [
            e["name"] for e in expected if e["light"] == "red"
        ]
        await board.locator("#filter-light").select_option("")
        await board.locator("#filter-kind").select_option("street")
        assert {r["name"] for r in await _rows(board)} == {"东城街道", "西城街道"}
        await board.locator("#filter-kind").select_option("")
        await board.locator("#filter-group").select_option(label="各街道")
        assert {r["name"] for r in await _rows(board)} == {"东城街道", "西城街道"}
        await board.locator("#filter-group").select_option("")
        await board.locator("#filter-plan").select_option(str(world.plans["points"].id))
        assert {r["name"] for r in await _rows(board)} == {
            "区司法局",
            "东城街道",
            "区委宣传部",
            "西城街道",
        }
        await board.locator("#filter-plan").select_option("")
        await board.locator("#sort").select_option("name")
        assert len(await _rows(board)) == 7

        # a unit's duties match /status UNIT
        unit_status = (await h.say(coordinator, "/status 区司法局"))["plain_text"]
        justice = world.units["区司法局"].id
        await board.locator(f"#units li.row[data-unit-id='{justice}']").click()
        await board.locator("#unit-view:not([hidden])").wait_for()
        counts = await board.locator("#unit-counts span[data-count]").evaluate_all(
            "cells => Object.fromEntries(cells.map(c => [c.dataset.count, Number(c.dataset.value)]))"
        )
        numbers = re.search(r"已完成 (\d+) · 未完成 (\d+) · 已逾期 (\d+)", unit_status)
        assert numbers is not None, unit_status
        done, open_, overdue = map(int, numbers.groups())
        assert (counts["done"], counts["overdue"]) == (done, overdue)
        duties = await board.locator("#duties li").all_inner_texts()
        assert len(duties) == done + open_ == 3
        listed = re.findall(r"^\d+\. \S+ (.+)$", unit_status, re.M)
        assert listed, unit_status
        for text in [*listed, "公开行政执法统计年报"]:  # /status's next deadlines, the overdue one
            assert any(text.rstrip("…") in duty for duty in duties), text
        # a duty shows who reported what and when
        overdue_id = world.assignments["overdue"].id
        await board.locator(f"#duties li[data-assignment-id='{overdue_id}']").click()
        await board.locator("#duty-view:not([hidden])").wait_for()
        history = await board.locator("#history").inner_text()
        assert "李司法" in history and "已形成初稿" in history
        link = board.locator("#history a")
        assert await link.get_attribute("href") == "https://example.gov.cn/draft"

        phone = await browser.new_page(viewport=PHONE)
        await phone.goto(await _opened(h, coordinator))
        await phone.locator("body[data-ready='1']").wait_for(timeout=15_000)
        assert len(await _rows(phone)) == 7
        await _screenshot(phone, "board_zh_CN.png")
        english = h.people["english"]  # type: ignore[attr-defined]
        await phone.goto(await _opened(h, english))
        await phone.reload()
        await phone.locator("body[data-ready='1']").wait_for(timeout=15_000)
        assert await phone.locator("#tab-units").inner_text() == "Units"
        await _screenshot(phone, "board_en.png")
        await phone.click("#tab-chart")
        await _screenshot(phone, "board_chart_en.png")

        # office work on the board: a unit put into a group with two taps
        await phone.click("#tab-office")
        streets = phone.locator(f"#groups li[data-group-id='{world.group.id}']")
        await streets.wait_for()
        await streets.locator("select").select_option(label="区教育局")
        await streets.locator("button.action").click()
        await phone.locator("#office-message:has-text('Saved')").wait_for()
        chips = phone.locator(f"#groups li[data-group-id='{world.group.id}'] .chips button")
        assert "区教育局 ✕" in await chips.all_inner_texts()
        await _screenshot(phone, "board_office_en.png")


async def test_a_liaison_sees_only_their_unit(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with office(sqlite_url, tmp_path, clock) as h, chromium() as browser:
        liaison = h.people["liaison"]  # type: ignore[attr-defined]
        world = h.world  # type: ignore[attr-defined]
        page = await browser.new_page(viewport=PHONE)
        await page.goto(await _opened(h, liaison))
        await page.locator("body[data-ready='1']").wait_for(timeout=15_000)
        rows = await _rows(page)
        assert [r["name"] for r in rows] == ["区司法局"] and rows[0]["light"] == "red"
        own_status = (await h.say(liaison, "/status"))["plain_text"]
        assert own_status.splitlines()[1].startswith("🔴")
        fetch = """async (id) => (await fetch('api/units/' + id, {headers: {Authorization:
            'tma ' + new URLSearchParams(location.hash.slice(1)).get('tgWebAppData')}})).status"""
        assert await page.evaluate(fetch, world.units["区司法局"].id) == 200
        assert await page.evaluate(fetch, world.units["区公安分局"].id) == 403


async def test_missing_forged_and_expired_launch_data_get_nothing(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with office(sqlite_url, tmp_path, clock) as h, chromium() as browser:
        liaison = h.people["liaison"]  # type: ignore[attr-defined]
        coordinator = h.people["coordinator"]  # type: ignore[attr-defined]
        url = board_url(h.app)
        assert url is not None
        genuine = await _opened(h, liaison)
        base, fragment = genuine.split("#", 1)
        params = dict(parse_qsl(fragment))
        signed = dict(parse_qsl(params["tgWebAppData"]))
        forged_user = signed["user"].replace(str(liaison), str(coordinator))
        forged = urlencode({**signed, "user": forged_user})  # the liaison's hash kept
        stale_at = int((clock.now() - timedelta(days=2)).timestamp())
        cases = {
            "missing": url,
            "forged": f"{base}#" + urlencode({**params, "tgWebAppData": forged}, quote_via=quote),
            "expired": await _opened(h, coordinator, auth_date=stale_at),
        }
        for what, address in cases.items():
            page = await browser.new_page(viewport=PHONE)
            answers: list[tuple[int, str]] = []

            async def record(response: Any, into: list[tuple[int, str]] = answers) -> None:
                if "/api/overview" in response.url:
                    into.append((response.status, await response.text()))

            page.on("response", record)
            await page.goto(address)
            await page.locator("body[data-error]").wait_for(timeout=15_000)
            assert await page.get_attribute("body", "data-error") == "401", what
            assert answers and all(status == 401 for status, _body in answers), what
            assert not any("区司法局" in body for _status, body in answers), what
            shown = await page.inner_text("body")
            assert "区司法局" not in shown and "公开行政执法" not in shown, what
            if what == "expired":
                assert "打开时间过久" in shown
            await page.close()
