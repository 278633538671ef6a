"""Concrete schedules a coordinator would check by hand against a printed calendar.

Expected dates are worked out from the State Council holiday notices (as carried by
chinese-calendar) and a wall calendar, and each is explained where it is asserted.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from scheduling.dates.holiday_file import HolidayEntry, HolidayFileError, load_holiday_file
from scheduling.dates.model import Rule, RuleKind
from scheduling.dates.occurrences import OccurrenceSpec, occurrence_for_event, occurrences
from scheduling.dates.reminder_plan import PlannedReminder, ReminderPolicy, plan_reminders
from scheduling.dates.statutory import (
    StatutoryError,
    StatutoryOverride,
    active_statutory,
    constitution_week,
    constitution_weeks,
    load_statutory,
)
from scheduling.dates.workdays import WorkdayCalendar
from scheduling.reading.rules import extract_rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZH = Translator("zh_CN", SHANGHAI)
EN = Translator("en", SHANGHAI)
POLICY = ReminderPolicy()
CALENDAR = WorkdayCalendar()


def statutory(key: str) -> Rule:
    return next(entry for entry in load_statutory() if entry.key == key).rule()


def one_year(rule: Rule, year: int, calendar: WorkdayCalendar = CALENDAR) -> OccurrenceSpec:
    found = occurrences(rule, start=date(year, 1, 1), end=date(year, 12, 31), calendar=calendar)
    assert len(found) == 1
    return found[0]


def by_kind(reminders: list[PlannedReminder], kind: str) -> list[date]:
    return [r.local_date for r in reminders if r.kind == kind]


# -- 2027: a year the bundled calendar does not know ----------------------------------------------


def test_2027_disclosure_report_falls_back_to_weekends_and_says_so() -> None:
    rule = statutory("information_disclosure_annual_report")
    occ = one_year(rule, 2027)
    assert occ.due_date == date(2027, 1, 31)  # a Sunday: the legal date stays
    assert occ.due_date.weekday() == 6 and occ.legal_due
    assert occ.covers_year == 2026
    assert occ.fallback_calendar
    assert not CALENDAR.is_official(2027)
    assert CALENDAR.fallback_years_in(range(2025, 2029)) == [2027, 2028]

    reminders = plan_reminders(occ, POLICY, CALENDAR)
    before = [r for r in reminders if r.kind in ("lead", "due")]
    assert [r.local_date.weekday() < 5 for r in reminders] == [True] * len(reminders)
    assert all(r.approximate for r in reminders)
    # 0 working days left on Friday 29 January; 1, 3, 7, 14 counted back over Mon-Fri.
    assert [r.local_date for r in before] == [
        date(2027, 1, 11),
        date(2027, 1, 20),
        date(2027, 1, 26),
        date(2027, 1, 28),
        date(2027, 1, 29),
    ]
    assert [r.lead_days for r in before] == [14, 7, 3, 1, 0]
    assert before[-1].kind == "due"
    assert before[-1].planned_at == datetime(2027, 1, 29, 1, 0, tzinfo=ZoneInfo("UTC"))


def test_2027_holidays_from_an_administrator_file(tmp_path: Path) -> None:
    """With 2027's holidays supplied, the year is official and reminders follow them."""
    path = tmp_path / "holidays-2027.csv"
    path.write_text(
        "date,kind,name\n"
        "# hypothetical: Friday 29 January 2027 declared a day off\n"
        "2027-01-29,holiday,test day off\n"
        "2027-01-30,workday,test make-up day\n",
        encoding="utf-8",
    )
    calendar = WorkdayCalendar(load_holiday_file(path))
    assert calendar.is_official(2027) and calendar.source(2027) == "supplied"
    occ = one_year(statutory("information_disclosure_annual_report"), 2027, calendar)
    assert not occ.fallback_calendar
    reminders = plan_reminders(occ, POLICY, calendar)
    # Saturday 30 January is now the last working day before the Sunday due date.
    assert by_kind(reminders, "due") == [date(2027, 1, 30)]
    assert date(2027, 1, 29) not in [r.local_date for r in reminders]
    assert not any(r.approximate for r in reminders)


# -- the first-quarter report ------------------------------------------------------------------


def test_first_quarter_report_2026() -> None:
    occ = one_year(statutory("rule_of_law_annual_report"), 2026)
    assert (occ.window_start, occ.due_date) == (date(2026, 1, 1), date(2026, 3, 31))
    assert occ.period_key == "2026" and occ.covers_year == 2025
    assert occ.label(ZH) == "2025年度" and occ.label(EN) == "2025"
    reminders = plan_reminders(occ, POLICY, CALENDAR)
    # 1-3 January 2026 are the New Year holiday and Sunday 4 January a make-up working day.
    assert by_kind(reminders, "window_open") == [date(2026, 1, 4)]
    assert by_kind(reminders, "due") == [date(2026, 3, 31)]  # a Tuesday
    assert by_kind(reminders, "lead")[-1] == date(2026, 3, 30)
    # Qingming (4-6 April) is skipped by the overdue repeats: 2 working days apart.
    assert by_kind(reminders, "overdue")[:2] == [date(2026, 4, 2), date(2026, 4, 7)]


def test_publication_before_1_april_is_31_march() -> None:
    occ = one_year(statutory("rule_of_law_annual_report_publication"), 2026)
    assert occ.due_date == date(2026, 3, 31)


# -- Constitution Day and Week ------------------------------------------------------------------


def test_constitution_week_2026() -> None:
    assert date(2026, 12, 4).weekday() == 4  # a Friday
    occ = one_year(statutory("constitution_week"), 2026)
    assert (occ.event_start, occ.event_end) == (date(2026, 12, 1), date(2026, 12, 7))
    assert occ.window_start == date(2026, 11, 17)
    assert occ.due_date == date(2026, 12, 8)  # first working day after the week
    assert not occ.legal_due
    assert occ.label(ZH) == "2026年宪法宣传周" and occ.label(EN) == "Constitution Week 2026"
    reminders = plan_reminders(occ, POLICY, CALENDAR)
    preparation = by_kind(reminders, "window_open")
    assert preparation == [date(2026, 11, 17)] and preparation[0] < occ.event_start
    report = by_kind(reminders, "due")
    assert report == [date(2026, 12, 8)] and report[0] > occ.event_end


def test_constitution_week_follows_the_announced_dates() -> None:
    assert constitution_week(2022) == (date(2022, 12, 4), date(2022, 12, 10))
    assert constitution_week(2021) == (date(2021, 11, 29), date(2021, 12, 5))
    assert constitution_week(2030) == (date(2030, 12, 1), date(2030, 12, 7))
    occ = one_year(statutory("constitution_week"), 2022)
    assert occ.due_date == date(2022, 12, 12)  # the week ends Saturday 10th; Monday 12th
    table = constitution_weeks({2026: (date(2026, 11, 30), date(2026, 12, 6))})
    moved = occurrences(
        statutory("constitution_week"),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        calendar=CALENDAR,
        constitution_weeks=table,
    )[0]
    assert (moved.event_start, moved.due_date) == (date(2026, 11, 30), date(2026, 12, 7))


def test_constitution_day_report_is_due_after_the_day() -> None:
    rule = extract_rules("开展124日国家宪法日活动", plan_year=2026, year_from=2026, year_to=2026)[0]
    occ = one_year(rule, 2026)
    assert occ.event_start == occ.event_end == date(2026, 12, 4)
    assert occ.due_date == date(2026, 12, 7)  # Friday's report, Monday


# -- event-relative rules -----------------------------------------------------------------------


def test_fifteen_days_after_publication() -> None:
    text = "县政府规范性文件自发布之日起15日内向扬州市政府和县人大常委会备案"
    (rule,) = extract_rules(text, plan_year=2019, year_from=2019, year_to=2019)
    assert (
        occurrences(rule, start=date(2019, 1, 1), end=date(2019, 12, 31), calendar=CALENDAR) == []
    )
    occ = occurrence_for_event(rule, date(2019, 6, 28), CALENDAR)
    assert occ.due_date == date(2019, 7, 13)  # 15 calendar days; a Saturday, kept
    assert occ.period_key == "event-2019-06-28"
    assert "2019年6月28日" in occ.label(ZH)
    reminders = plan_reminders(occ, POLICY, CALENDAR)
    assert by_kind(reminders, "due") == [date(2019, 7, 12)]  # moved to Friday
    assert by_kind(reminders, "window_open") == []  # the liaison just reported the event
    # 14 working days before Friday 12 July is before the event: dropped; 7 is 3 July.
    assert by_kind(reminders, "lead") == [date(2019, 7, 3), date(2019, 7, 9), date(2019, 7, 11)]


def test_twenty_working_days_across_national_day_2026() -> None:
    text = "在执法决定作出之日起20个工作日内向社会公布执法信息"
    (rule,) = extract_rules(text, plan_year=2026, year_from=2026, year_to=2026)
    decided = date(2026, 9, 28)  # Monday
    # Sep 29, 30 (2); Oct 1-7 National Day; Oct 8, 9, Saturday 10 (make-up), 12-16 (10);
    # Oct 19-23 (15); Oct 26-30 (20).
    occ = occurrence_for_event(rule, decided, CALENDAR)
    assert occ.due_date == date(2026, 10, 30)
    assert CALENDAR.workdays_between(decided, occ.due_date) == 20
    naive = decided
    for _ in range(20):
        naive += timedelta(days=1)
        while naive.weekday() >= 5:
            naive += timedelta(days=1)
    assert naive == date(2026, 10, 26) != occ.due_date  # what counting weekends only gives


# -- holidays skipped ---------------------------------------------------------------------------


def test_spring_festival_2026_is_skipped() -> None:
    holiday = [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]  # 15-23 February
    assert not any(CALENDAR.is_workday(day) for day in holiday)
    assert CALENDAR.is_workday(date(2026, 2, 14)) and CALENDAR.is_workday(date(2026, 2, 28))
    rule = Rule(RuleKind.ONE_OFF, "2026年2月24日前", {"due": "2026-02-24"})
    occ = occurrences(rule, start=date(2026, 1, 1), end=date(2026, 12, 31), calendar=CALENDAR)[0]
    reminders = plan_reminders(occ, POLICY, CALENDAR)
    assert not set(holiday) & {r.local_date for r in reminders}
    # 1 working day left on Saturday 14 February (a make-up day), 3 on Thursday 12th.
    leads = {r.lead_days: r.local_date for r in reminders if r.kind == "lead"}
    assert leads[1] == date(2026, 2, 14)
    assert leads[3] == date(2026, 2, 12)

    monthly = Rule(RuleKind.PERIODIC, "每月", {"period": "month"})
    february = occurrences(
        monthly, start=date(2026, 2, 1), end=date(2026, 2, 28), calendar=CALENDAR
    )
    assert [o.period_key for o in february] == ["2026-02"]
    month_reminders = plan_reminders(february[0], POLICY, CALENDAR)
    assert by_kind(month_reminders, "due") == [date(2026, 2, 28)]  # Saturday, but a working day
    assert not set(holiday) & {r.local_date for r in month_reminders}


# -- policy knobs -------------------------------------------------------------------------------


def test_overdue_repeats_then_one_escalation() -> None:
    rule = Rule(RuleKind.ONE_OFF, "", {"due": "2026-06-10"})  # a Wednesday
    occ = occurrences(rule, start=date(2026, 1, 1), end=date(2026, 12, 31), calendar=CALENDAR)[0]
    policy = ReminderPolicy(overdue_every=3, overdue_max=2, time_of_day=time(8, 30))
    reminders = plan_reminders(occ, policy, CALENDAR)
    # 19 June is the Dragon Boat Festival: 3 working days after 10 June is 15 June, then 18
    # June, and the escalation 3 working days after that skips 19 June: 24 June.
    assert by_kind(reminders, "overdue") == [date(2026, 6, 15), date(2026, 6, 18)]
    assert by_kind(reminders, "escalation") == [date(2026, 6, 24)]
    assert all(r.planned_at.astimezone(SHANGHAI).time() == time(8, 30) for r in reminders)


def test_same_day_lead_times_collapse() -> None:
    policy = ReminderPolicy(lead_days=(3, 3, 0, 0))
    rule = Rule(RuleKind.ONE_OFF, "", {"due": "2026-06-10"})
    occ = occurrences(rule, start=date(2026, 6, 1), end=date(2026, 6, 30), calendar=CALENDAR)[0]
    reminders = [r for r in plan_reminders(occ, policy, CALENDAR) if r.kind in ("lead", "due")]
    assert [(r.kind, r.lead_days) for r in reminders] == [("lead", 3), ("due", 0)]


def test_window_reminder_can_be_switched_off() -> None:
    occ = one_year(statutory("rule_of_law_annual_report"), 2026)
    reminders = plan_reminders(occ, ReminderPolicy(window_open=False), CALENDAR)
    assert by_kind(reminders, "window_open") == []


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        ReminderPolicy(overdue_every=0)
    with pytest.raises(ValueError):
        ReminderPolicy(lead_days=(-1,))


# -- plan years ---------------------------------------------------------------------------------


def test_plan_years_bound_recurring_duties() -> None:
    rule = extract_rules("每年至少举办2期培训班", plan_year=None, year_from=2021, year_to=2025)[0]
    found = occurrences(
        rule,
        start=date(2020, 1, 1),
        end=date(2027, 12, 31),
        calendar=CALENDAR,
        plan_year_from=2021,
        plan_year_to=2025,
    )
    assert [o.period_key for o in found] == ["2021", "2022", "2023", "2024", "2025"]
    assert {o.target_count for o in found} == {2}


def test_start_bound_beyond_a_one_year_plan_still_runs() -> None:
    (rule,) = extract_rules("2020年起，全面推行", plan_year=2019, year_from=2019, year_to=2019)
    found = occurrences(
        rule,
        start=date(2019, 1, 1),
        end=date(2021, 12, 31),
        calendar=CALENDAR,
        plan_year_from=2019,
        plan_year_to=2019,
    )
    assert [o.period_key for o in found] == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]


def test_every_two_years_counts_from_the_plan_start() -> None:
    rule = Rule(RuleKind.PERIODIC, "每两年", {"period": "year", "every": 2})
    found = occurrences(
        rule, start=date(2016, 1, 1), end=date(2021, 12, 31), calendar=CALENDAR, plan_year_from=2016
    )
    assert [(o.period_key, o.due_date) for o in found] == [
        ("2016-2017", date(2017, 12, 31)),
        ("2018-2019", date(2019, 12, 31)),
        ("2020-2021", date(2021, 12, 31)),
    ]
    assert found[0].label(ZH) == "2016—2017年度" and found[0].label(EN) == "2016–2017"


# -- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "zh", "en"),
    [
        ("quarter", "2026年第一季度", "Q1 2026"),
        ("month", "2026年1月", "January 2026"),
        ("half_year", "2026年上半年", "H1 2026"),
        ("year", "2026年度", "2026"),
    ],
)
def test_period_labels(period: str, zh: str, en: str) -> None:
    rule = Rule(RuleKind.PERIODIC, "", {"period": period})
    occ = occurrences(rule, start=date(2026, 1, 1), end=date(2026, 12, 31), calendar=CALENDAR)[0]
    assert occ.label(ZH) == zh
    assert occ.label(EN) == en


# -- holiday files ------------------------------------------------------------------------------


def test_holiday_file_json(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text(
        json.dumps({"entries": [{"date": "2027-10-01", "kind": "holiday", "name": "国庆节"}]}),
        encoding="utf-8",
    )
    assert load_holiday_file(path) == [HolidayEntry(date(2027, 10, 1), "holiday", "国庆节")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13-01,holiday,x\n", "line 1"),
        ("date,kind,name\n2027-10-01,vacation,x\n", "holiday or workday"),
        ("2027-10-01,holiday\n2027-10-01,workday\n", "both"),
        ("2027-10-01\n", "expected date,kind"),
    ],
)
def test_holiday_file_errors_name_the_row(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HolidayFileError, match=message):
        load_holiday_file(path)


# -- the statutory calendar ---------------------------------------------------------------------


def test_statutory_entries_and_groups() -> None:
    entries = {entry.key: entry for entry in load_statutory()}
    assert set(entries) == {
        "enforcement_statistics",
        "information_disclosure_annual_report",
        "government_information_disclosure_annual_report",
        "rule_of_law_annual_report",
        "rule_of_law_annual_report_publication",
        "annual_work_summary",
        "constitution_week",
        "constitution_day",
    }
    assert "第四十九条第二款" in entries["government_information_disclosure_annual_report"].cites(
        "zh_CN"
    )
    assert not entries["annual_work_summary"].enabled, "a local rule, off by default (#16)"
    assert entries["rule_of_law_annual_report"].groups == ("区直各部门", "各镇办")
    assert entries["enforcement_statistics"].groups == ("各行政执法部门",)
    assert "118号" in entries["enforcement_statistics"].cites("zh_CN")
    assert "第四十九条" in entries["information_disclosure_annual_report"].cites("zh_CN")
    assert entries["constitution_week"].groups == ("全体单位",)
    assert not entries["constitution_day"].enabled
    assert "constitution_day" not in {e.key for e in active_statutory()}
    assert entries["rule_of_law_annual_report"].title("en").startswith("Report")


def test_statutory_overrides() -> None:
    overrides = [
        StatutoryOverride("enforcement_statistics", params={"month": 2, "day": 28}),
        StatutoryOverride("annual_work_summary", enabled=False),
        StatutoryOverride("constitution_day", enabled=True, groups=("区直各部门",)),
    ]
    entries = {entry.key: entry for entry in active_statutory(overrides)}
    assert "annual_work_summary" not in entries
    assert entries["constitution_day"].groups == ("区直各部门",)
    redated = entries["enforcement_statistics"].rule()
    assert redated.params == {"month": 2, "day": 28, "covers": "previous_year"}
    assert one_year(redated, 2026).due_date == date(2026, 2, 28)
    assert one_year(redated, 2028).due_date == date(2028, 2, 28)
    with pytest.raises(StatutoryError):
        load_statutory([StatutoryOverride("no_such_entry", enabled=False)])
    with pytest.raises(StatutoryError):
        load_statutory([StatutoryOverride("enforcement_statistics", params={"month": 14})])
    with pytest.raises(StatutoryError):
        load_statutory([StatutoryOverride("enforcement_statistics", groups=())])


def test_statutory_data_ships_inside_the_package() -> None:
    from importlib import resources

    data = resources.files("scheduling.dates.data").joinpath("statutory.json")
    assert data.is_file()
    assert json.loads(data.read_text("utf-8"))["entries"]
