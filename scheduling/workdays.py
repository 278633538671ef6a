"""China's working-day calendar: official holidays and make-up working days.

Built on chinese-calendar's bundled tables. A year those tables do not cover (they stop at the
last year the State Council has announced) falls back to "Monday to Friday", and the calendar
says so (`is_official`, `fallback_years_in`) so the bot can tell an administrator to add that
year's holidays from a file (`scheduling.holiday_file`). Supplied entries override the bundled
data day by day, and a year with any supplied entry counts as known.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

from chinese_calendar import constants as _cc

from scheduling.holiday_file import HolidayEntry, load_holiday_file

__all__ = ["HolidayEntry", "WorkdayCalendar", "load_holiday_file"]

_BUNDLED_HOLIDAYS: dict[date, str] = dict(_cc.holidays)
_BUNDLED_WORKDAYS: dict[date, str] = dict(_cc.workdays)
BUNDLED_YEARS = range(min(_BUNDLED_HOLIDAYS).year, max(_BUNDLED_HOLIDAYS).year + 1)
_ONE_DAY = timedelta(days=1)


class WorkdayCalendar:
    """Answers "is this a working day" and does working-day arithmetic.

    `add_workdays(d, n)` is the day n working days after d (d itself not counted, as in
    "N个工作日内"); `workdays_between(a, b)` counts the working days in (a, b], i.e. how many
    working days are left on day a before a deadline b. For n >= 1,
    `workdays_between(d, add_workdays(d, n)) == n`.
    """

    def __init__(self, extra: Iterable[HolidayEntry] = ()) -> None:
        self._extra: dict[date, HolidayEntry] = {entry.day: entry for entry in extra}
        self._supplied_years = frozenset(day.year for day in self._extra)
        self._year_workdays = cache(self._compute_year)

    # -- what the calendar knows -------------------------------------------------------------

    def is_official(self, year: int) -> bool:
        """True when the year's holidays are known (bundled or supplied), not guessed."""
        return year in BUNDLED_YEARS or year in self._supplied_years

    def fallback_years_in(self, years: Iterable[int]) -> list[int]:
        """The years in `years` that are only approximated by weekends."""
        return sorted({year for year in years if not self.is_official(year)})

    def source(self, year: int) -> str:
        """Where the year's data comes from: "supplied", "bundled" or "weekends"."""
        if year in self._supplied_years:
            return "supplied"
        return "bundled" if year in BUNDLED_YEARS else "weekends"

    def day_name(self, day: date) -> str | None:
        """The holiday or make-up day name, if the day is one."""
        if day in self._extra:
            return self._extra[day].name or self._extra[day].kind
        return _BUNDLED_HOLIDAYS.get(day) or _BUNDLED_WORKDAYS.get(day)

    # -- single days --------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        entry = self._extra.get(day)
        if entry is not None:
            return entry.is_workday
        if day.year in BUNDLED_YEARS:
            if day in _BUNDLED_WORKDAYS:
                return True
            if day in _BUNDLED_HOLIDAYS:
                return False
        return day.weekday() < 5

    def previous_workday(self, day: date) -> date:
        """The working day on or before `day`."""
        while not self.is_workday(day):
            day -= _ONE_DAY
        return day

    def next_workday(self, day: date) -> date:
        """The working day on or after `day`."""
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    # -- arithmetic ---------------------------------------------------------------------------

    def _compute_year(self, year: int) -> list[date]:
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        return [d for d in (first + timedelta(days=i) for i in range(days)) if self.is_workday(d)]

    def _count_until(self, day: date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`."""
        return bisect_right(self._year_workdays(day.year), day)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative, mirrored, when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        total = 0
        for year in range(start.year, end.year):
            total += len(self._year_workdays(year))
        return total + self._count_until(end) - self._count_until(start)

    def add_workdays(self, day: date, count: int) -> date:
        """The day `count` working days after `day` (before it, for a negative count).

        `count == 0` gives `day` itself, working day or not.
        """
        if count == 0:
            return day
        year = day.year
        if count > 0:
            index = bisect_right(self._year_workdays(year), day) + count - 1
            while index >= len(self._year_workdays(year)):
                index -= len(self._year_workdays(year))
                year += 1
            return self._year_workdays(year)[index]
        index = bisect_left(self._year_workdays(year), day) + count
        while index < 0:
            year -= 1
            index += len(self._year_workdays(year))
        return self._year_workdays(year)[index]
