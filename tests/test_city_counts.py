"""Office-wide /status counts: shared by coordinators asking at once, never staler than a
count made for the request alone."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import update

from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.tasks import SharedCityCounts, unit_counts
from scheduling.workdays import WorkdayCalendar
from storage.models import Assignment, AssignmentStatus
from tests.factories import build_assignment

TODAY = date(2026, 11, 23)


async def test_twenty_at_once_share_two_counts_with_the_same_answer(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        for n in range(3):
            await build_assignment(session, clock.now(), unit_name=f"单位{n}", number=str(n + 1))
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions)
    answers = await asyncio.gather(*(shared.get(TODAY, calendar) for _ in range(20)))
    async with services.sessions() as session:
        alone = await unit_counts(session, TODAY, calendar)
    assert all(answer == alone for answer in answers)
    assert len(alone) == 3
    assert shared.computed <= 2


async def test_a_change_committed_before_asking_is_always_counted(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, clock.now())
        assignment_id = built.assignment.id
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions)
    first = asyncio.create_task(shared.get(TODAY, calendar))
    await asyncio.sleep(0)  # the first count is under way
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id)
            .values(status=AssignmentStatus.DONE)
        )
    second = await shared.get(TODAY, calendar)
    await first
    assert [(c.done, c.open) for c in second] == [(1, 0)]
