"""Classify each line of the flattened document by its own content.

What a line is in context (an item, a heading, a row's cell) is the outline reader's job; this
module only says what a line looks like: blank, page chrome, a table header word, a line that
starts with a numbering marker, a unit cell, a time limit, a title, a date, prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.importing.chrome import is_chrome, is_page_marker
from bot.importing.model import SourceLine
from bot.importing.normalize import normalize_line, tighten
from bot.importing.numbering import Marker, bare_number, marker_at
from bot.importing.tables import is_header_word
from bot.importing.unit_text import is_unit_list, starts_with_label, whole_line_parenthesis


class LineKind(StrEnum):
    """What a line is, judged from the line alone."""

    BLANK = "blank"
    CHROME = "chrome"
    HEADER = "header"
    MARKED = "marked"
    BARE_NUMBER = "bare_number"
    UNIT_CELL = "unit_cell"
    UNIT_LIST = "unit_list"
    TITLE = "title"
    NOTICE = "notice"
    DATE = "date"
    NOTE = "note"
    ATTACHMENTS = "attachments"
    ROW_START = "row_start"
    ROW_NUMBER = "row_number"
    ASIDE = "aside"
    CONTINUATION = "continuation"
    CATEGORY = "category"
    TEXT = "text"


_CN_DIGIT = "〇○零一二三四五六七八九十"
_DATE = re.compile(
    rf"^(?:(?:19|20)\d{{2}}年\d{{1,2}}月\d{{1,2}}日|[{_CN_DIGIT}]{{4}}年[{_CN_DIGIT}]{{1,2}}月"
    rf"[{_CN_DIGIT}]{{1,3}}日)$"
)
_NOTICE = re.compile(r"^.{0,60}关于.*的通\s*知$")
_TITLE = re.compile(
    r"(方案|规划|计划|台账|要点|清单|意见|办法|细则|纲要|分工|分工表|任务表|安排|责任表|分解表)"
    r"[》）\"”]*$"
)
_NOTE = re.compile(r"^(完成时限|完成时间|时间节点|时间安排|时限要求|时限|完成期限)：")
_ATTACHMENTS = re.compile(r"^附\s*件\s*\d*\s*[：:]?")
MAX_TITLE = 70


@dataclass(slots=True)
class Line:
    """A source line with its normalised forms and classification.

    `raw` keeps single spaces (they can separate unit names); `text` is tightened for prose;
    a MARKED line carries its `marker` and the `body` after it.
    """

    source: SourceLine
    raw: str
    text: str
    kind: LineKind
    marker: Marker | None = None
    body: str = ""
    value: int | None = None

    @property
    def lineno(self) -> int:
        """The line's number in the intermediate model."""
        return self.source.lineno


def is_title(text: str) -> bool:
    """A short line that names a plan ("…工作要点", "…任务分工方案")."""
    return len(text) <= MAX_TITLE and "。" not in text and bool(_TITLE.search(text))


def make_line(source: SourceLine, raw: str, kind: LineKind) -> Line:
    """A line of a given kind from raw (already normalised) text."""
    return Line(source, raw, tighten(raw), kind)


def classify(source: SourceLine) -> Line:
    """Classify one line by its own content."""
    raw = normalize_line(source.text)
    text = tighten(raw)

    def make(kind: LineKind) -> Line:
        return Line(source, raw, text, kind)

    if source.role == "row":
        return make(LineKind.ROW_START)
    if source.role == "rowno" and text:
        return make(LineKind.ROW_NUMBER)
    if source.role == "cont" and text:
        return make(LineKind.CONTINUATION)
    if source.role == "aside" and text:
        return make(LineKind.ASIDE)
    if source.role == "title" and text:
        return make(LineKind.TITLE)
    if source.role.startswith("category:") and text:
        line = make(LineKind.CATEGORY)
        line.value = int(source.role.partition(":")[2])
        return line
    if not text:
        return make(LineKind.BLANK)
    if is_page_marker(text):
        return make(LineKind.CHROME)
    if (number := bare_number(text)) is not None:
        line = make(LineKind.BARE_NUMBER)
        line.value = number
        return line
    if (marker := marker_at(text)) is not None:
        line = make(LineKind.MARKED)
        line.marker = marker
        line.body = text[marker.end :]
        return line
    if is_header_word(text):
        return make(LineKind.HEADER)
    if is_chrome(raw):
        return make(LineKind.CHROME)
    if _DATE.match(text):
        return make(LineKind.DATE)
    if starts_with_label(raw):
        return make(LineKind.UNIT_CELL)
    if (inner := whole_line_parenthesis(raw)) is not None:
        line = make(LineKind.UNIT_CELL if starts_with_label(inner) else LineKind.UNIT_LIST)
        line.raw = inner
        return line
    if _NOTE.match(text):
        return make(LineKind.NOTE)
    if _ATTACHMENTS.match(text):
        return make(LineKind.ATTACHMENTS)
    if _NOTICE.match(text):
        return make(LineKind.NOTICE)
    if is_title(text):
        return make(LineKind.TITLE)
    if is_unit_list(raw):
        return make(LineKind.UNIT_LIST)
    return make(LineKind.TEXT)
