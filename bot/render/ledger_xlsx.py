"""The ledger as an .xlsx workbook in the layout coordinators already keep (openpyxl).

A sheet per plan: the plan's title, then the columns of the seeds' ledger (一级指标, 二级指标,
序号, 主要任务, 牵头部门, 责任部门) with merged section cells, followed by the bot's columns
(due date, status, last report, its date and author, evidence). A last sheet sums up every
unit. The file imports back unchanged (`bot.importing.parse_bytes`), which constrains it:

- the six ledger headers stay Chinese whatever the reader's language: they are the contract
  the importer reads (a 牵头/责任 header labels unit columns);
- the bot's own headers must not contain 牵头, 责任, 配合, 协办, 参与, 主责, 时限 or 时间,
  which the importer would read as unit or deadline columns;
- a duty with no units has empty unit cells (nothing the plan did not print); the workbook
  says it is a dutybot ledger (`LEDGER_PROPERTY`), whose unit columns the importer reads
  exactly, so it neither carries the previous row's units onto it nor runs the next cells
  into its text;
- the importer starts a second plan at its first item and forgets the headings read just
  before, unless the plan's first heading is "一、…"; so a plan whose items begin under a
  later heading ("三、主要任务") goes first, where no new plan has to be started (with two
  such plans, the second one's first section is lost on re-import);
- the due-date or status cell is never empty, which ends the row's item for the importer;
- the summary sheet holds numbers (counts, a completion share) with number formats, so they
  sum and sort; a bare number would be a row number to the importer, so the workbook lists
  the summary sheet as not a plan (`SKIPPED_SHEETS_PROPERTY`) and the importer passes it by.

Every sheet prints on A4 landscape, fitted to the page width, its title and header rows
repeated on every page, numbered in the footer; wrapped text gets row heights that show it.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.clock import local_date
from bot.i18n import Translator, _
from bot.importing.model import DECLARED_PLANS_PROPERTY, SKIPPED_SHEETS_PROPERTY
from bot.render.labels import status_label
from bot.render.ledger_print import fit_row_heights, set_up_printing
from bot.usecases.ledger.collect import Ledger, LedgerAssignment, LedgerPlan, LedgerRow
from bot.usecases.tasks.lights import LIGHT_MEANINGS, Light
from bot.usecases.tasks.lists import OPEN_STATUSES, UnitCounts
from storage.models import AssignmentStatus

# A text that starts with one of these is a formula (or DDE call) to Excel or LibreOffice when
# typed or edited: a note "=cmd|' /C calc'!A0" or a Telegram name "=HYPERLINK(…)" (issue 18).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LEDGER_HEADERS = ("一级指标", "二级指标", "序号", "主要任务", "牵头部门", "责任部门")
EXTRA_HEADERS = (
    _("Due date"),
    _("Status"),
    _("Last report"),
    _("Report date"),
    _("Reported by"),
    _("Evidence"),
)
WIDTHS = (12, 16, 5, 60, 16, 22, 11, 22, 28, 11, 14, 24)
SUMMARY_HEADERS = (
    _("Unit"),
    _("Assignments"),
    _("Done"),
    _("Open"),
    _("Overdue"),
    _("Due within 14 days"),
    _("Completion"),
    _("Light"),
)
SUMMARY_WIDTHS = (30, 12, 12, 12, 12, 16, 12, 36)
COUNT_FORMAT = "0"
SHARE_FORMAT = "0%"
LIGHT_FILLS = {
    "red": PatternFill("solid", fgColor="F4C7C3"),
    "yellow": PatternFill("solid", fgColor="FCE8B2"),
    "green": PatternFill("solid", fgColor="B7E1CD"),
    "grey": PatternFill("solid", fgColor="E8EAED"),
}
LIGHT_NAMES = LIGHT_MEANINGS
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTERED = Alignment(wrap_text=True, vertical="center", horizontal="center")
DATE_FORMAT = "yyyy-mm-dd"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FIRST_HEADING = re.compile(r"^\s*(一\s*、|第一[部分章])")


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (at most 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", title).strip() or "Sheet"
    name = base[:31]
    counter = 2
    while name in taken:
        suffix = f"({counter})"
        name = base[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(name)
    return name


def _assignment_line(item: LedgerAssignment, today: date, t: Translator) -> str:
    parts = [status_label(item.status, t)]
    if item.status in OPEN_STATUSES and item.due < today:
        parts.append(
            t.ngettext("overdue by {count} day", "overdue by {count} days", (today - item.due).days)
        )
    if item.extended:
        parts.append(t.gettext(_("extended to {date}"), date=t.date(item.due)))
    if item.target_count:
        parts.append(f"[{item.progress_count}/{item.target_count}]")
    return " · ".join(parts)


def status_text(row: LedgerRow, today: date, t: Translator) -> str:
    """One line for one unit; for several, how many are done, then every other unit."""
    if not row.assignments:
        return "—"
    if len(row.assignments) == 1:
        return _assignment_line(row.assignments[0], today, t)
    done = sum(1 for item in row.assignments if item.status is AssignmentStatus.DONE)
    lines = [t.gettext(_("{done} of {total} units done"), done=done, total=len(row.assignments))]
    lines.extend(
        t.gettext(_("{unit}: {state}"), unit=item.unit_name, state=_assignment_line(item, today, t))
        for item in row.assignments
        if item.status is not AssignmentStatus.DONE
    )
    return "\n".join(lines)


def _report_text(row: LedgerRow, t: Translator) -> str:
    report = row.last_report
    if report is None:
        return ""
    if report.status and report.note:
        return t.gettext(
            _("{status}: {note}"), status=status_label(report.status, t), note=report.note
        )
    if report.status:
        return status_label(report.status, t)
    return report.note or "—"


def _units_cells(row: LedgerRow) -> tuple[str, str]:
    """The lead and responsible cells as the plan printed them (empty when it named none)."""
    return "、".join(row.lead), "、".join(row.responsible)


def put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write a value; text stays text. openpyxl would store a string starting with "=" as a
    formula; as a string cell with the quote prefix ("'" in Excel's formula bar) neither Excel
    nor LibreOffice evaluates it, not even after the cell is edited. Numbers and dates the bot
    computes are written as they are (a negative count stays a number)."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _number(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _merge_runs(sheet: Worksheet, column: int, keys: list[object], first_row: int) -> None:
    """Merge vertical runs of equal, non-empty keys (a section spanning its items)."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index < len(keys) and keys[index] == keys[start]:
            continue
        if keys[start] and index - start > 1:
            sheet.merge_cells(
                start_row=first_row + start,
                start_column=column,
                end_row=first_row + index - 1,
                end_column=column,
            )
        start = index


def _plan_sheet(sheet: Worksheet, plan: LedgerPlan, ledger: Ledger, t: Translator) -> None:
    columns = len(LEDGER_HEADERS) + len(EXTRA_HEADERS)
    put(sheet, 1, 1, plan.title).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = CENTERED
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.row_dimensions[1].height = 30
    headers = [*LEDGER_HEADERS, *(t.gettext(h) for h in EXTRA_HEADERS)]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(2, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTERED
        cell.border = BORDER
    first = 3
    for offset, row in enumerate(plan.rows):
        number = first + offset
        lead, responsible = _units_cells(row)
        report = row.last_report
        values: list[object] = [
            row.section_path[0] if row.section_path else None,
            row.section_path[1] if len(row.section_path) > 1 else None,
            _number(row.number),
            row.text,
            lead or None,
            responsible or None,
            row.due or (t.gettext(_("ongoing, no deadline")) if row.ongoing else "—"),
            status_text(row, ledger.as_of, t),
            _report_text(row, t) or None,
            local_date(report.at, t.zone) if report else None,
            t.gettext(_("{who} ({unit})"), who=report.who, unit=report.unit_name)
            if report
            else None,
            "\n".join(e.url or e.label for e in row.evidence) or None,
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, number, column, value)
            cell.alignment = CENTERED if column <= 3 else WRAP_TOP
            cell.border = BORDER
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        light = row.light(ledger.as_of, ledger.yellow_until)
        if light:
            sheet.cell(number, 8).fill = LIGHT_FILLS[light]
        links = [e.url for e in row.evidence if e.url]
        if len(links) == 1:
            sheet.cell(number, 12).hyperlink = links[0]
            sheet.cell(number, 12).font = Font(color="1155CC", underline="single")
    paths = [row.section_path for row in plan.rows]
    _merge_runs(sheet, 1, [p[0] if p else None for p in paths], first)
    _merge_runs(sheet, 2, [tuple(p[:2]) if len(p) > 1 else None for p in paths], first)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    last = first + len(plan.rows) - 1
    sheet.auto_filter.ref = f"A2:{get_column_letter(columns)}{max(last, 2)}"
    fit_row_heights(sheet, first, last, WIDTHS, skip_columns=(1, 2))
    set_up_printing(sheet, t)


def _summary_sheet(sheet: Worksheet, units: list[UnitCounts], as_of: date, t: Translator) -> None:
    title = t.gettext(_("Completion by unit as of {date}"), date=t.date(as_of))
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SUMMARY_HEADERS))
    for column, header in enumerate(SUMMARY_HEADERS, start=1):
        cell = sheet.cell(2, column, t.gettext(header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTERED
        cell.border = BORDER
    for offset, counts in enumerate(units):
        number = 3 + offset
        total = counts.done + counts.open
        values: list[object] = [
            counts.unit_name,
            total,
            counts.done,
            counts.open,
            counts.overdue,
            counts.due_soon,
            counts.done / total if total else None,
            t.gettext(LIGHT_NAMES[Light(counts.light)]),
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, number, column, value)
            cell.border = BORDER
            cell.alignment = WRAP_TOP
            if 2 <= column <= 6:
                cell.number_format = COUNT_FORMAT
            elif column == 7:
                cell.number_format = SHARE_FORMAT
        sheet.cell(number, len(values)).fill = LIGHT_FILLS[str(counts.light)]
    for column, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    fit_row_heights(sheet, 3, 2 + len(units), SUMMARY_WIDTHS)
    set_up_printing(sheet, t)


def _splits_cleanly(plan: LedgerPlan) -> bool:
    """Whether the importer can start this plan anywhere in the file (see the module doc)."""
    path = plan.rows[0].section_path if plan.rows else ()
    return not path or bool(_FIRST_HEADING.match(path[0]))


def ledger_workbook(ledger: Ledger, t: Translator) -> bytes:
    """The .xlsx bytes: a sheet per plan, then the unit summary (the sheet it opens on)."""
    workbook = Workbook()
    taken: set[str] = set()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for plan in sorted(ledger.plans, key=_splits_cleanly):
        _plan_sheet(workbook.create_sheet(sheet_title(plan.title, taken)), plan, ledger, t)
    summary = workbook.create_sheet(sheet_title(t.gettext(_("Summary by unit")), taken))
    _summary_sheet(summary, ledger.units, ledger.as_of, t)
    workbook.custom_doc_props.append(
        StringProperty(name=DECLARED_PLANS_PROPERTY, value=_declared_plans(ledger.plans))
    )
    workbook.custom_doc_props.append(
        StringProperty(name=SKIPPED_SHEETS_PROPERTY, value=json.dumps([summary.title]))
    )
    workbook.active = len(workbook.worksheets) - 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _declared_plans(plans: list[LedgerPlan]) -> str:
    """Each plan's issuer, place and years, which the importer reads back from the workbook's
    properties (`bot.importing.reading`): without them a plan imports back as a new plan
    (its identity is its place, issuer and title) and loses a year its title does not say.
    The built-in statutory plan is marked so that it is not imported as a plan of its own."""
    return json.dumps(
        [
            {
                "title": plan.title,
                "issuer": plan.issuer,
                "place": plan.place,
                "year_from": plan.year_from,
                "year_to": plan.year_to,
                "statutory": plan.is_statutory,
            }
            for plan in plans
        ],
        ensure_ascii=False,
    )
