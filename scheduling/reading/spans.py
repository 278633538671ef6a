"""What every matcher shares: the plan's years, a hit, and where a phrase sits in its text.

Offsets are the same in the original and the normalised text (see `scheduling.reading.textnorm`).
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scheduling.dates.model import RuleKind

CN = "[一二两三四五六七八九十]+"
NUM = rf"(?:\d+|{CN})"
BEFORE = r"(?:之前|以前|前)"
FILL = "□"
VISION_HORIZON_YEARS = 5
QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}

Span = tuple[int, int]


@dataclass(frozen=True)
class PlanYears:
    """The plan a duty belongs to: one year, or a span of years, or unknown."""

    plan_year: int | None = None
    year_from: int | None = None
    year_to: int | None = None

    @property
    def single(self) -> int | None:
        if self.plan_year is not None:
            return self.plan_year
        if self.year_from is not None and self.year_from == self.year_to:
            return self.year_from
        return None

    def resolve(self) -> tuple[int, str] | None:
        """The year a month-only deadline ("10月底前") falls in, and where it came from."""
        if self.single is not None:
            return self.single, "plan"
        if self.year_from is not None:
            return self.year_from, "plan_start"
        return None

    @property
    def horizon(self) -> int | None:
        """The last year a deadline can sensibly name; later years are vision statements."""
        last = self.year_to if self.year_to is not None else self.plan_year
        return None if last is None else last + VISION_HORIZON_YEARS


@dataclass
class Hit:
    """One reading of a span: a rule, a start bound, or a deliberate non-reading."""

    start: int
    end: int
    kind: RuleKind | None = None
    params: dict[str, Any] = field(default_factory=dict)
    repaired: bool = False
    reason: str | None = None
    starts: str | None = None
    extra_spans: list[Span] = field(default_factory=list)  # words that belong to this rule


@dataclass(frozen=True)
class Context:
    """The text a matcher reads (with earlier matches blanked) and the plan it belongs to."""

    text: str
    plan: PlanYears


Matcher = Callable[[Context], Iterator[Hit]]


def iso(day: date) -> str:
    return day.isoformat()


def month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def before_day(year: int, month: int, day: int) -> date:
    """The deadline "M月D日前" sets: that day, except "1日前" means the month before's end."""
    if day == 1:
        return month_end(year - 1, 12) if month == 1 else month_end(year, month - 1)
    return date(year, month, day)


def sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span (to "。" or a line break): the scope of "上一年度"."""
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find("。", end), text.find("\n", end)) if i != -1]
    return text[left : min(stops) if stops else len(text)]


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span (to a comma or stronger): the scope of a leading "每年"."""
    left = max(text.rfind(ch, 0, start) for ch in ",;。:\n") + 1
    stops = [i for i in (text.find(ch, end) for ch in ",;。:\n") if i != -1]
    return left, min(stops) if stops else len(text)


def covers(text: str, start: int, end: int) -> dict[str, str]:
    """{"covers": "previous_year"} when the sentence reports on "上一年度" / "上年度"."""
    words = sentence(text, start, end)
    return {"covers": "previous_year"} if re.search("上一?年度|上年", words) else {}


def valid(year: int, month: int, day: int = 1) -> bool:
    """Whether the numbers read from a text make a real date."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
