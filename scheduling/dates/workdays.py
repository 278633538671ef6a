"""China's working-day calendar: official holidays and make-up working days.

Built on chinese-calendar's bundled tables. A year those tables do not cover (they stop at the
last year the State Council has announced) falls back to "Monday to Friday", less the days off
that 《全国年节及纪念日放假办法》 itself fixes (`statutory_holidays`, for years from 2025, when the
revision by State Council Decree No. 795 came into force; the lunar dates and the 清明 solar term
come from lunar-python). That year's make-up working days (调休) cannot be computed, so the
calendar still says the year is not official (`is_official`, `fallback_years_in`) so the bot can
tell an administrator to add that year's holidays from a file (`scheduling.dates.holiday_file`).
Supplied entries override the bundled and computed data day by day, and a year with any
supplied entry counts as known.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Protocol

from chinese_calendar import constants as _cc
from chinese_calendar.constants import Holiday
from lunar_python import Lunar

from scheduling.dates.holiday_file import HolidayEntry, load_holiday_file

__all__ = ["HolidayEntry", "WorkdayCalendar", "load_holiday_file", "statutory_holidays"]

_BUNDLED_HOLIDAYS: dict[date, str] = dict(_cc.holidays)
_BUNDLED_WORKDAYS: dict[date, str] = dict(_cc.workdays)
BUNDLED_YEARS = range(min(_BUNDLED_HOLIDAYS).year, max(_BUNDLED_HOLIDAYS).year + 1)
_ONE_DAY = timedelta(days=1)
# The revised 《全国年节及纪念日放假办法》 (State Council Decree No. 795) is in force from this year
# on; an earlier year the bundled tables do not cover stays "Monday to Friday".
STATUTORY_FROM = 2025
_NONE: Mapping[date, str] = MappingProxyType({})


@cache
def statutory_holidays(year: int) -> Mapping[date, str]:
    """The days off 《全国年节及纪念日放假办法》 (as revised in 2024) fixes in `year`, by name.

    元旦 1 January; 春节 农历除夕 and 正月初一 to 初三; 清明节 the day of the 清明 solar term;
    劳动节 1 and 2 May; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 1 to 3 October. Names are
    chinese-calendar's, as in its bundled tables; where 中秋 falls on 1 to 3 October the day is
    named National Day, as the bundled table does for 2020. Only the days the law names: the
    State Council's yearly arrangement (bridging days, 调休) is not computable.
    """
    spring = Lunar.fromYmd(year, 1, 1)
    qingming = spring.getJieQiTable()["清明"]

    def solar(lunar: Lunar) -> date:
        day = lunar.getSolar()
        return date(day.getYear(), day.getMonth(), day.getDay())

    first = solar(spring)
    days: dict[date, str] = {date(year, 1, 1): Holiday.new_years_day.value}
    for offset in range(-1, 3):  # 除夕 (the day before 正月初一, 腊月廿九 or 三十) to 初三
        days[first + timedelta(days=offset)] = Holiday.spring_festival.value
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = (
        Holiday.tomb_sweeping_day.value
    )
    for may in (1, 2):
        days[date(year, 5, may)] = Holiday.labour_day.value
    days[solar(Lunar.fromYmd(year, 5, 5))] = Holiday.dragon_boat_festival.value
    days[solar(Lunar.fromYmd(year, 8, 15))] = Holiday.mid_autumn_festival.value
    for october in (1, 2, 3):
        days[date(year, 10, october)] = Holiday.national_day.value
    return MappingProxyType(days)  # cached: read-only


def _computed_holidays(year: int) -> Mapping[date, str]:
    """The statutory days off the calendar uses for `year`: none for a bundled year."""
    if year in BUNDLED_YEARS or year < STATUTORY_FROM:
        return _NONE
    return statutory_holidays(year)


class WorkingDays(Protocol):
    """What the rest of the house asks of a working-day calendar (`WorkdayCalendar` is the one
    that runs; a test may pass a smaller fake with only what the code under test calls)."""

    def is_official(self, year: int) -> bool: ...

    def is_workday(self, day: date) -> bool: ...

    def next_workday(self, day: date) -> date: ...

    def add_workdays(self, day: date, count: int) -> date: ...

    def workdays_between(self, start: date, end: date) -> int: ...


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
        """The years in `years` that are only approximated (weekends, statutory holidays)."""
        return sorted({year for year in years if not self.is_official(year)})

    def source(self, year: int) -> str:
        """Where the year's data comes from: "supplied", "bundled", "statutory" (weekends and
        the statutory holidays, no make-up days) or "weekends"."""
        if year in self._supplied_years:
            return "supplied"
        if year in BUNDLED_YEARS:
            return "bundled"
        return "statutory" if _computed_holidays(year) else "weekends"

    def day_name(self, day: date) -> str | None:
        """The holiday or make-up day name, if the day is one."""
        if day in self._extra:
            return self._extra[day].name or self._extra[day].kind
        return (
            _BUNDLED_HOLIDAYS.get(day)
            or _BUNDLED_WORKDAYS.get(day)
            or _computed_holidays(day.year).get(day)
        )

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
        elif day in _computed_holidays(day.year):
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
