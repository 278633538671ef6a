"""Properties of the working-day calendar, occurrences and reminder plans, for any input."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.dates.model import Rule, RuleKind
from scheduling.dates.occurrences import OccurrenceSpec, occurrence_for_event, occurrences
from scheduling.dates.reminder_plan import ReminderPolicy, plan_reminders
from scheduling.dates.workdays import (
    BUNDLED_YEARS,
    STATUTORY_FROM,
    HolidayEntry,
    WorkdayCalendar,
    statutory_holidays,
)

CALENDAR = WorkdayCalendar()
ZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "UTC"]  # no DST since 1992

days = st.dates(min_value=date(2003, 1, 1), max_value=date(2029, 12, 31))
official_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
years = st.integers(min_value=2005, max_value=2028)
counts = st.integers(min_value=1, max_value=80)

policies = st.builds(
    ReminderPolicy,
    lead_days=st.lists(st.integers(min_value=0, max_value=30), max_size=6).map(tuple),
    time_of_day=st.times(),
    zone=st.sampled_from(ZONES).map(ZoneInfo),
    overdue_every=st.integers(min_value=1, max_value=10),
    overdue_max=st.integers(min_value=0, max_value=8),
    window_open=st.booleans(),
)


def _yearly_rules() -> st.SearchStrategy[Rule]:
    month = st.integers(min_value=1, max_value=12)
    covers = st.sampled_from([{}, {"covers": "previous_year"}])
    dated = st.builds(
        lambda m, d, c, w: Rule(
            RuleKind.YEARLY_DATE,
            "",
            {"month": m, "day": d, **c, **({"whole_month": True} if w else {})},
        ),
        month,
        st.integers(min_value=1, max_value=29),
        covers,
        st.booleans(),
    )
    windows = st.builds(
        lambda a, b, c: Rule(
            RuleKind.YEARLY_WINDOW,
            "",
            {"window": "M", "start_month": min(a, b), "end_month": max(a, b), **c},
        ),
        month,
        month,
        covers,
    )
    events = st.sampled_from(
        [
            Rule(RuleKind.YEARLY_EVENT, "", {"event": "constitution_week"}),
            Rule(RuleKind.YEARLY_EVENT, "", {"event": "constitution_day", "month": 12, "day": 4}),
        ]
    )
    counted = st.builds(
        lambda n: Rule(RuleKind.YEARLY_COUNT, "", {"target": n, "unit_noun": "次"}),
        st.integers(min_value=1, max_value=50),
    )
    periodic_year = st.just(Rule(RuleKind.PERIODIC, "", {"period": "year"}))
    return st.one_of(dated, windows, events, counted, periodic_year)


def _any_occurrence() -> st.SearchStrategy[OccurrenceSpec]:
    """Occurrences of every recurring kind, of one-offs and of reported events."""

    def recurring(rule: Rule, year: int) -> OccurrenceSpec:
        return occurrences(rule, start=date(year, 1, 1), end=date(year, 12, 31), calendar=CALENDAR)[
            0
        ]

    periodic = st.sampled_from(
        [
            Rule(RuleKind.PERIODIC, "", {"period": p})
            for p in ("month", "quarter", "half_year", "year")
        ]
        + [Rule(RuleKind.ONGOING, "", {"period": "quarter"})]
    )
    one_off = st.builds(
        lambda d, w: Rule(
            RuleKind.ONE_OFF,
            "",
            {"due": d.isoformat(), **({"window_start": (d - w).isoformat()} if w else {})},
        ),
        days,
        st.one_of(st.none(), st.timedeltas(timedelta(days=1), timedelta(days=120))),
    )
    relative = st.builds(
        lambda n, w, event: occurrence_for_event(
            Rule(RuleKind.EVENT_RELATIVE, "", {"days": n, "working_days": w, "trigger": "x"}),
            event,
            CALENDAR,
        ),
        st.integers(min_value=0, max_value=60),
        st.booleans(),
        days,
    )
    return st.one_of(
        st.builds(recurring, st.one_of(_yearly_rules(), periodic), years),
        st.builds(
            lambda rule: occurrences(
                rule, start=date(2003, 1, 1), end=date(2030, 12, 31), calendar=CALENDAR
            )[0],
            one_off,
        ),
        relative,
    )


# -- the calendar -------------------------------------------------------------------------------


@given(official_days)
def test_calendar_agrees_with_chinese_calendar(day: date) -> None:
    assert CALENDAR.is_workday(day) == chinese_calendar.is_workday(day)


@given(days)
def test_unknown_years_fall_back_to_weekends(day: date) -> None:
    if day.year not in BUNDLED_YEARS:
        statutory = day.year >= STATUTORY_FROM and day in statutory_holidays(day.year)
        assert CALENDAR.is_workday(day) == (day.weekday() < 5 and not statutory)
        assert not CALENDAR.is_official(day.year)
        assert CALENDAR.fallback_years_in([day.year]) == [day.year]


@given(days)
def test_previous_and_next_workday(day: date) -> None:
    before, after = CALENDAR.previous_workday(day), CALENDAR.next_workday(day)
    assert before <= day <= after
    assert CALENDAR.is_workday(before) and CALENDAR.is_workday(after)
    assert all(
        not CALENDAR.is_workday(before + timedelta(n)) for n in range(1, (day - before).days + 1)
    )
    assert all(not CALENDAR.is_workday(day + timedelta(n)) for n in range((after - day).days))


@given(days, counts)
def test_add_workdays_and_workdays_between_agree(day: date, n: int) -> None:
    later = CALENDAR.add_workdays(day, n)
    assert CALENDAR.is_workday(later)
    assert CALENDAR.workdays_between(day, later) == n
    assert CALENDAR.workdays_between(later, day) == -n
    assert CALENDAR.add_workdays(later, -n) == CALENDAR.previous_workday(day)
    assert CALENDAR.workdays_between(day, later - timedelta(days=1)) == n - 1


@given(days, st.integers(min_value=0, max_value=120))
def test_workdays_between_counts_working_days(day: date, span: int) -> None:
    end = day + timedelta(days=span)
    brute = sum(CALENDAR.is_workday(day + timedelta(n)) for n in range(1, span + 1))
    assert CALENDAR.workdays_between(day, end) == brute


@given(days, days, days)
def test_workdays_between_adds_up(a: date, b: date, c: date) -> None:
    total = CALENDAR.workdays_between(a, b) + CALENDAR.workdays_between(b, c)
    assert total == CALENDAR.workdays_between(a, c)


@given(days, st.sampled_from(["holiday", "workday"]))
def test_supplied_entries_win_and_make_the_year_known(day: date, kind: str) -> None:
    calendar = WorkdayCalendar([HolidayEntry(day, kind, "test")])  # type: ignore[arg-type]
    assert calendar.is_workday(day) == (kind == "workday")
    assert calendar.is_official(day.year)
    assert calendar.fallback_years_in([day.year]) == []


# -- occurrences --------------------------------------------------------------------------------


@given(_yearly_rules(), years)
def test_yearly_rules_occur_exactly_once_per_year(rule: Rule, year: int) -> None:
    found = occurrences(rule, start=date(year, 1, 1), end=date(year, 12, 31), calendar=CALENDAR)
    assert len(found) == 1
    assert found[0].period_key == str(year)
    assert found[0].due_date.year == year


@given(_yearly_rules(), years, st.integers(min_value=0, max_value=6))
def test_yearly_rules_over_several_years(rule: Rule, first: int, extra: int) -> None:
    found = occurrences(
        rule, start=date(first, 1, 1), end=date(first + extra, 12, 31), calendar=CALENDAR
    )
    assert [o.period_key for o in found] == [str(y) for y in range(first, first + extra + 1)]


@given(
    st.sampled_from([("month", 12), ("quarter", 4), ("half_year", 2), ("year", 1)]),
    years,
)
def test_periodic_rules_occur_once_per_period(period: tuple[str, int], year: int) -> None:
    kind, per_year = period
    rule = Rule(RuleKind.PERIODIC, "", {"period": kind})
    found = occurrences(rule, start=date(year, 1, 1), end=date(year, 12, 31), calendar=CALENDAR)
    assert len(found) == per_year
    assert len({o.period_key for o in found}) == per_year
    assert all(o.window_start == o.period_start and o.due_date == o.period_end for o in found)
    assert found[0].period_start == date(year, 1, 1)
    assert all(a.period_end + timedelta(days=1) == b.period_start for a, b in pairwise(found))


@given(_yearly_rules(), days, st.integers(min_value=0, max_value=800))
def test_occurrences_lie_in_the_range(rule: Rule, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    found = occurrences(rule, start=start, end=end, calendar=CALENDAR)
    assert all(start <= o.due_date <= end for o in found)
    assert len(found) == len({o.period_key for o in found})


@given(_yearly_rules(), st.integers(min_value=2010, max_value=2025), st.integers(0, 5))
def test_plan_years_clip_recurring_rules(rule: Rule, first: int, length: int) -> None:
    last = first + length
    found = occurrences(
        rule,
        start=date(2005, 1, 1),
        end=date(2035, 12, 31),
        calendar=CALENDAR,
        plan_year_from=first,
        plan_year_to=last,
    )
    assert len(found) == length + 1
    assert all(first <= (o.covers_year or o.period_start.year) <= last for o in found)


# -- reminder plans -----------------------------------------------------------------------------


@settings(max_examples=300)
@given(_any_occurrence(), policies)
def test_reminders_land_on_working_days_at_the_set_time(
    occ: OccurrenceSpec, policy: ReminderPolicy
) -> None:
    reminders = plan_reminders(occ, policy, CALENDAR)
    assert reminders
    for reminder in reminders:
        assert reminder.planned_at.tzinfo is UTC
        local = reminder.planned_at.astimezone(policy.zone)
        assert CALENDAR.is_workday(reminder.local_date)
        assert local.date() == reminder.local_date
        assert local.time().replace(fold=0) == policy.time_of_day.replace(fold=0)
        if reminder.kind in ("checkin", "window_open", "lead", "due"):
            assert reminder.local_date <= occ.due_date
        else:
            assert reminder.local_date > occ.due_date
        assert reminder.approximate == (not CALENDAR.is_official(reminder.local_date.year))


@given(_any_occurrence(), policies)
def test_reminders_are_one_a_day_and_in_order(occ: OccurrenceSpec, policy: ReminderPolicy) -> None:
    reminders = plan_reminders(occ, policy, CALENDAR)
    local_days = [r.local_date for r in reminders]
    assert local_days == sorted(set(local_days))
    kinds = [r.kind for r in reminders]
    if occ.rule_kind == RuleKind.ONGOING:  # no deadline: one check-in, never chased
        assert kinds == ["checkin"]
        return
    assert kinds.count("escalation") == 1 and kinds[-1] == "escalation"
    assert kinds.count("overdue") <= policy.overdue_max


@given(_any_occurrence(), policies)
def test_lead_reminders_count_working_days_left(
    occ: OccurrenceSpec, policy: ReminderPolicy
) -> None:
    for reminder in plan_reminders(occ, policy, CALENDAR):
        if reminder.kind in ("lead", "due"):
            assert reminder.lead_days in policy.lead_days
            assert (
                CALENDAR.workdays_between(reminder.local_date, occ.due_date) == reminder.lead_days
            )
        if reminder.kind == "due":
            assert reminder.local_date == CALENDAR.previous_workday(occ.due_date)


@given(_any_occurrence(), policies)
def test_planning_is_deterministic(occ: OccurrenceSpec, policy: ReminderPolicy) -> None:
    assert plan_reminders(occ, policy, CALENDAR) == plan_reminders(occ, policy, CALENDAR)
    assert plan_reminders(occ, policy, CALENDAR) == plan_reminders(occ, policy, WorkdayCalendar())


@given(_yearly_rules(), years)
def test_occurrences_are_deterministic(rule: Rule, year: int) -> None:
    def run() -> list[OccurrenceSpec]:
        return occurrences(
            rule, start=date(year, 1, 1), end=date(year + 1, 6, 30), calendar=CALENDAR
        )

    assert run() == run()


def test_default_policy_matches_the_brief() -> None:
    policy = ReminderPolicy()
    assert policy.lead_days == (14, 7, 3, 1, 0)
    assert policy.time_of_day == time(9, 0)
    assert policy.zone == ZoneInfo("Asia/Shanghai")
    assert (policy.overdue_every, policy.overdue_max, policy.window_open) == (2, 5, True)
