"""A city's coordinator on the board in a real browser (issue 20): each district is one row
whose counts add up to its units'; a tap opens the district's own rows, a unit there opens
its duties and comes back to the district, and the back bar returns to the city.

Set DUTYBOT_SCREENSHOT_DIR to keep phone-sized screenshots (board_city_zh_CN.png,
board_district_opened_zh_CN.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import SettableClock
from tests.board_support import NOW, bot_with_synced_sandbox
from tests.browser.test_board_browser import (
    CHROMIUM,
    PHONE,
    _opened,
    _rows,
    _screenshot,
    async_playwright,
    chromium,
)
from tests.end_to_end.test_e2e_jurisdictions import _city, _coordinator

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no system chromium (apt-get install chromium)"),
    pytest.mark.skipif(async_playwright is None, reason="playwright is not installed"),
]

COUNTED = ("overdue", "blocked", "done")
PLACE_ROWS_JS = """rows => rows.map(r => ({
  place: r.dataset.place ? Number(r.dataset.place) : null,
  unit: r.dataset.unitId ? Number(r.dataset.unitId) : null,
  name: r.querySelector('.name b').textContent,
  counts: Object.fromEntries([...r.querySelectorAll('.num')].map(c => [c.dataset.count, Number(c.textContent)])),
}))"""


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


async def test_a_city_coordinator_opens_a_district_from_its_row_and_comes_back(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with (
        bot_with_synced_sandbox(sqlite_url, tmp_path, clock) as h,
        chromium() as browser,
    ):
        await _city(h.services)
        city = await _coordinator(h, "宝鸡协调", "宝鸡市")
        weibin = await _coordinator(h, "渭滨协调", "渭滨区")
        page = await browser.new_page(viewport=PHONE)

        await page.goto(await _opened(h, weibin))
        await page.locator("body[data-ready='1']").wait_for(timeout=15_000)
        district_rows = await _rows(page)
        assert district_rows and all(row["id"] for row in district_rows)

        await page.goto(await _opened(h, city))
        await page.reload()
        await page.locator("body[data-ready='1']").wait_for(timeout=15_000)
        top = await page.locator("#units li.row").evaluate_all(PLACE_ROWS_JS)
        assert sorted(row["name"] for row in top) == ["渭滨区", "金台区"]
        assert all(row["place"] and row["unit"] is None for row in top)
        [row] = [r for r in top if r["name"] == "渭滨区"]
        for key in COUNTED:
            assert row["counts"][key] == sum(r["counts"][key] for r in district_rows), key
        assert await page.locator("#place-bar").is_hidden()
        await _screenshot(page, "board_city_zh_CN.png")

        await page.locator(f"#units li.row[data-place='{row['place']}']").click()
        await page.locator("#place-bar:not([hidden])").wait_for()
        assert await page.locator("#place-name").inner_text() == "渭滨区"
        opened = await _rows(page)
        assert [(r["name"], r["counts"]) for r in opened] == [
            (r["name"], r["counts"]) for r in district_rows
        ], "the city opening 渭滨区 sees what 渭滨区's office sees"
        await _screenshot(page, "board_district_opened_zh_CN.png")

        unit = opened[0]["id"]
        await page.locator(f"#units li.row[data-unit-id='{unit}']").click()
        await page.locator("#unit-view:not([hidden])").wait_for()
        await page.click("#unit-back")
        await page.locator("#overview:not([hidden])").wait_for()
        assert await page.locator("#place-name").inner_text() == "渭滨区", "still in 渭滨区"
        assert [r["name"] for r in await _rows(page)] == [r["name"] for r in opened]

        await page.click("#place-back")
        await page.locator("#place-bar[hidden]").wait_for(state="attached")
        back = await page.locator("#units li.row").evaluate_all(PLACE_ROWS_JS)
        assert sorted(r["name"] for r in back) == ["渭滨区", "金台区"]
