"""No formulas from users (issue 18): text that users wrote (a note, a Telegram name, a unit or
a plan's title) and that would start a formula is written to the ledger as text, while the
numbers and dates the bot computes stay numbers and dates."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from bot.clock import SettableClock
from bot.render.ledger_xlsx import ledger_workbook, put
from bot.services import Services
from bot.usecases.ledger.collect import collect_ledger
from storage.models import AssignmentStatus, StatusReport
from tests.factories import add_member, build_assignment

HOSTILE_NOTE = "=cmd|' /C calc'!A0"
HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")'
HOSTILE_UNIT = "@SUM(1+1)*cmd"
HOSTILE_TITLE = "+1+1 任务台账"
HOSTILE_TEXT = "-2+3 公开行政执法统计年报"


async def _hostile_ledger(services: Services, clock: SettableClock) -> bytes:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now, unit_name=HOSTILE_UNIT, text=HOSTILE_TEXT)
        built.plan.title = HOSTILE_TITLE
        member = await add_member(session, now, 10001, built.unit)
        member.name = HOSTILE_NAME
        session.add(
            StatusReport(
                assignment_id=built.assignment.id,
                member_id=member.id,
                created_at=datetime(2026, 11, 19, 7, tzinfo=UTC),
                status=AssignmentStatus.IN_PROGRESS,
                note=None,
                evidence_kind="link",
                evidence_name=HOSTILE_NOTE,
            )
        )
        session.add(
            StatusReport(
                assignment_id=built.assignment.id,
                member_id=member.id,
                created_at=datetime(2026, 11, 20, 7, tzinfo=UTC),
                note=HOSTILE_NOTE,
            )
        )
    async with services.sessions() as session:
        ledger = await collect_ledger(session, date(2026, 11, 23), services.calendar)
    return ledger_workbook(ledger, services.translator("en"))


async def test_user_text_that_looks_like_a_formula_is_written_as_text(
    services: Services, clock: SettableClock
) -> None:
    data = await _hostile_ledger(services, clock)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets), "no formula"
    workbook = load_workbook(io.BytesIO(data))
    plan_sheet, summary = workbook.worksheets
    texts = {
        cell.value: cell
        for sheet in (plan_sheet, summary)
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    }
    assert HOSTILE_TITLE in texts and HOSTILE_TEXT in texts and HOSTILE_UNIT in texts
    assert any(HOSTILE_NAME in value for value in texts), "the reporter's Telegram name"
    assert any(HOSTILE_NOTE in value for value in texts), "the note"
    for value, cell in texts.items():
        assert cell.data_type == "s" and cell.quotePrefix, (value, cell.coordinate)
    counts = next(row for row in summary.iter_rows(min_row=3) if row[0].value == HOSTILE_UNIT)
    assert [cell.value for cell in counts[1:4]] == [1, 0, 1], "counts stay numbers"
    assert all(cell.data_type == "n" for cell in counts[1:4])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_but_numbers_stay_numbers(start: str) -> None:
    sheet = Workbook().active
    assert sheet is not None
    text = put(sheet, 1, 1, f"{start}1+1")
    negative = put(sheet, 1, 2, -3)
    plain = put(sheet, 1, 3, "区司法局 -1")
    assert text.data_type == "s" and text.quotePrefix and text.value == f"{start}1+1"
    assert negative.data_type == "n" and negative.value == -3 and not negative.quotePrefix
    assert plain.data_type == "s" and not plain.quotePrefix
