"""How a ledger sheet prints: A4 landscape, one page wide, headers and page numbers on every
page, and rows tall enough to show their wrapped text.

Spreadsheet programs do not grow a row for wrapped text written by a library (Excel only when
a cell is edited), so the heights are estimated here from the text and the column widths: a
Chinese character takes about two width units of a column, a Latin one about one.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import Translator, _

LINE_POINTS = 15.0  # one line of 11-point text, CJK glyphs included
PADDING_POINTS = 4.0
MIN_HEIGHT = 18.0
MAX_HEIGHT = 409.0  # the largest row height Excel accepts
HEADER_ROWS = "1:2"  # the title and the column headers


def text_width(text: str) -> int:
    """Column width units a line of text needs (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of that column width shows its text in."""
    usable = max(width - 1.5, 1.0)
    return sum(
        max(1, math.ceil(text_width(paragraph) / usable)) for paragraph in str(text).split("\n")
    )


def fit_row_heights(
    sheet: Worksheet,
    first: int,
    last: int,
    widths: Sequence[float],
    skip_columns: Sequence[int] = (),
) -> None:
    """Set each row's height to show its tallest wrapped cell (merged section cells, which
    span rows, are left out)."""
    for row in range(first, last + 1):
        lines = 1
        for column, width in enumerate(widths, start=1):
            if column in skip_columns:
                continue
            value = sheet.cell(row, column).value
            if value is None or not isinstance(value, str):
                continue
            lines = max(lines, lines_needed(value, width))
        height = min(MAX_HEIGHT, max(MIN_HEIGHT, lines * LINE_POINTS + PADDING_POINTS))
        sheet.row_dimensions[row].height = height


def set_up_printing(sheet: Worksheet, t: Translator) -> None:
    """A4 landscape, fitted to one page wide (as many pages tall as it takes), the title and
    header rows repeated on every page, "page N of M" in the footer."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = HEADER_ROWS
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    footer = t.gettext(_("Page {page} of {pages}"), page="&P", pages="&N")
    sheet.oddFooter.center.text = footer
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.right.text = "&A"
    sheet.oddFooter.right.size = 9
