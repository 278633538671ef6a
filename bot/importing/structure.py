"""Document structure: classify lines, track sections, cut items and plans.

One general strategy serves every layout; the only layout switch is "ledger", detected from
the lines themselves: when bare row numbers ("1", "2", …) carry the items, "N." lines are the
ledger's second-level headings instead of items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.importing.chrome import is_chrome
from bot.importing.model import SourceLine
from bot.importing.normalize import join_continuation, normalize_line, tighten
from bot.importing.tables import is_header_word
from bot.importing.unit_text import (
    is_unit_list,
    starts_with_label,
    unit_parenthesis,
    whole_line_parenthesis,
)


class LineKind(StrEnum):
    """What a line is, judged from the line alone."""

    BLANK = "blank"
    CHROME = "chrome"
    HEADER = "header"
    H1 = "h1"
    H2 = "h2"
    NUMBERED = "numbered"
    BARE_NUMBER = "bare_number"
    UNIT_CELL = "unit_cell"
    UNIT_LIST = "unit_list"
    TITLE = "title"
    NOTICE = "notice"
    DATE = "date"
    NOTE = "note"
    TEXT = "text"


_NUMERALS = "一二三四五六七八九十"
_H1 = re.compile(
    rf"^([{_NUMERALS}]{{1,3}})\s*、\s*(\S.*)$|^第([{_NUMERALS}]{{1,3}})[部分章]+\s*(.*)$"
)
_H2 = re.compile(rf"^（([{_NUMERALS}]{{1,3}})）\s*(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,3})\s*[.、]\s*(\S.*)$")
_BARE_NUMBER = re.compile(r"^(\d{1,3})\s*[.、]?$")
_DATE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_NOTICE = re.compile(r"^.{0,40}关于.*的通\s*知$")
_TITLE = re.compile(
    r"(方案|规划|计划|台账|要点|清单|意见|办法|细则|纲要|分工|分工表|任务表|安排)[》）\"”]*$"
)
_NOTE = re.compile(r"^(完成时限|完成时间|时间节点|时间安排|时限)：")
_MAX_TITLE = 70


@dataclass(slots=True)
class Line:
    """A source line with its normalised forms and classification.

    `raw` keeps single spaces (they can separate unit names); `text` is tightened for prose.
    """

    source: SourceLine
    raw: str
    text: str
    kind: LineKind
    number: str | None = None
    body: str = ""

    @property
    def lineno(self) -> int:
        """The line's number in the intermediate model."""
        return self.source.lineno


def classify(source: SourceLine) -> Line:
    """Classify one line by its own content."""
    raw = normalize_line(source.text)
    text = tighten(raw)

    def make(kind: LineKind, number: str | None = None, body: str = "") -> Line:
        return Line(source, raw, text, kind, number, body)

    if not text:
        return make(LineKind.BLANK)
    if is_chrome(raw):
        return make(LineKind.CHROME)
    if is_header_word(text):
        return make(LineKind.HEADER)
    if match := _BARE_NUMBER.match(text):
        return make(LineKind.BARE_NUMBER, match.group(1))
    if match := _NUMBERED.match(text):
        return make(LineKind.NUMBERED, match.group(1), match.group(2))
    if match := _H1.match(text):
        return make(LineKind.H1, match.group(1) or match.group(3), text)
    if match := _H2.match(text):
        return make(LineKind.H2, match.group(1), text)
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
    if _NOTICE.match(text):
        return make(LineKind.NOTICE)
    if len(text) <= _MAX_TITLE and "。" not in text and _TITLE.search(text):
        return make(LineKind.TITLE)
    if is_unit_list(raw):
        return make(LineKind.UNIT_LIST)
    return make(LineKind.TEXT)


def is_ledger(lines: list[Line]) -> bool:
    """Bare row numbers that mostly count upwards mean a ledger table flattened to text."""
    numbers = [int(line.number or 0) for line in lines if line.kind is LineKind.BARE_NUMBER]
    if len(numbers) < 3:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b == a + 1)
    return rising >= 0.6 * (len(numbers) - 1)


def section_title(line: Line) -> str:
    """A heading's title; a heading that runs on into prose keeps only its first sentence."""
    text = line.text
    head, dot, _ = text.partition("。")
    return head if dot and len(text) > 40 else text


@dataclass(slots=True)
class ItemDraft:
    """An item while its lines are still being collected."""

    number: str
    section_path: list[str]
    parts: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    unit_lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    awaiting_text: bool = False
    closed: bool = False
    unclear_numbering: bool = False

    @property
    def text(self) -> str:
        """The item's text so far, continuation lines joined."""
        joined = ""
        for part in self.parts:
            joined = join_continuation(joined, part)
        for note in self.notes:
            joined += f"（{note}）"
        return joined


@dataclass(slots=True)
class PlanDraft:
    """A plan while its items are collected; the title line may be missing."""

    title_line: Line | None
    items: list[ItemDraft] = field(default_factory=list)


class StructureBuilder:
    """Feeds classified lines through a small state machine that cuts items and plans."""

    def __init__(self, ledger: bool) -> None:
        self.ledger = ledger
        self.plans: list[PlanDraft] = []
        self.notice: Line | None = None
        self.first_title: Line | None = None
        self._title_before_plan: Line | None = None
        self._pending_title: Line | None = None
        self._stack: list[str] = []
        self._item: ItemDraft | None = None
        self._section_changed = True
        self._previous_number: int | None = None

    # -- plans and sections -------------------------------------------------------------
    def _plan(self) -> PlanDraft:
        if not self.plans:
            self.plans.append(PlanDraft(self._title_before_plan))
        return self.plans[-1]

    def _maybe_new_plan(self, restart: bool) -> None:
        """A title after items followed by a numbering restart opens the next plan."""
        if self._pending_title is not None and restart and self.plans and self.plans[-1].items:
            self.plans.append(PlanDraft(self._pending_title))
            self._stack = []
            self._previous_number = None
            self._pending_title = None

    def _set_section(self, level: int, title: str) -> None:
        if len(self._stack) > level and self._stack[level] == title:
            return  # a table repeats its merged heading at page breaks
        self._stack = [*self._stack[:level], title]
        self._section_changed = True

    def _close_item(self) -> None:
        if self._item is not None:
            self._item.closed = True

    # -- items ----------------------------------------------------------------------------
    def _start_item(self, line: Line, body: str, awaiting_text: bool) -> None:
        plan = self._plan()
        number = int(line.number or 0)
        expected = None if self._previous_number is None else self._previous_number + 1
        fine = number == expected or (number == 1 and (self._section_changed or expected is None))
        item = ItemDraft(
            number=str(number),
            section_path=list(self._stack),
            parts=[body] if body else [],
            lines=[line.lineno],
            awaiting_text=awaiting_text,
            unclear_numbering=not fine,
        )
        plan.items.append(item)
        self._item = item
        self._previous_number = number
        self._section_changed = False

    def _expected(self, line: Line) -> bool:
        """Whether a number continues the current count (used only when it is ambiguous)."""
        number = int(line.number or 0)
        if self._previous_number is None or self._section_changed:
            return number == 1 or number == (self._previous_number or 0) + 1
        return number == self._previous_number + 1

    def _accepts_text(self) -> bool:
        item = self._item
        if item is None or item.closed or item.unit_lines:
            return False
        return item.awaiting_text or unit_parenthesis(item.text) is None

    def _append_text(self, line: Line) -> None:
        assert self._item is not None
        self._item.parts.append(line.text)
        self._item.lines.append(line.lineno)
        self._item.awaiting_text = False

    def feed(self, line: Line) -> None:
        """Take the next line of the document."""
        kind = line.kind
        item = self._item
        if kind in {LineKind.BLANK, LineKind.CHROME, LineKind.HEADER}:
            return
        if (
            item is not None
            and item.awaiting_text
            and kind
            in {LineKind.TEXT, LineKind.NUMBERED, LineKind.UNIT_LIST, LineKind.TITLE, LineKind.NOTE}
        ):
            self._append_text(line)
            return
        if kind is LineKind.TITLE:
            self._close_item()
            if self.first_title is None:
                self.first_title = line
            if self.plans and self.plans[-1].items:
                self._pending_title = line
            elif not self.plans:
                self._title_before_plan = line
            return
        if kind is LineKind.NOTICE:
            self.notice = self.notice or line
            self._close_item()
            return
        if kind is LineKind.H1:
            self._maybe_new_plan(restart=line.number == "一")
            self._plan()
            self._close_item()
            self._set_section(0, section_title(line))
            return
        if kind is LineKind.H2:
            self._plan()
            self._close_item()
            self._set_section(min(1, len(self._stack)), section_title(line))
            return
        if kind is LineKind.NUMBERED and line.body[0].isdigit() and not self._expected(line):
            kind = LineKind.TEXT  # "12.4宪法日…" is a date, "25.2024年前…" an item
        if kind is LineKind.NUMBERED:
            if self.ledger:
                self._plan()
                self._close_item()
                self._set_section(min(1, len(self._stack)), line.text)
                return
            self._maybe_new_plan(restart=line.number == "1")
            self._start_item(line, line.body, awaiting_text=False)
            return
        if kind is LineKind.BARE_NUMBER:
            if self.ledger:
                self._maybe_new_plan(restart=line.number == "1")
                self._start_item(line, "", awaiting_text=True)
            return
        if kind in {LineKind.UNIT_CELL, LineKind.UNIT_LIST}:
            if item is not None and not item.closed:
                item.unit_lines.append(line)
                item.lines.append(line.lineno)
            return
        if kind is LineKind.NOTE:
            if item is not None and not item.closed:
                item.notes.append(line.text)
                item.lines.append(line.lineno)
            return
        if kind is LineKind.DATE:
            self._close_item()
            return
        # plain text: a paragraph continued, or prose outside any item
        if self._accepts_text():
            self._append_text(line)
        else:
            self._close_item()


def build_structure(sources: list[SourceLine]) -> tuple[StructureBuilder, list[Line]]:
    """Classify all lines, detect the ledger layout and cut plans and items."""
    lines = [classify(source) for source in sources]
    builder = StructureBuilder(is_ledger(lines))
    for line in lines:
        builder.feed(line)
    return builder, lines
