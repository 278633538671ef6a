"""Document structure: classify lines, read the outline, pick the items.

One general strategy serves every layout. Two document-wide facts are read from the lines
first: whether bare row numbers carry the items (a ledger table flattened to text), and
whether line breaks were lost (numbers standing inside long lines, as PDF copies and some
document sites give them).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.importing.lines import Line, LineKind, classify, make_line
from bot.importing.model import SourceLine
from bot.importing.numbering import inline_markers
from bot.importing.outline import Segment, read_outline
from bot.importing.selection import PlanDraft, select_items

_GLUED_LINE = 80
# lines that start a part: numbered, a table row, a table's heading cell
_STARTS = {LineKind.MARKED, LineKind.BARE_NUMBER, LineKind.ROW_START, LineKind.CATEGORY}


@dataclass(slots=True)
class Structure:
    """The plans' items, the text outside them, and the lines they were read from."""

    plans: list[PlanDraft]
    unused: list[Segment]
    lines: list[Line]
    ledger: bool
    notice: Line | None
    first_title: Line | None


def is_ledger(lines: list[Line]) -> bool:
    """Bare row numbers that mostly count upwards mean a ledger table flattened to text."""
    numbers = [line.value or 0 for line in lines if line.kind is LineKind.BARE_NUMBER]
    if len(numbers) < 3:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b == a + 1)
    return rising >= 0.6 * (len(numbers) - 1)


def is_glued(lines: list[Line]) -> bool:
    """Counts that run on inside long lines, more often than markers start lines."""
    starts = sum(1 for line in lines if line.kind in _STARTS)
    runs = candidates = 0
    for line in lines:
        if len(line.text) < _GLUED_LINE or line.kind not in {LineKind.TEXT, LineKind.MARKED}:
            continue
        last: dict[str, int] = {}
        if line.marker is not None:
            last[line.marker.style] = line.marker.value
        for marker in inline_markers(line.text):
            candidates += 1
            if last.get(marker.style) == marker.value - 1:
                runs += 1
            last[marker.style] = marker.value
    if starts == 0:  # no line starts with a number: the breaks were lost, if there are any
        return candidates >= 2 or any(
            inline_markers(line.text, anywhere=True) for line in lines if line.text
        )
    return runs >= starts


_SENTENCE_END = set("。；！？：）”】〕」』》;!?:)]")
_CHUNK_LINE = 100


def unchunk(lines: list[Line]) -> list[Line]:
    """Document sites cut a text into numbered chunks ("1、…", "2、…") wherever the page
    ends, mid-sentence; those numbers are not the plan's, so they are dropped."""
    chunks = [
        index
        for index, line in enumerate(lines)
        if line.kind is LineKind.MARKED
        and line.marker is not None
        and line.marker.style == "arabic"
    ]
    values = [lines[index].marker.value for index in chunks]  # type: ignore[union-attr]
    if len(chunks) < 2 or values != list(range(1, len(chunks) + 1)):
        return lines
    if any(len(lines[index].text) < _CHUNK_LINE for index in chunks[:-1]):
        return lines
    cut = 0
    for before, index in zip(chunks, chunks[1:], strict=False):
        previous = next((ln for ln in reversed(lines[before:index]) if ln.text), None)
        if previous is not None and previous.text[-1] not in _SENTENCE_END:
            cut += 1
    if cut * 2 < len(chunks) - 1:
        return lines
    out = list(lines)
    for index in chunks:
        line = lines[index]
        out[index] = make_line(line.source, line.body, LineKind.TEXT)
    return out


def build_structure(sources: list[SourceLine]) -> Structure:
    """Classify all lines, read the outline and pick each plan's items."""
    lines = unchunk([classify(source) for source in sources])
    ledger = is_ledger(lines)
    outline = read_outline(lines, glued=is_glued(lines), ledger=ledger)
    plans, unused = select_items(outline)
    return Structure(plans, unused, lines, ledger, outline.notice, outline.first_title)
