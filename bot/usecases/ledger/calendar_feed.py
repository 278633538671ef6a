"""A unit's duties as calendar events: every assignment, its span and its alarms.

Alarms fall where the bot's reminders fall: the configured lead days counted in working
days before the due date, at the reminder time. `bot.render.ics` writes the feed.
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
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .join(Plan, Plan.id == Duty.plan_id)
        .outerjoin(reports, reports.c.assignment_id == Assignment.id)
        .where(Assignment.unit_id == unit_id)
        .order_by(Assignment.due_date, Assignment.id)
    )
    events = []
    for assignment, unit_name, title, number, text, period, window, count in rows:
        due = assignment.extended_due or assignment.due_date
        alarms = (
            alarm_moments(due, policy, calendar, now) if assignment.status in OPEN_STATUSES else ()
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
            )
        )
    return events
