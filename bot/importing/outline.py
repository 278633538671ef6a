"""The outline reader: numbered parts at any depth, in any nesting order, glued or not.

Lines come in classified; the reader keeps a stack of open numbered parts. A marker of a
style already on the stack continues that level (and closes everything deeper); a new style
opens a deeper level. A count that carries on across parents (a ledger's row numbers) is
remembered per style. Markers inside a line start a new part only when they continue a count
that is already running (or, in a document whose line breaks were lost, when they open the
first part of a deeper level after a sentence's end). Which level carries the duties is
decided afterwards, by `selection.py`, from the finished tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.importing.headings import plain_heading
from bot.importing.lines import Line, LineKind
from bot.importing.normalize import join_continuation
from bot.importing.numbering import Marker, Style, inline_markers, marker_at
from bot.importing.table_text import TableColumns, looks_like_time, unit_cell_candidate
from bot.importing.unit_text import unit_parenthesis

ROW = "row"  # an unnumbered table row
# The customary order of numbering styles, outermost first (GB/T 9704 and common practice).
RANKS = {
    Style.PART: 0,
    Style.SECTION: 1,
    Style.CN: 2,
    Style.ARTICLE: 3,
    Style.PAREN_CN: 4,
    Style.ARABIC: 5,
    Style.PAREN_ARABIC: 6,
    Style.CIRCLED: 7,
    Style.POINT: 7.5,
    Style.BARE: 8,
    ROW: 9,
}
_TOP_STYLES = {Style.PART, Style.SECTION, Style.CN}
CATEGORY = "category"  # a table's heading cell; "category0" is its outermost column
_CATEGORY_RANK = 4.5  # below （一）, above 1. and row numbers


def _rank(style: str) -> float:
    if style.startswith(CATEGORY):
        return _CATEGORY_RANK + int(style[len(CATEGORY) :]) / 100
    return RANKS.get(style, len(RANKS))


@dataclass(slots=True)
class Segment:
    """A piece of a line's text and the line it came from."""

    lineno: int
    text: str


@dataclass(slots=True, eq=False)
class Node:
    """A numbered part of the outline (or an unnumbered table row) while it is collected."""

    style: str
    value: int
    label: str
    number: str
    first_line: int
    parent: Node | None = None
    segments: list[Segment] = field(default_factory=list)
    unit_lines: list[Line] = field(default_factory=list)
    notes: list[Segment] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    awaiting_text: bool = False
    closed: bool = False
    unclear: bool = False
    columns: TableColumns | None = None
    aside: bool = False  # under an unnumbered heading of background ("活动目标")
    section_index: int = 0  # which unnumbered heading (title line) it sits under

    @property
    def own_text(self) -> str:
        """The part's own text (without its children), continuation lines joined."""
        joined = ""
        for segment in self.segments:
            joined = join_continuation(joined, segment.text)
        return joined

    @property
    def title(self) -> str:
        """The heading as printed: label and own text."""
        return f"{self.label}{self.own_text}"

    @property
    def lines(self) -> list[int]:
        """Every line number this part's own text, units and notes came from, in order."""
        numbers = [s.lineno for s in self.segments] + [n.lineno for n in self.notes]
        numbers += [line.lineno for line in self.unit_lines]
        return sorted(set(numbers))

    def accepts_text(self) -> bool:
        """Whether a following prose line continues this part."""
        if self.closed or self.unit_lines:
            return False
        return self.awaiting_text or unit_parenthesis(self.own_text) is None


@dataclass(slots=True)
class PlanOutline:
    """One plan: its title line (if any) and its top-level parts."""

    title_line: Line | None
    attachment: bool = False  # printed after an 附件 line: the cover letter came before it
    roots: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Outline:
    """What the reader made of a document."""

    plans: list[PlanOutline]
    loose: list[Segment]  # text outside every part
    notice: Line | None
    first_title: Line | None
    table_mode: bool


class OutlineReader:
    """Feeds classified lines through the stack machine described in the module docstring."""

    def __init__(self, *, glued: bool, ledger: bool) -> None:
        self.glued = glued
        self.ledger = ledger
        self.plans: list[PlanOutline] = []
        self.loose: list[Segment] = []
        self.notice: Line | None = None
        self.first_title: Line | None = None
        self._title_before_plan: Line | None = None
        self._pending_title: Line | None = None
        self._stack: list[Node] = []
        self._last_value: dict[str, int] = {}
        self._header: list[Line] = []
        self._columns: TableColumns | None = None
        self._in_attachments = False
        self._attachment_seen = False
        self._section_index = 0
        self._after_unit_list: Node | None = None
        self._row_pending = False
        self._inline_head = ""  # the text before an inline marker being placed
        self._inline_bounded = True
        self._aside = False
        self._grid = False  # rows are marked by the table's grid, not guessed from text
        self._row_number = ""  # a row's printed number that is not a count ("S1")
        self._next: Line | None = None

    # -- plans --------------------------------------------------------------------------
    def _plan(self) -> PlanOutline:
        if not self.plans:
            self.plans.append(PlanOutline(self._title_before_plan))
        return self.plans[-1]

    def _has_parts(self) -> bool:
        return bool(self.plans and self.plans[-1].roots)

    def _maybe_new_plan(self, marker: Marker) -> None:
        """A title after parts, then a count restarting at 1, opens the next plan."""
        if self._pending_title is None or marker.value != 1 or not self._has_parts():
            return
        top = self.plans[-1].roots[0].style if self.plans[-1].roots else None
        if marker.style not in {top, *(node.style for node in self._stack)}:
            return
        self._new_plan()

    def _new_plan(self) -> None:
        self.plans.append(PlanOutline(self._pending_title, self._attachment_seen))
        self._stack = []
        self._last_value = {}
        self._pending_title = None

    # -- placing a marker ----------------------------------------------------------------
    def _place(self, marker: Marker, inline: bool) -> tuple[int, bool] | None:
        """(level, unclear) where the marker belongs, or None when it is no marker here."""
        for level, node in enumerate(self._stack):
            if node.style != marker.style:
                continue
            if marker.value == node.value + 1:
                return level, False
            if inline or marker.digit_follows:
                return None
            return level, True
        expected = self._last_value.get(marker.style, 0) + 1
        fresh = marker.value in {1, expected}
        if inline:
            if marker.digit_follows or not fresh:
                return None
            if not self.glued and not (marker.value == 1 and self._title_so_far()):
                return None
            if (
                not self.glued
                and not self._inline_bounded
                and (self._grid or not self._title_so_far())
            ):
                return None
            if not self._stack and marker.value != 1:
                return None
            if fresh and marker.style in _TOP_STYLES and self._stack:
                return self._level_by_rank(marker.style), False
            return len(self._stack), False
        if marker.digit_follows and not fresh:
            return None
        if marker.style == Style.ARTICLE and not fresh:
            return None
        if fresh and marker.style in _TOP_STYLES and self._stack:
            # "一、" never numbers a sub-point of "1." or "（一）": it starts a new top level
            level = self._level_by_rank(marker.style)
            return level, False
        if fresh:
            return len(self._stack), False
        return self._level_by_rank(marker.style), bool(self._stack or self._has_parts())

    def _level_by_rank(self, style: str) -> int:
        """Where a count that was not seen from its start fits: by the customary order.

        A page that starts inside a plan shows "4、…5、…二、…": 二、 is the level above the
        running count, not a sub-point of item 5.
        """
        rank = _rank(style)
        level = 0
        while level < len(self._stack) and _rank(self._stack[level].style) < rank:
            level += 1
        return level

    def _title_so_far(self) -> bool:
        """The open part has only a heading yet ("1.深化商事制度改革。"), so a first sub-point
        may follow on the same line ("(1)全面落实…")."""
        node = self._current()
        if node is None or node.unit_lines or node.children:
            return False
        text = (node.own_text + self._inline_head).rstrip(" ")
        body = text.rstrip("。：:")
        return 0 < len(body) <= 40 and not any(mark in body for mark in "。；！？，、")

    def _is_repeat(self, marker: Marker, level: int, body: str) -> bool:
        """A merged table heading printed again at a page break or in every row."""
        if level >= len(self._stack):
            return False
        node = self._stack[level]
        return (
            node.style == marker.style
            and node.value == marker.value
            and bool(body)
            and node.own_text.startswith(body[:12])
        )

    def _open(self, line: Line, marker: Marker | None, style: str, value: int, level: int) -> Node:
        label = marker.label if marker else ""
        number = marker.number if marker else ""
        node = Node(style, value, label, number, line.lineno, columns=self._columns)
        node.section_index = self._section_index
        node.aside = self._aside and level == 0
        parent = self._stack[level - 1] if level > 0 else None
        node.parent = parent
        if parent is None:
            self._plan().roots.append(node)
        else:
            parent.children.append(node)
        for open_node in self._stack[level:]:
            open_node.closed = True
        self._stack = [*self._stack[:level], node]
        self._last_value[style] = value
        return node

    def _marked(self, line: Line, marker: Marker, body: str, inline: bool) -> None:
        if self._in_attachments and _attachment_entry(body):
            self.loose.append(Segment(line.lineno, marker.label + body))
            return
        self._in_attachments = False
        self._maybe_new_plan(marker)
        place = self._place(marker, inline)
        if place is None:
            self._text(line, marker.label + body)
            return
        level, unclear = place
        if self._is_repeat(marker, level, body):
            for open_node in self._stack[level + 1 :]:
                open_node.closed = True
            self._stack = self._stack[: level + 1]
            return
        node = self._open(line, marker, marker.style, marker.value, level)
        node.unclear = unclear
        node.awaiting_text = not body
        if body:
            self._text(line, body)

    # -- text ---------------------------------------------------------------------------
    def _current(self) -> Node | None:
        return self._stack[-1] if self._stack else None

    def _split_inline(self, line: Line, text: str) -> tuple[str, Marker, str] | None:
        bounded = {marker.start for marker in inline_markers(text)}
        for candidate in inline_markers(text, anywhere=True):
            if not self.glued and candidate.start not in bounded and candidate.value != 1:
                continue  # glued to a word: only a heading's first sub-point, see _title_so_far
            self._inline_head = text[: candidate.start]
            self._inline_bounded = candidate.start in bounded
            placed = self._place(candidate, inline=True)
            self._inline_head, self._inline_bounded = "", True
            if placed is not None:
                marker = marker_at(text, candidate.start)
                assert marker is not None
                return text[: marker.start], marker, text[marker.end :]
        return None

    def _text(self, line: Line, text: str) -> None:
        """Prose: continue the open part, or start parts at markers inside the line."""
        while text:
            split = self._split_inline(line, text)
            head = split[0] if split else text
            if head.strip():
                self._attach_text(line, head)
            if split is None:
                return
            _, marker, rest = split
            self._maybe_new_plan(marker)
            place = self._place(marker, inline=True)
            assert place is not None
            node = self._open(line, marker, marker.style, marker.value, place[0])
            node.awaiting_text = not rest
            text = rest

    def _category(self, line: Line) -> None:
        """A heading cell of a table row: replaces the heading of its column."""
        style = f"{CATEGORY}{line.value or 0}"
        level = next(
            (index for index, node in enumerate(self._stack) if node.style == style),
            None,
        )
        if level is not None and self._stack[level].own_text == line.text:
            self._stack = self._stack[: level + 1]
            return
        if level is None:
            level = self._level_by_rank(style)
        value = self._last_value.get(style, 0) + 1
        node = self._open(line, None, style, value, level)
        node.segments.append(Segment(line.lineno, line.text))
        node.closed = True

    def _attach_text(self, line: Line, text: str) -> None:
        if self._row_pending:
            self._row_pending = False
            row = self._open(line, None, ROW, self._row_value(), self._row_level())
            row.number, self._row_number = self._row_number, ""
            row.segments.append(Segment(line.lineno, text))
            return
        node = self._current()
        columns = self._columns
        flattened = columns is not None and columns.has_task and not self._grid
        if flattened and node is not None and _heading_then_row(node, text):
            row = self._open(line, None, ROW, self._row_value(), self._row_level())
            row.segments.append(Segment(line.lineno, text))
            return
        if node is not None and node.accepts_text():
            node.segments.append(Segment(line.lineno, text))
            node.awaiting_text = False
            return
        if columns is not None and columns.has_task and self._plan_started() and not self._grid:
            row = self._open(line, None, ROW, self._row_value(), self._row_level())
            row.segments.append(Segment(line.lineno, text))
            return
        if node is not None:
            node.closed = True
        self.loose.append(Segment(line.lineno, text))

    def _plan_started(self) -> bool:
        return bool(self._stack) or self._has_parts()

    def _row_level(self) -> int:
        """A row is a sibling of the rows before it, numbered or not."""
        for level, node in enumerate(self._stack):
            if node.style in {ROW, Style.BARE}:
                return level
        return self._level_by_rank(ROW)

    def _row_value(self) -> int:
        for node in self._stack:
            if node.style == ROW:
                return node.value + 1
        return 1

    # -- units, notes, headers ---------------------------------------------------------
    def _units(self, line: Line) -> None:
        node = self._current()
        if node is not None and not node.closed:
            node.unit_lines.append(line)
            node.awaiting_text = False
            self._after_unit_list = node if line.kind is LineKind.UNIT_LIST else None
            return
        self.loose.append(Segment(line.lineno, line.text))

    def _note(self, line: Line) -> None:
        node = self._current()
        if node is not None and not node.closed:
            node.notes.append(Segment(line.lineno, line.text))
            return
        self.loose.append(Segment(line.lineno, line.text))

    def _flush_header(self) -> None:
        header, self._header = self._header, []
        if len(header) < 2:
            for line in header:  # one word alone is a heading ("活动内容"), not a table's
                if not self._plain_heading(line):
                    self.loose.append(Segment(line.lineno, line.text))
            return
        columns = TableColumns.from_header([line.text for line in header])
        if columns.has_task or columns.unit_roles:
            self._columns = columns
            if self._pending_title is not None and self._has_parts():
                self._new_plan()

    def _signature(self) -> None:
        """A unit list right above a date is the signature block, not the last item's units."""
        node = self._after_unit_list
        if node is None or not node.unit_lines:
            return
        if node.unit_lines[-1].kind is LineKind.UNIT_LIST and (
            len(node.unit_lines) > 1 or node.columns is None
        ):
            line = node.unit_lines.pop()
            self.loose.append(Segment(line.lineno, line.text))

    # -- the entry point -----------------------------------------------------------------
    def feed(self, line: Line, following: Line | None = None) -> None:
        """Take the next line of the document (and a look at the next significant one)."""
        self._next = following
        kind = line.kind
        if kind is LineKind.HEADER:
            self._header.append(line)
            current = self._current()
            if current is not None:
                current.closed = True
            return
        if self._header:
            self._flush_header()
        if self._layout(line):
            return
        if kind in {LineKind.BARE_NUMBER, LineKind.MARKED}:
            self._row_pending = False
        if kind is not LineKind.UNIT_LIST:
            after_units, self._after_unit_list = self._after_unit_list, None
        else:
            after_units = None
        current = self._current()
        if current is not None and current.awaiting_text and kind in _TEXTUAL:
            self._text(line, line.text)
            return
        if current is not None and not current.closed and kind in _INSIDE and _unclosed(current):
            current.segments.append(Segment(line.lineno, line.text))  # a line broken in "（…）"
            return
        self._content(line, after_units)

    def _layout(self, line: Line) -> bool:
        """Lines that shape the document rather than say something (blank, chrome, a table
        row's start or number, a category, a continuation, an aside); True when taken."""
        kind = line.kind
        if kind in {LineKind.BLANK, LineKind.CHROME}:
            return True
        if kind is LineKind.ROW_START:
            self._close()
            self._row_pending = True
            self._row_number = ""
            self._grid = True
            return True
        if kind is LineKind.CATEGORY:
            self._category(line)
            return True
        if kind is LineKind.CONTINUATION:
            node = self._current()
            if node is not None and not node.closed and not node.unit_lines:
                node.segments.append(Segment(line.lineno, line.text))
            else:
                self.loose.append(Segment(line.lineno, line.text))
            return True
        if kind is LineKind.ASIDE:
            self.loose.append(Segment(line.lineno, line.text))
            return True
        if kind is LineKind.ROW_NUMBER:
            self._row_number = line.text
            return True
        return False

    def _content(self, line: Line, after_units: Node | None) -> None:
        """A line that says something: a date, a title, a notice, an item, units, a note."""
        kind = line.kind
        if kind is LineKind.DATE:
            self._after_unit_list = after_units
            self._signature()
            self._after_unit_list = None
            self._close()
            return
        if kind is LineKind.TITLE:
            self._title(line)
            return
        if kind is LineKind.NOTICE:
            self.notice = self.notice or line
            self._close()
            return
        if kind is LineKind.ATTACHMENTS:
            self._in_attachments = True
            self._attachment_seen = True
            self._close()
            self.loose.append(Segment(line.lineno, line.text))
            return
        if kind is LineKind.MARKED:
            assert line.marker is not None
            self._marked(line, line.marker, line.body, inline=False)
            return
        self._in_attachments = False
        if kind is LineKind.BARE_NUMBER:
            self._bare(line)
            return
        if kind in {LineKind.UNIT_CELL, LineKind.UNIT_LIST}:
            self._units(line)
            return
        if kind is LineKind.NOTE:
            self._note(line)
            return
        self._prose(line)

    def _title(self, line: Line) -> None:
        self._close()
        if self.first_title is None:
            self.first_title = line
        if self._has_parts():
            self._pending_title = line
            self._section_index += 1
        elif not self.plans:
            self._title_before_plan = line

    def _bare(self, line: Line) -> None:
        tabular = self.ledger or (self._columns is not None and self._columns.numbered)
        if not tabular or line.value is None:
            self.loose.append(Segment(line.lineno, line.text))
            return
        marker = Marker(Style.BARE, line.value, line.text, 0, len(line.text))
        self._maybe_new_plan(marker)
        place = self._place(marker, inline=False)
        if place is None:
            self.loose.append(Segment(line.lineno, line.text))
            return
        node = self._open(line, marker, Style.BARE, line.value, place[0])
        node.unclear = place[1]
        node.awaiting_text = True

    def _plain_heading(self, line: Line) -> bool:
        """An unnumbered heading ("活动目标", "活动内容"): what follows is background or duties."""
        heading = plain_heading(line.text)
        if heading is None:
            return False
        self._aside = heading
        self._close()
        self._stack = []
        self.loose.append(Segment(line.lineno, line.text))
        return True

    def _prose(self, line: Line) -> None:
        if self._plain_heading(line):
            return
        if self._heads_row(line):
            line.value = 0
            self._category(line)
            return
        node = self._current()
        columns = node.columns if node is not None else None
        if node is not None and not node.closed and columns is not None and node.segments:
            if columns.has_time and looks_like_time(line.text):
                node.notes.append(Segment(line.lineno, f"完成时限：{line.text}"))
                return
            if columns.unit_roles and unit_cell_candidate(line.raw):
                node.unit_lines.append(line)
                return
        self._text(line, line.text)

    def _heads_row(self, line: Line) -> bool:
        """A short line right before a row number, in a table flattened to lines: the row's
        heading cell (its 类别 / 工作任务 column)."""
        following = self._next
        tabular = self.ledger or (self._columns is not None and self._columns.numbered)
        if not tabular or following is None or following.kind is not LineKind.BARE_NUMBER:
            return False
        if looks_like_time(line.text) or unit_cell_candidate(line.raw):
            return False
        node = self._current()
        if node is not None and node.awaiting_text:
            return False
        return len(line.text) <= 40 and "。" not in line.text

    def _close(self) -> None:
        node = self._current()
        if node is not None:
            node.closed = True


_TEXTUAL = {
    LineKind.TEXT,
    LineKind.MARKED,
    LineKind.UNIT_LIST,
    LineKind.TITLE,
    LineKind.NOTE,
}


def _heading_then_row(node: Node, text: str) -> bool:
    """In a table flattened to lines, a heading's row follows it: a short numbered title with
    no sentence, then a cell of task text."""
    title = node.own_text
    if node.style in {ROW, Style.BARE} or node.unit_lines or not node.segments:
        return False
    return len(title) <= 30 and "。" not in title and len(text) >= 15


_INSIDE = {LineKind.TEXT, LineKind.UNIT_CELL, LineKind.UNIT_LIST, LineKind.NOTE, LineKind.TITLE}


def _unclosed(node: Node) -> bool:
    """A part whose text has a bracket opened and not yet closed (a PDF's line break)."""
    text = node.own_text
    return text.count("（") > text.count("）") and len(text) - text.rfind("（") < 300


def _attachment_entry(body: str) -> bool:
    """An entry of an attachment list: a short document name, not a sentence."""
    return 0 < len(body) <= 60 and "。" not in body


def read_outline(lines: list[Line], *, glued: bool, ledger: bool) -> Outline:
    """Run the reader over a document's lines."""
    reader = OutlineReader(glued=glued, ledger=ledger)
    significant = [line for line in lines if line.kind not in {LineKind.BLANK, LineKind.CHROME}]
    after = [*significant[1:], None]
    following = {id(line): after[index] for index, line in enumerate(significant)}
    for line in lines:
        reader.feed(line, following.get(id(line)))
    reader._flush_header()
    return Outline(
        reader.plans,
        reader.loose,
        reader.notice,
        reader.first_title,
        reader._columns is not None,
    )
