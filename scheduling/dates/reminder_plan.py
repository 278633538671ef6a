"""When to remind about one occurrence: the reminder policy applied to a due date.

* Lead times count WORKING days before the due date: the reminder "3 working days left" goes
  on the day from which three working days remain (`workdays_between(day, due) == 3`).
* No reminder lands on a day off. A due date on a day off keeps its legal date, but its "due"
  reminder goes on the last working day before it (0 working days left).
* A window (a quarter, a month, the weeks before Constitution Week) also reminds when it
  opens, moved to the next working day; lead reminders from before the window opens are
  dropped, the opening reminder stands for them. An event-relative window opens when the
  liaison reports the event, so it gets no opening reminder, and no lead from before it.
* After the due date: a reminder every `overdue_every` working days, `overdue_max` times,
  then one escalation (to the coordinator) `overdue_every` working days later.
* One reminder per day at most; when two fall on the same day the more urgent kind is kept.
* A duty with no date is not a deadline: each period (a quarter by default) it gets one
  progress check-in, `CHECKIN_LEAD` working days before the period ends, and never a due,
  overdue or escalation reminder.

Everything is in the deployment's zone at `time_of_day`, returned as aware UTC instants. The
caller passes the policy (built from settings) and drops reminders already in the past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from scheduling.dates.model import RuleKind
from scheduling.dates.occurrences import OccurrenceSpec
from scheduling.dates.workdays import WorkdayCalendar

ReminderKind = Literal["checkin", "window_open", "lead", "due", "overdue", "escalation"]
URGENCY: dict[str, int] = {
    "checkin": 0,
    "window_open": 1,
    "lead": 2,
    "due": 3,
    "overdue": 4,
    "escalation": 5,
}
CHECKIN_LEAD = 10  # working days before a check-in period ends


@dataclass(frozen=True)
class ReminderPolicy:
    """How a deployment reminds; built from settings by the caller."""

    lead_days: tuple[int, ...] = (14, 7, 3, 1, 0)
    time_of_day: time = time(9, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    overdue_every: int = 2
    overdue_max: int = 5
    window_open: bool = True

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.lead_days):
            raise ValueError("lead days must not be negative")
        if self.overdue_every < 1:
            raise ValueError("overdue_every must be at least 1 working day")
        if self.overdue_max < 0:
            raise ValueError("overdue_max must not be negative")
        object.__setattr__(self, "lead_days", tuple(sorted(set(self.lead_days), reverse=True)))


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder to send: what kind, when (UTC), and the local day it is for.

    `lead_days` is the number of working days left (for window_open, lead and due reminders).
    `approximate` is set when the day was worked out without the year's official data (weekends
    and the computed statutory holidays only).
    """

    kind: ReminderKind
    planned_at: datetime
    lead_days: int | None
    local_date: date
    approximate: bool = False


def _at(day: date, policy: ReminderPolicy) -> datetime:
    return datetime.combine(day, policy.time_of_day, tzinfo=policy.zone).astimezone(UTC)


def _candidates(
    occ: OccurrenceSpec, policy: ReminderPolicy, calendar: WorkdayCalendar
) -> list[tuple[ReminderKind, date, int | None]]:
    if occ.rule_kind == RuleKind.ONGOING:
        day = calendar.add_workdays(calendar.previous_workday(occ.due_date), -CHECKIN_LEAD)
        return [("checkin", max(day, calendar.next_workday(occ.period_start)), None)]
    last_day = calendar.previous_workday(occ.due_date)
    found: list[tuple[ReminderKind, date, int | None]] = []
    opens = calendar.next_workday(occ.window_start) if occ.window_start is not None else None
    if opens is not None and opens >= last_day:
        opens = None
    # An event-relative window opens when the liaison reports the event: no need to say so.
    announce = policy.window_open and occ.rule_kind != RuleKind.EVENT_RELATIVE
    if opens is not None and announce:
        found.append(("window_open", opens, calendar.workdays_between(opens, occ.due_date)))
    for lead in policy.lead_days:
        day = calendar.add_workdays(last_day, -lead)
        if opens is not None and day < opens:
            continue
        found.append(("due" if lead == 0 else "lead", day, lead))
    step = policy.overdue_every
    for repeat in range(1, policy.overdue_max + 1):
        found.append(("overdue", calendar.add_workdays(occ.due_date, repeat * step), None))
    escalation = calendar.add_workdays(occ.due_date, (policy.overdue_max + 1) * step)
    found.append(("escalation", escalation, None))
    return found


def plan_reminders(
    occ: OccurrenceSpec, policy: ReminderPolicy, calendar: WorkdayCalendar
) -> list[PlannedReminder]:
    """Every reminder for one occurrence, in time order, at most one per day."""
    by_day: dict[date, tuple[ReminderKind, int | None]] = {}
    for kind, day, lead in _candidates(occ, policy, calendar):
        held = by_day.get(day)
        if held is None or URGENCY[kind] > URGENCY[held[0]]:
            by_day[day] = (kind, lead)
    return [
        PlannedReminder(
            kind=kind,
            planned_at=_at(day, policy),
            lead_days=lead,
            local_date=day,
            approximate=not calendar.is_official(day.year),
        )
        for day, (kind, lead) in sorted(by_day.items())
    ]
