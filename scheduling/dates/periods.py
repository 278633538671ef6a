"""Calendar periods and their keys: "2026", "2026Q1", "2026-03", "2026H1", "2016-2017"."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@dataclass(frozen=True)
class Period:
    """One stretch of time a recurring rule is due in."""

    kind: str  # "month" | "quarter" | "half_year" | "year" | "years"
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half_year":
            return f"{self.start.year}H{1 if self.start.month <= 6 else 2}"
        if self.kind == "years":
            return f"{self.start.year}-{self.end.year}"
        return str(self.start.year)

    def due_on(self, day: int | None = None) -> date:
        """When an occurrence of this period is due: its last day, or for "每月10日前" that day
        of its (first) month, clamped to the month's last day (31 → 30 April, 28/29 February)."""
        if day is None:
            return self.end
        return clamp_day(self.start.year, self.start.month, day)


def month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def clamp_day(year: int, month: int, day: int) -> date:
    """The day in that month, or the month's last day (29 February in a common year)."""
    return date(year, month, min(day, monthrange(year, month)[1]))


def periods_between(kind: str, first_year: int, last_year: int) -> Iterator[Period]:
    """Every month/quarter/half-year/year period of the years first_year..last_year."""
    step = PERIOD_MONTHS[kind]
    for year in range(first_year, last_year + 1):
        for first_month in range(1, 13, step):
            last_month = first_month + step - 1
            yield Period(kind, date(year, first_month, 1), month_end(year, last_month))


def multi_year_periods(
    every: int, anchor: int, first_year: int, last_year: int
) -> Iterator[Period]:
    """Blocks of `every` years counted from `anchor` that touch first_year..last_year."""
    offset = (first_year - anchor) % every
    year = first_year - offset
    while year <= last_year:
        yield Period("years", date(year, 1, 1), date(year + every - 1, 12, 31))
        year += every
