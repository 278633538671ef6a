"""Units taken off a duty stop being chased: their open future assignments are cancelled.

A revised plan may re-assign a duty, a coordinator may take a unit out of a group; either way
the unit's liaisons must not keep getting reminders for it. Past and closed assignments, and
every status report, stay as history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    AssignmentStatus,
    DutyUnit,
    Occurrence,
    Reminder,
    ReminderState,
    UnitGroupMember,
)


async def assigned_units(session: AsyncSession, duty_ids: Sequence[int]) -> dict[int, set[int]]:
    """duty id → the units it binds, directly or through its groups."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = await session.execute(
        select(DutyUnit.duty_id, DutyUnit.unit_id, UnitGroupMember.unit_id)
        .outerjoin(UnitGroupMember, UnitGroupMember.group_id == DutyUnit.group_id)
        .where(DutyUnit.duty_id.in_(list(duty_ids)))
    )
    for duty_id, unit_id, member_id in rows:
        found[duty_id].update(value for value in (unit_id, member_id) if value is not None)
    return found


async def retire_dropped_units(session: AsyncSession, duty_ids: Sequence[int], today: date) -> int:
    """Cancel open assignments due from today on of units these duties no longer bind."""
    if not duty_ids:
        return 0
    bound = await assigned_units(session, duty_ids)
    rows = await session.execute(
        select(Assignment.id, Occurrence.duty_id, Assignment.unit_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .where(
            Occurrence.duty_id.in_(list(duty_ids)),
            Assignment.status.not_in(list(CLOSED_STATUSES)),
            Assignment.due_date >= today,
        )
    )
    doomed = [
        assignment_id
        for assignment_id, duty_id, unit_id in rows
        if unit_id not in bound.get(duty_id, set())
    ]
    if not doomed:
        return 0
    await session.execute(
        update(Assignment)
        .where(Assignment.id.in_(doomed))
        .values(status=AssignmentStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.assignment_id.in_(doomed), Reminder.state == ReminderState.PLANNED)
        .values(state=ReminderState.CANCELLED, last_error="unit no longer bound to the duty")
        .execution_options(synchronize_session=False)
    )
    return len(doomed)
