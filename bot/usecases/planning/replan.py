"""Planning some duties again after their units or groups changed, serialized with the daily run."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from bot.usecases.planning.daily import planning_lock
from bot.usecases.planning.plan import PlanningReport, plan_everything


async def replan(
    session: AsyncSession, services: Services, duty_ids: Collection[int]
) -> PlanningReport | None:
    """Occurrences, assignments and reminders for these duties; None when there are none."""
    if not duty_ids:
        return None
    now = services.clock.now()
    await planning_lock(session, now)
    return await plan_everything(
        session, now, services.settings, services.calendar, duty_ids=sorted(duty_ids)
    )
