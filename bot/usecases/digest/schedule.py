"""When the weekly digest goes out, and its rows in the outbox.

A digest is a `Reminder` row like every other message (kind DIGEST, payload {"week": …},
dedupe key `digest:<member>:<week start>`), so a restart or an outage never loses or doubles
one: the daily planning run inserts the coming rows, the dispatcher sends them when due and
composes the content at that moment (`bot.delivery.digest`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_date
from bot.settings import Settings
from scheduling.dates.workdays import WorkingDays
from storage.models import Binding, Member, Reminder, ReminderKind, ReminderState, Role

DIGEST_ROLES = (Role.COORDINATOR, Role.ADMIN)
LOOKAHEAD = timedelta(days=8)
CATCH_UP = timedelta(days=3)
ONE_WEEK = timedelta(days=7)


def week_start_of(day: date) -> date:
    """The Monday of the week a day belongs to: the digest's week key."""
    return day - timedelta(days=day.weekday())


def digest_day(week_start: date, settings: Settings, calendar: WorkingDays) -> date:
    """The configured weekday of that week, moved to the next working day if it is a day off."""
    nominal = week_start + timedelta(days=settings.digest_weekday_index)
    return calendar.next_workday(nominal)


def superseded(week_start: date, settings: Settings, calendar: WorkingDays) -> bool:
    """A week's digest moved past a long holiday onto the day of the next week's digest (the
    Spring Festival moves two Mondays to one day): only the later one goes out (the
    dispatcher cancels the older row when both are due), so a coordinator never gets two
    digests in one morning; `simulate` shows it the same way."""
    return digest_day(week_start + ONE_WEEK, settings, calendar) == digest_day(
        week_start, settings, calendar
    )


def digest_moment(week_start: date, settings: Settings, calendar: WorkingDays) -> datetime:
    """When the week's digest is due, as an aware UTC instant."""
    day = digest_day(week_start, settings, calendar)
    local = datetime.combine(day, settings.digest_time, tzinfo=settings.zone)
    return local.astimezone(UTC)


def digest_dedupe_key(member_id: int, week_start: date) -> str:
    return f"digest:{member_id}:{week_start.isoformat()}"


def weeks_to_schedule(
    now: datetime, settings: Settings, calendar: WorkingDays
) -> list[tuple[date, datetime]]:
    """(week start, due moment) of the digests worth having in the outbox now.

    A week's digest is written up to LOOKAHEAD ahead, so an outage over the digest's time
    finds its row waiting. A row never written (a fresh start, a planning run missed for days)
    is still written up to CATCH_UP late, never once the following week's digest is due; a
    coordinator who joins on a Friday waits for Monday's digest rather than getting last week's.
    """
    today = local_date(now, settings.zone)
    this_week = week_start_of(today)
    weeks: list[tuple[date, datetime]] = []
    for week in (this_week - ONE_WEEK, this_week, this_week + ONE_WEEK):
        moment = digest_moment(week, settings, calendar)
        following = digest_moment(week + ONE_WEEK, settings, calendar)
        if now - CATCH_UP <= moment <= now + LOOKAHEAD and now < following:
            weeks.append((week, moment))
    return weeks


async def digest_recipients(session: AsyncSession) -> list[tuple[int, int]]:
    """(member id, chat id) of every reachable coordinator, one chat per member."""
    rows = await session.execute(
        select(Member.id, Binding.chat_id, Member.chat_id)
        .join(Binding, Binding.member_id == Member.id)
        .where(
            Binding.role.in_(DIGEST_ROLES),
            Binding.active.is_(True),
            Member.reachable.is_(True),
        )
        .order_by(Member.id, Binding.role, Binding.id)
    )
    chosen: dict[int, int] = {}
    for member_id, binding_chat, private_chat in rows:
        chat = binding_chat or private_chat
        if chat is not None and member_id not in chosen:
            chosen[member_id] = chat
    return sorted(chosen.items())


async def schedule_digests(
    session: AsyncSession, now: datetime, settings: Settings, calendar: WorkingDays
) -> int:
    """Insert the coming digest rows for every coordinator; returns how many were new.

    Idempotent by dedupe key, so the daily planning run (or two workers running it) can call
    it as often as it likes.
    """
    recipients = await digest_recipients(session)
    rows: list[dict[str, Any]] = [
        {
            "dedupe_key": digest_dedupe_key(member_id, week),
            "kind": ReminderKind.DIGEST,
            "assignment_id": None,
            "member_id": member_id,
            "chat_id": chat_id,
            "planned_at": moment,
            "send_after": moment,
            "state": ReminderState.PLANNED,
            "attempts": 0,
            "payload": {"week": week.isoformat()},
            "created_at": now,
        }
        for week, moment in weeks_to_schedule(now, settings, calendar)
        for member_id, chat_id in recipients
    ]
    if not rows:
        return 0
    construct = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    inserted = 0
    for start in range(0, len(rows), 500):
        statement = (
            construct(Reminder)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await session.execute(statement)
        inserted += max(result.rowcount or 0, 0)
    return inserted
