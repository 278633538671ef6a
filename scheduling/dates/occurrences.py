"""From a rule to its occurrences: the periods it is due in, with windows and due dates.

Conventions (each chosen so a liaison can predict the bot):

* An occurrence belongs to a date range when its due date does; recurring rules give one
  occurrence per period, so a yearly rule gives exactly one per calendar year.
* `period_key` names the occurrence by when it falls due ("2026" for the report due in
  Q1 2026); the label names what it is about ("2025年度" when it covers the previous year).
* A due date set by law or by the plan stays put even on a day off (`legal_due`); reminders
  move instead (see `scheduling.dates.reminder_plan`).
* Yearly events (Constitution Day, Constitution Week): the preparation window opens
  `PREPARE_DAYS` before the event, and the activity report is due on the first working day
  after the event ends. That due date is our convention, not a legal one, so it sits on a
  working day (`legal_due=False`).
* Plan years clip recurring rules: an occurrence is kept when the year it is about (the
  covered year for "上一年度" reports, else the period's year) lies in the plan's years. A
  start bound ("2020年起") moves the lower clip up, and the upper clip out to the start year
  if the start lies beyond the plan.
* Event-relative rules have no occurrence until a liaison reports the event; then
  `occurrence_for_event` counts calendar days ("15日内") or working days ("20个工作日内").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from scheduling.dates.labels import period_label, year_label
from scheduling.dates.model import RuleKind
from scheduling.dates.periods import (
    Period,
    clamp_day,
    month_end,
    multi_year_periods,
    periods_between,
)
from scheduling.dates.statutory import constitution_week
from scheduling.dates.workdays import WorkdayCalendar

if TYPE_CHECKING:
    from scheduling.dates.model import Rule
    from scheduling.dates.wording import Translator

PREPARE_DAYS = 14
MULTI_YEAR_ANCHOR = 2000


@dataclass(frozen=True)
class OccurrenceSpec:
    """One period of a rule: when its window opens, when it is due, what it counts."""

    rule_kind: RuleKind
    period_key: str
    period_kind: str
    period_start: date
    period_end: date
    window_start: date | None
    due_date: date
    target_count: int | None = None
    covers_year: int | None = None
    event_start: date | None = None
    event_end: date | None = None
    legal_due: bool = True
    fallback_calendar: bool = False

    def label(self, translator: Translator) -> str:
        """ "2026年第一季度" / "Q1 2026"; "2025年度" for a report on the previous year."""
        if self.covers_year is not None and self.period_kind in ("year", "once"):
            return year_label(translator, self.covers_year)
        return period_label(translator, self.period_kind, self.period_start, self.period_end)


@dataclass(frozen=True)
class _Clip:
    lower: int | None
    upper: int | None
    starts: date | None

    def keeps(self, occurrence: OccurrenceSpec) -> bool:
        if self.starts is not None and occurrence.period_end < self.starts:
            return False
        year = occurrence.covers_year or occurrence.period_start.year
        if self.lower is not None and year < self.lower:
            return False
        return self.upper is None or year <= self.upper


def _clip(rule: Rule, year_from: int | None, year_to: int | None) -> _Clip:
    starts = rule.starts
    lower, upper = year_from, year_to
    if starts is not None:
        lower = starts.year if lower is None else max(lower, starts.year)
        if upper is not None:
            upper = max(upper, starts.year)
    return _Clip(lower, upper, starts)


def _flagged(spec: OccurrenceSpec, calendar: WorkdayCalendar) -> OccurrenceSpec:
    years = {spec.due_date.year}
    if spec.window_start is not None:
        years.add(spec.window_start.year)
    if calendar.fallback_years_in(years):
        return replace(spec, fallback_calendar=True)
    return spec


def _yearly_date(rule: Rule, year: int) -> OccurrenceSpec:
    p = rule.params
    due = clamp_day(year, p["month"], p["day"])
    covers = year - 1 if p.get("covers") == "previous_year" else None
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=str(year),
        period_kind="year",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        window_start=date(year, p["month"], 1) if p.get("whole_month") else None,
        due_date=due,
        covers_year=covers,
    )


def _yearly_window(rule: Rule, year: int) -> OccurrenceSpec:
    p = rule.params
    opens = date(year, p["start_month"], 1)
    due = month_end(year, p["end_month"])
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=str(year),
        period_kind="year",
        period_start=opens,
        period_end=due,
        window_start=opens,
        due_date=due,
        covers_year=year - 1 if p.get("covers") == "previous_year" else None,
    )


def _yearly_event(
    rule: Rule,
    year: int,
    calendar: WorkdayCalendar,
    weeks: Mapping[int, tuple[date, date]] | None,
) -> OccurrenceSpec:
    event = rule.params["event"]
    if event == "constitution_day":
        first = last = clamp_day(year, rule.params.get("month", 12), rule.params.get("day", 4))
    else:
        first, last = constitution_week(year, weeks)
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=str(year),
        period_kind=event,
        period_start=first,
        period_end=last,
        window_start=first - timedelta(days=PREPARE_DAYS),
        due_date=calendar.next_workday(last + timedelta(days=1)),
        event_start=first,
        event_end=last,
        legal_due=False,
    )


def _yearly_count(rule: Rule, year: int) -> OccurrenceSpec:
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=str(year),
        period_kind="year",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        window_start=date(year, 1, 1),
        due_date=date(year, 12, 31),
        target_count=rule.params["target"],
    )


def _from_period(rule: Rule, period: Period) -> OccurrenceSpec:
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=period.key,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        window_start=period.start,
        due_date=period.due_on(rule.params.get("day")),
    )


def _periods(rule: Rule, first_year: int, last_year: int, anchor: int) -> Iterator[Period]:
    period = rule.params.get("period", "quarter")
    every = rule.params.get("every", 1)
    if every > 1:
        return multi_year_periods(every, anchor, first_year, last_year)
    return periods_between(period, first_year, last_year)


def _candidates(
    rule: Rule,
    first_year: int,
    last_year: int,
    calendar: WorkdayCalendar,
    weeks: Mapping[int, tuple[date, date]] | None,
    anchor: int,
) -> Iterator[OccurrenceSpec]:
    kind = rule.kind
    if kind in (RuleKind.PERIODIC, RuleKind.ONGOING):
        for period in _periods(rule, first_year, last_year, anchor):
            yield _from_period(rule, period)
        return
    for year in range(first_year, last_year + 1):
        if kind is RuleKind.YEARLY_DATE:
            yield _yearly_date(rule, year)
        elif kind is RuleKind.YEARLY_WINDOW:
            yield _yearly_window(rule, year)
        elif kind is RuleKind.YEARLY_EVENT:
            yield _yearly_event(rule, year, calendar, weeks)
        elif kind is RuleKind.YEARLY_COUNT:
            yield _yearly_count(rule, year)


def _one_off(rule: Rule) -> OccurrenceSpec:
    due = date.fromisoformat(rule.params["due"])
    opens = rule.params.get("window_start")
    window_start = date.fromisoformat(opens) if opens else None
    return OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=due.isoformat(),
        period_kind="once",
        period_start=window_start or due,
        period_end=due,
        window_start=window_start,
        due_date=due,
        covers_year=rule.params.get("covers_year"),
    )


def occurrences(
    rule: Rule,
    *,
    start: date,
    end: date,
    calendar: WorkdayCalendar,
    plan_year_from: int | None = None,
    plan_year_to: int | None = None,
    constitution_weeks: Mapping[int, tuple[date, date]] | None = None,
) -> list[OccurrenceSpec]:
    """The rule's occurrences whose due date lies in [start, end], oldest first."""
    if end < start:
        raise ValueError("the range ends before it starts")
    if rule.kind is RuleKind.EVENT_RELATIVE:
        return []
    if rule.kind is RuleKind.ONE_OFF:
        spec = _one_off(rule)
        return [_flagged(spec, calendar)] if start <= spec.due_date <= end else []
    clip = _clip(rule, plan_year_from, plan_year_to)
    anchor = plan_year_from or (rule.starts.year if rule.starts else MULTI_YEAR_ANCHOR)
    found = [
        _flagged(spec, calendar)
        for spec in _candidates(
            rule, start.year - 1, end.year + 1, calendar, constitution_weeks, anchor
        )
        if start <= spec.due_date <= end and clip.keeps(spec)
    ]
    return sorted(found, key=lambda spec: (spec.due_date, spec.period_key))


def occurrence_for_event(rule: Rule, event_date: date, calendar: WorkdayCalendar) -> OccurrenceSpec:
    """The occurrence an event-relative rule gets once the event's date is reported."""
    if rule.kind is not RuleKind.EVENT_RELATIVE:
        raise ValueError(f"{rule.kind} rules are not counted from an event")
    days = rule.params["days"]
    if rule.params["working_days"]:
        due = calendar.add_workdays(event_date, days)
    else:
        due = event_date + timedelta(days=days)
    spec = OccurrenceSpec(
        rule_kind=rule.kind,
        period_key=f"event-{event_date.isoformat()}",
        period_kind="trigger",
        period_start=event_date,
        period_end=due,
        window_start=event_date,
        due_date=due,
    )
    return _flagged(spec, calendar)
