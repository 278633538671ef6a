"""A unit's duties as calendar events: every assignment, its span and its alarms.

Alarms fall where the bot's reminders fall: the configured lead days counted in working
days before the due date, at the reminder time. A duty held over a window of days (the
Constitution Week, December 4) is an event over that window itself, not over its
preparation and report: the preparation's start is an alarm, and so is the report's due
date. `bot.render.ics` writes the feed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from bot.usecases.tasks.lists import OPEN_STATUSES
from scheduling.dates.workdays import WorkingDays
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    Occurrence,
    Plan,
    RuleKind,
    ScheduleRule,
    StatusReport,
    Unit,
)


@dataclass(frozen=True)
class AlarmPolicy:
    """When reminders go out: working days before the due date, at a time of day."""

    lead_days: tuple[int, ...]
    time_of_day: time
    zone: ZoneInfo


@dataclass(frozen=True)
class FeedEvent:
    assignment_id: int
    unit_name: str
    plan_title: str
    number: str
    text: str
    period_key: str
    status: AssignmentStatus
    start: date
    due: date
    alarms: tuple[datetime, ...]
    updated: datetime
    sequence: int
    # a duty held over days (a yearly event): the event's days; `start`..`due` is then the
    # preparation and the report, which alarms mark instead
    event_start: date | None = None
    event_end: date | None = None


def alarm_policy(settings: Settings) -> AlarmPolicy:
    """The deployment's reminder timing (`unit_feed` applies a unit's own lead days)."""
    return AlarmPolicy(tuple(settings.lead_days), settings.reminder_time, settings.zone)


def alarm_moments(
    due: date, policy: AlarmPolicy, calendar: WorkingDays, after: datetime
) -> tuple[datetime, ...]:
    """The reminder moments of a due date still ahead of `after`, earliest first."""
    moments = {
        datetime.combine(
            calendar.add_workdays(due, -days), policy.time_of_day, policy.zone
        ).astimezone(UTC)
        for days in policy.lead_days
    }
    return tuple(sorted(moment for moment in moments if moment > after))


def event_alarms(
    prepare_from: date, due: date, policy: AlarmPolicy, after: datetime
) -> tuple[datetime, ...]:
    """A held event's alarms: when its preparation starts and when its report is due."""
    moments = {
        datetime.combine(day, policy.time_of_day, policy.zone).astimezone(UTC)
        for day in (prepare_from, due)
    }
    return tuple(sorted(moment for moment in moments if moment > after))


async def unit_feed(
    session: AsyncSession,
    unit_id: int,
    now: datetime,
    policy: AlarmPolicy,
    calendar: WorkingDays,
) -> list[FeedEvent]:
    """Every assignment of the unit as an event, in due order; open ones carry alarms."""
    own = await session.scalar(select(Unit.reminder_policy).where(Unit.id == unit_id))
    if own and own.get("lead_days") is not None:
        policy = replace(policy, lead_days=tuple(int(days) for days in own["lead_days"]))
    reports = (
        select(StatusReport.assignment_id, func.count().label("n"))
        .group_by(StatusReport.assignment_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Assignment,
            Unit.name,
            Plan.title,
            Duty.number,
            Duty.text,
            Occurrence.period_key,
            Occurrence.window_start,
            func.coalesce(reports.c.n, 0),
            ScheduleRule.kind,
            Occurrence.period_start,
            Occurrence.period_end,
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(ScheduleRule, ScheduleRule.id == Occurrence.rule_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .join(Plan, Plan.id == Duty.plan_id)
        .outerjoin(reports, reports.c.assignment_id == Assignment.id)
        .where(Assignment.unit_id == unit_id)
        .order_by(Assignment.due_date, Assignment.id)
    )
    events = []
    for row in rows:
        assignment, unit_name, title, number, text, period, window, count = row[:8]
        kind, event_start, event_end = row[8:]
        due = assignment.extended_due or assignment.due_date
        held = kind is RuleKind.YEARLY_EVENT and event_start is not None and event_end is not None
        alarms: tuple[datetime, ...] = ()
        if assignment.status in OPEN_STATUSES:
            alarms = (
                event_alarms(window or event_start, due, policy, now)
                if held
                else alarm_moments(due, policy, calendar, now)
            )
        events.append(
            FeedEvent(
                assignment_id=assignment.id,
                unit_name=unit_name,
                plan_title=title,
                number=number,
                text=text,
                period_key=period,
                status=assignment.status,
                start=min(window, due) if window else due,
                due=due,
                alarms=alarms,
                updated=assignment.status_changed_at or assignment.created_at,
                sequence=int(count),
                event_start=event_start if held else None,
                event_end=event_end if held else None,
            )
        )
    return events
