"""The ledger prints: A4 landscape fitted to the page width, title and header rows on every
page, page numbers in the footer, row heights that show wrapped text; the summary holds
numbers with number formats; a unit-less item shows nothing the plan did not print; and the
file still imports back as itself (issue 19)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.clock import SettableClock
from bot.importing import parse_bytes
from bot.render.ledger_print import lines_needed
from bot.render.ledger_xlsx import ledger_workbook
from bot.services import Services
from bot.usecases.ledger.collect import collect_ledger
from storage.models import Assignment, Duty, Occurrence
from tests.board_support import TODAY, board_world

LONG = "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，" * 4


async def _duty_of(session: AsyncSession, assignment: Assignment) -> Duty:
    occurrence = await session.get(Occurrence, assignment.occurrence_id)
    assert occurrence is not None
    duty = await session.get(Duty, occurrence.duty_id, options=[selectinload(Duty.units)])
    assert duty is not None
    return duty


async def _workbook(services: Services, locale: str = "zh_CN") -> bytes:
    async with services.sessions() as session:
        ledger = await collect_ledger(session, TODAY, services.calendar)
    return ledger_workbook(ledger, services.translator(locale))


async def test_every_sheet_prints_on_a4_landscape_one_page_wide(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        world = await board_world(session, clock.now())
        duty = await _duty_of(session, world.assignments["soon"])
        duty.text = LONG
        duty.units.clear()  # an item whose plan names no unit
    data = await _workbook(services)
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 3
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$2", "title and headers on every page"
        footer = sheet.oddFooter.center.text
        assert "&P" in footer and "&N" in footer and footer.startswith("第")
    plan_sheet = next(s for s in workbook.worksheets if s.title.startswith("红桥区"))
    row = next(r for r in range(3, plan_sheet.max_row + 1) if plan_sheet.cell(r, 4).value == LONG)
    lines = lines_needed(LONG, plan_sheet.column_dimensions["D"].width)
    assert lines >= 4
    assert plan_sheet.row_dimensions[row].height >= lines * 15, "the wrapped text shows"
    assert plan_sheet.cell(row, 4).alignment.wrap_text
    assert plan_sheet.cell(row, 5).value is None and plan_sheet.cell(row, 6).value is None, (
        "no 牵头单位：；责任单位： the plan did not print"
    )


async def test_summary_numbers_are_numbers(services: Services, clock: SettableClock) -> None:
    async with services.sessions() as session, session.begin():
        await board_world(session, clock.now())
    data = await _workbook(services, "en")
    summary = load_workbook(io.BytesIO(data)).worksheets[-1]
    rows = {summary.cell(r, 1).value: r for r in range(3, summary.max_row + 1)}
    justice = rows["区司法局"]
    values = [summary.cell(justice, column).value for column in range(2, 8)]
    assert values[:5] == [3, 1, 2, 1, 0], "assignments, done, open, overdue, due soon"
    assert abs(values[5] - 1 / 3) < 1e-9 and summary.cell(justice, 7).number_format == "0%"
    assert all(summary.cell(justice, c).number_format == "0" for c in range(2, 7))
    total = sum(summary.cell(r, 2).value for r in rows.values())
    assert total == 11, "they sum"
    west = rows["西城街道"]
    assert summary.cell(west, 8).value == "nothing due yet"


async def test_the_printable_ledger_imports_back_as_itself(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        world = await board_world(session, clock.now())
        duty = await _duty_of(session, world.assignments["soon"])
        duty.units.clear()
    document = parse_bytes(await _workbook(services), "ledger.xlsx")
    titles = [plan.title for plan in document.plans]
    assert "Summary by unit" not in titles and "按单位汇总" not in " ".join(titles)
    items = {item.text: item for plan in document.plans for item in plan.items}
    assert (
        items["开展校园普法，结果报区依法治区办"].lead == []
        and items["开展校园普法，结果报区依法治区办"].responsible == []
    )
    assert [ref.name for ref in items["公示执法信息，结果报区依法治区办"].lead] == ["区公安分局"]
