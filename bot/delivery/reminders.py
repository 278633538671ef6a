"""Reminder entries from due outbox rows: what one reminder says, as plain values to render.

The rows come from the dispatcher's triage (`scheduling.delivery.triage`), loaded with their
assignment, unit and duty; the plan titles are read here in one query per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_date
from bot.delivery.digest import LATE_AFTER
from bot.render.reminders import ReminderEntry
from scheduling.dates.workdays import WorkingDays
from scheduling.delivery.ports import DueReminder
from storage.models import Duty, Plan


async def plan_titles(
    session: AsyncSession, due: Sequence[DueReminder]
) -> dict[int, tuple[str, str]]:
    """duty id → (plan title, printed number), one query for the batch."""
    duty_ids = {d.row.assignment.occurrence.duty_id for d in due if d.row.assignment is not None}
    if not duty_ids:
        return {}
    result = await session.execute(
        select(Duty.id, Plan.title, Duty.number).join(Plan).where(Duty.id.in_(duty_ids))
    )
    return {duty_id: (title, number) for duty_id, title, number in result}


def reminder_entry(
    due: DueReminder,
    plans: dict[int, tuple[str, str]],
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkingDays,
) -> ReminderEntry:
    """One assignment's reminder, saying which earlier reminders it stands for."""
    primary = due.row
    assignment = primary.assignment
    assert assignment is not None
    occurrence = assignment.occurrence
    deadline = assignment.extended_due or assignment.due_date
    today = local_date(now, zone)
    plan_title, number = plans.get(occurrence.duty_id, ("", occurrence.duty.number))
    return ReminderEntry(
        reminder_ids=(primary.id,),
        kind=primary.kind,
        assignment_id=assignment.id,
        unit_name=assignment.unit.name,
        duty_text=occurrence.duty.text,
        plan_title=plan_title,
        duty_number=number,
        period_key=occurrence.period_key,
        due_date=deadline,
        status=assignment.status,
        workdays_left=_workdays_left(calendar, today, deadline),
        days_overdue=max(0, (today - deadline).days),
        planned_at=primary.planned_at,
        late=now - primary.planned_at > LATE_AFTER,
        missed=tuple(local_date(r.planned_at, zone) for r in due.missed),
        calendar_fallback=not calendar.is_official(deadline.year),
    )


def _workdays_left(calendar: WorkingDays, today: date, due: date) -> int:
    if due <= today:
        return 0
    return calendar.workdays_between(today, due)
