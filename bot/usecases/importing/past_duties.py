"""Duties whose deadlines passed before their plan was imported: the coordinator's choice.

"ask": each unit is asked once whether it was done (a check-in: never overdue, never
escalated); "done": recorded as done at the import, with a report saying so; "skip": left
alone, as before. Only the latest deadline of each such duty is settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.usecases.planning.plan import (
    assigned_units,
    group_members,
    insert_ignoring,
    occurrence_row,
    stored_constitution_weeks,
)
from scheduling.dates.model import Rule
from scheduling.dates.occurrences import occurrences
from scheduling.dates.workdays import WorkdayCalendar
from storage.models import Assignment, AssignmentStatus, Duty, Occurrence, StatusReport

PastChoice = Literal["ask", "done", "skip"]
PAST_CHOICES: tuple[PastChoice, ...] = ("ask", "done", "skip")
LOOK_BACK = timedelta(days=800)
DONE_NOTE = "recorded as done when the plan was imported (its deadline had passed)"


async def settle_past(
    session: AsyncSession,
    duty_ids: Iterable[int],
    choice: PastChoice,
    now: datetime,
    today: date,
    calendar: WorkdayCalendar,
) -> list[int]:
    """Create the past occurrence of each duty and its assignments as chosen; returns the
    ids of the assignments made."""
    ids = list(duty_ids)
    if choice == "skip" or not ids:
        return []
    weeks = await stored_constitution_weeks(session)
    groups = await group_members(session)
    duties = await session.scalars(
        select(Duty)
        .where(Duty.id.in_(ids), Duty.active.is_(True))
        .options(selectinload(Duty.rules), selectinload(Duty.units), selectinload(Duty.plan))
    )
    made: list[int] = []
    for duty in duties:
        for stored in duty.rules:
            if not stored.enabled:
                continue
            rule = Rule(stored.kind.value, stored.phrase, dict(stored.params or {}))
            specs = occurrences(
                rule,
                start=today - LOOK_BACK,
                end=today - timedelta(days=1),
                calendar=calendar,
                plan_year_from=duty.plan.year_from,
                plan_year_to=duty.plan.year_to,
                constitution_weeks=weeks,
            )
            if not specs:
                continue
            row = occurrence_row(duty.id, stored.id, specs[-1], now)
            await insert_ignoring(session, Occurrence, [row], ["rule_id", "period_key"])
            occurrence_id = await session.scalar(
                select(Occurrence.id).where(
                    Occurrence.rule_id == stored.id, Occurrence.period_key == row["period_key"]
                )
            )
            for unit_id, role in assigned_units(duty, groups).items():
                made.extend(
                    await _assign(
                        session, occurrence_id, unit_id, role, row["due_date"], choice, now
                    )
                )
    return made


async def _assign(
    session: AsyncSession,
    occurrence_id: int | None,
    unit_id: int,
    role: object,
    due: date,
    choice: PastChoice,
    now: datetime,
) -> list[int]:
    if occurrence_id is None:
        return []
    exists = await session.scalar(
        select(Assignment.id).where(
            Assignment.occurrence_id == occurrence_id, Assignment.unit_id == unit_id
        )
    )
    if exists is not None:
        return []
    done = choice == "done"
    assignment = Assignment(
        occurrence_id=occurrence_id,
        unit_id=unit_id,
        role=role,
        due_date=due,
        status=AssignmentStatus.DONE if done else AssignmentStatus.OPEN,
        progress_count=0,
        status_changed_at=now if done else None,
        created_at=now,
        checkin=not done,  # asked once whether it was done: never overdue
    )
    session.add(assignment)
    await session.flush()
    if done:
        session.add(
            StatusReport(
                assignment_id=assignment.id,
                member_id=None,
                created_at=now,
                status=AssignmentStatus.DONE,
                previous_status=AssignmentStatus.OPEN,
                note=DONE_NOTE,
                count_delta=0,
            )
        )
    return [assignment.id]
