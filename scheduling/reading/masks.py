"""Spans that are never deadlines, whatever digits they hold: titles, document numbers, plan
periods, page timestamps and five-year-plan names. They are blanked before any matcher runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scheduling.reading.spans import Hit


def title_spans(text: str) -> Iterator[tuple[int, int]]:
    """《…》 titles, including an unmatched 》 (title runs from the sentence start) or 《."""
    depth, opened = 0, -1
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                opened = i
            depth += 1
        elif ch == "》":
            if depth == 0:
                left = max(text.rfind("。", 0, i), text.rfind("\n", 0, i)) + 1
                yield left, i + 1
            else:
                depth -= 1
                if depth == 0:
                    yield opened, i + 1
    if depth > 0:
        stop = text.find("\n", opened)
        yield opened, stop if stop != -1 else len(text)


MASKS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"),
        "a page timestamp, not a deadline",
    ),
    (
        re.compile(r"[\u4e00-\u9fff]{0,8}[\[(]\s*\d{4}\s*[\])]?\s*\d{1,4}\s*号"),
        "a document number, not a deadline",
    ),
    (
        re.compile(r"\(?\d{4}\s*-\s*\d{4}\s*年?\)?|\(?(?:19|20)\d{2}(?:19|20)\d{2}年\)?"),
        "a plan period, not a deadline",
    ),
    (
        re.compile(
            r'"?(?:十[一二三四五六七八九]|[六七八九])五"?(?=规划|普法|时期|期间|法治|")'
            r"|第[一二三四五六七八九十]+个五年规划"
        ),
        "a five-year-plan name, not a deadline",
    ),
]
DATED = re.compile(r"\d{4}|\d\s*[年月日]|(?:十[一二三四五六七八九]|[六七八九])五|五年规划")


def find_masks(norm: str) -> list[Hit]:
    hits = [
        Hit(start, end, reason="a title or citation, not a deadline")
        for start, end in title_spans(norm)
    ]
    for pattern, reason in MASKS:
        hits.extend(Hit(m.start(), m.end(), reason=reason) for m in pattern.finditer(norm))
    return hits
