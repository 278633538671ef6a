"""The daily planning run: statutory duties synced, occurrences and reminders moved forward.

Runs from the hourly planning job and at start-up; only once per local day unless forced.
Idempotent, so two workers running it at once write the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_date
from bot.services import Services
from bot.usecases.digest.schedule import schedule_digests
from bot.usecases.planning.plan import (
    PlanningReport,
    drop_future_occurrences,
    plan_everything,
    retire_inactive,
)
from bot.usecases.planning.statutory import sync_statutory
from storage.models import ConfigEntry

LAST_RUN_KEY = "planner:last_day"
LOCK_KEY = "planner:lock"
PG_LOCK_ID = 7_270_001


async def planning_lock(session: AsyncSession, now: datetime) -> None:
    """Serialize planning runs across workers for the rest of this transaction.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write as the first statement,
    which takes the database's write lock before anything is read.
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_LOCK_ID})
        return
    await session.execute(
        sqlite_insert(ConfigEntry)
        .values(key=LOCK_KEY, value={"at": now.isoformat()}, updated_at=now)
        .on_conflict_do_update(
            index_elements=["key"], set_={"value": {"at": now.isoformat()}, "updated_at": now}
        )
    )


@dataclass(frozen=True)
class DailyReport:
    day: str
    planning: PlanningReport
    retired: int
    redated: int
    digests: int = 0


async def run_daily(services: Services, force: bool = False) -> DailyReport | None:
    now = services.clock.now()
    today = local_date(now, services.settings.zone)
    async with services.sessions() as session, session.begin():
        await planning_lock(session, now)
        entry = await session.get(ConfigEntry, LAST_RUN_KEY)
        if not force and entry is not None and entry.value.get("day") == today.isoformat():
            return None
        _duty_ids, changed_rules = await sync_statutory(
            session, now, services.settings.statutory_profile
        )
        redated = await drop_future_occurrences(session, changed_rules, today)
        retired = await retire_inactive(session, today)
        report = await plan_everything(session, now, services.settings, services.calendar)
        digests = await schedule_digests(session, now, services.settings, services.calendar)
        value = {"day": today.isoformat(), "at": now.isoformat()}
        if entry is None:
            session.add(ConfigEntry(key=LAST_RUN_KEY, value=value, updated_at=now))
        else:
            entry.value = value
            entry.updated_at = now
    return DailyReport(today.isoformat(), report, retired, redated, digests)
