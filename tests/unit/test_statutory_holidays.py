"""Statutory public holidays for a year the bundled official tables do not cover yet.

《全国年节及纪念日放假办法》 (as revised by State Council Decree No. 795, in force from 2025) fixes
the days off; the calendar computes them for such a year, while its make-up working days (调休)
stay unknown and the year stays "not official".
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants as cc

from scheduling.dates.workdays import (
    BUNDLED_YEARS,
    WorkdayCalendar,
    load_holiday_file,
    statutory_holidays,
)

CALENDAR = WorkdayCalendar()

# 2027 by the law: 春节 is Saturday 6 February (除夕 Friday 5 February), 清明 5 April,
# 端午 (五月初五) 9 June, 中秋 (八月十五) 15 September.
HOLIDAYS_2027 = {
    date(2027, 1, 1): "New Year's Day",
    date(2027, 2, 5): "Spring Festival",
    date(2027, 2, 6): "Spring Festival",
    date(2027, 2, 7): "Spring Festival",
    date(2027, 2, 8): "Spring Festival",
    date(2027, 4, 5): "Tomb-sweeping Day",
    date(2027, 5, 1): "Labour Day",
    date(2027, 5, 2): "Labour Day",
    date(2027, 6, 9): "Dragon Boat Festival",
    date(2027, 9, 15): "Mid-autumn Festival",
    date(2027, 10, 1): "National Day",
    date(2027, 10, 2): "National Day",
    date(2027, 10, 3): "National Day",
}


def test_2027_is_not_bundled() -> None:
    """The premise of this file; once chinese-calendar ships 2027, the bundled table rules."""
    assert 2027 not in BUNDLED_YEARS


def test_no_working_day_on_a_2027_statutory_holiday() -> None:
    assert dict(statutory_holidays(2027)) == HOLIDAYS_2027
    for day, name in HOLIDAYS_2027.items():
        assert not CALENDAR.is_workday(day), day
        assert CALENDAR.day_name(day) == name


def test_working_days_skip_the_2027_spring_festival() -> None:
    thursday = date(2027, 2, 4)
    assert CALENDAR.add_workdays(thursday, 1) == date(2027, 2, 9)
    assert CALENDAR.workdays_between(thursday, date(2027, 2, 9)) == 1
    assert CALENDAR.next_workday(date(2027, 2, 5)) == date(2027, 2, 9)
    assert CALENDAR.previous_workday(date(2027, 1, 1)) == date(2026, 12, 31)


def test_computed_holidays_agree_with_the_official_ones_for_2019_to_2026() -> None:
    """The library's lunar dates and 清明 against the State Council's tables.

    From 2025 every day the revised law fixes is an official holiday. Before 2025 the 2013
    version was in force: no 除夕 and one day for 劳动节, so those two are not checked there
    (除夕 2024, 9 February, was indeed a working day)."""
    for year in range(2019, 2027):
        assert year in BUNDLED_YEARS
        computed = statutory_holidays(year)
        spring_festival = [day for day, name in computed.items() if name == "Spring Festival"]
        eve = min(spring_festival)
        assert len(spring_festival) == 4
        assert spring_festival == [eve + timedelta(days=n) for n in range(4)]
        for day, name in computed.items():
            if year < 2025 and (day == eve or day == date(year, 5, 2)):
                continue
            assert day.year == year
            assert not chinese_calendar.is_workday(day), (year, day, name)
            assert cc.holidays[day] == name, (year, day, name)


def test_computed_holidays_leave_bundled_years_alone() -> None:
    day = date(2019, 1, 1)
    while day.year < 2027:
        assert CALENDAR.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert CALENDAR.day_name(date(2024, 2, 9)) is None  # 除夕 2024: a working day then


def test_a_supplied_file_overrides_a_computed_holiday(tmp_path: Path) -> None:
    path = tmp_path / "holidays-2027.csv"
    path.write_text(
        "date,kind,name\n"
        "2027-02-08,workday,hypothetical: back at work on 初三\n"
        "2027-02-09,holiday,春节调休\n",
        encoding="utf-8",
    )
    calendar = WorkdayCalendar(load_holiday_file(path))
    assert calendar.is_workday(date(2027, 2, 8))
    assert calendar.day_name(date(2027, 2, 8)) == "hypothetical: back at work on 初三"
    assert not calendar.is_workday(date(2027, 2, 9))
    assert calendar.day_name(date(2027, 2, 9)) == "春节调休"
    # the computed days the file does not mention stay days off
    assert not calendar.is_workday(date(2027, 2, 5))
    assert not calendar.is_workday(date(2027, 10, 1))
    assert calendar.is_official(2027) and calendar.source(2027) == "supplied"


def test_a_year_with_computed_holidays_is_still_not_official() -> None:
    assert not CALENDAR.is_official(2027)
    assert CALENDAR.source(2027) == "statutory"
    assert CALENDAR.fallback_years_in(range(2025, 2030)) == [2027, 2028, 2029]
    day = date(2027, 1, 1)
    while day.year == 2027:
        if day.weekday() >= 5:  # no make-up working day is guessed
            assert not CALENDAR.is_workday(day), day
        elif day not in HOLIDAYS_2027:  # and no bridging day either
            assert CALENDAR.is_workday(day), day
            assert CALENDAR.day_name(day) is None
        day += timedelta(days=1)


def test_mid_autumn_on_national_day_is_named_national_day() -> None:
    """2028: 中秋 is 3 October, as in 2020, when the bundled table names it National Day."""
    assert cc.holidays[date(2020, 10, 1)] == "National Day"
    assert statutory_holidays(2028)[date(2028, 10, 3)] == "National Day"
    assert "Mid-autumn Festival" not in statutory_holidays(2028).values()


def test_a_year_before_the_revised_law_stays_on_weekends() -> None:
    """2003 predates both the bundled tables and the 2025 revision: Monday to Friday."""
    assert CALENDAR.source(2003) == "weekends"
    assert CALENDAR.is_workday(date(2003, 1, 1))  # a Wednesday
    assert CALENDAR.day_name(date(2003, 1, 1)) is None
