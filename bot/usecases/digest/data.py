"""What the weekly digest says, as plain values: completion, overdue, due soon, silence.

Computed from the database at the moment the digest is sent (or previewed), so a late digest
is still current. `Digest.summary()` is what `DigestSent` keeps, so next week's digest can say
what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_date
from bot.usecases.jurisdictions.scope import OfficeScope, office_rows, office_scope
from bot.usecases.tasks.lists import (
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    UnitCounts,
    deadline,
    effective_due,
    unit_counts,
    units_without_liaison,
)
from scheduling.dates.workdays import WorkingDays
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    DigestSent,
    Duty,
    Member,
    Occurrence,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    StatusReport,
    Unit,
)

SILENT_AFTER = 3
FALLBACK_HORIZON = timedelta(days=90)
CHASING_KINDS = (
    ReminderKind.WINDOW_OPEN,
    ReminderKind.LEAD,
    ReminderKind.DUE,
    ReminderKind.OVERDUE,
)
NOT_COUNTED = (AssignmentStatus.WAIVED, AssignmentStatus.CANCELLED)


@dataclass(frozen=True)
class Completion:
    """Assignments of the year: due by today (and done of those), and the whole year."""

    year: int
    due: int
    done: int
    year_total: int
    year_done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


@dataclass(frozen=True)
class OverdueItem:
    assignment_id: int
    unit_name: str
    text: str
    due: date
    days: int
    status: AssignmentStatus


@dataclass(frozen=True)
class DueSoonItem:
    assignment_id: int
    unit_name: str
    text: str
    due: date
    workdays_left: int
    status: AssignmentStatus


@dataclass(frozen=True)
class UnreachableLiaison:
    name: str
    username: str | None
    units: tuple[str, ...]
    since: datetime | None


@dataclass(frozen=True)
class UnitProgress:
    """One bar of the chart: a unit's year-to-date completion and its traffic light.

    `done` of `due` count what was due by today; the parts (`year_done`, `in_progress`,
    `overdue`, `not_yet_due`) split every dated assignment of the year (and of the next 14
    days), plus any still overdue from earlier years and any being worked on (in progress,
    blocked, more time asked) whenever due, so the bar shows the year's work and a unit
    with a problem is never missing from it."""

    unit_name: str
    done: int
    due: int
    light: str
    unit_id: int = 0
    year_done: int = 0
    in_progress: int = 0  # open, not overdue, being worked on (in progress, blocked, more time)
    overdue: int = 0
    not_yet_due: int = 0  # open, not overdue, not started

    @property
    def percent(self) -> float:
        return 100 * self.done / self.due if self.due else 0.0

    @property
    def total(self) -> int:
        """Every assignment in the bar: the parts add up to it."""
        return self.year_done + self.in_progress + self.overdue + self.not_yet_due


@dataclass(frozen=True)
class Changes:
    """Since the previous digest (or the last seven days when there was none)."""

    since: datetime
    done: int
    newly_overdue: int
    previous: dict[str, Any] | None


@dataclass
class Digest:
    week_start: date
    as_of: date
    completion: Completion
    overdue: list[OverdueItem]
    due_soon: list[DueSoonItem]
    silent_units: list[str]
    unreachable: list[UnreachableLiaison]
    no_liaison: list[str]
    changes: Changes
    fallback_years: list[int]
    units: list[UnitProgress] = field(default_factory=list)
    districts: list[UnitCounts] = field(default_factory=list)  # a city's: one row each

    def summary(self) -> dict[str, Any]:
        """The counts kept with the sent digest, for next week's comparison."""
        return {
            "as_of": self.as_of.isoformat(),
            "year": self.completion.year,
            "due": self.completion.due,
            "done": self.completion.done,
            "year_total": self.completion.year_total,
            "year_done": self.completion.year_done,
            "overdue": len(self.overdue),
            "due_soon": len(self.due_soon),
            "silent_units": len(self.silent_units),
            "unreachable": len(self.unreachable),
            "no_liaison": len(self.no_liaison),
            "done_since": self.changes.done,
            "newly_overdue": self.changes.newly_overdue,
        }


def _counted() -> Any:
    return Assignment.status.not_in(list(NOT_COUNTED))


Places = frozenset[int] | None  # the jurisdictions a digest covers (None: all)


def _within(places: Places) -> list[Any]:
    """Where-clauses keeping assignments of units in `places` (none when it covers all)."""
    if places is None:
        return []
    return [Assignment.unit_id.in_(select(Unit.id).where(Unit.jurisdiction_id.in_(places)))]


async def completion(session: AsyncSession, today: date, places: Places = None) -> Completion:
    due = effective_due()
    year_start = date(today.year, 1, 1)
    year_end = date(today.year, 12, 31)
    is_done = Assignment.status == AssignmentStatus.DONE
    to_date = due <= today
    row = (
        await session.execute(
            select(
                func.sum(case((to_date, 1), else_=0)),
                func.sum(case((and_(to_date, is_done), 1), else_=0)),
                func.count(),
                func.sum(case((is_done, 1), else_=0)),
            ).where(_counted(), due >= year_start, due <= year_end, *_within(places))
        )
    ).one()
    return Completion(
        year=today.year,
        due=int(row[0] or 0),
        done=int(row[1] or 0),
        year_total=int(row[2] or 0),
        year_done=int(row[3] or 0),
    )


def _listing() -> Any:
    due = effective_due()
    return (
        select(Assignment.id, Unit.name, Duty.text, due, Assignment.status)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .where(Assignment.status.in_(OPEN_STATUSES))
        .order_by(due, Unit.name, Assignment.id)
    )


async def overdue_items(
    session: AsyncSession, today: date, places: Places = None
) -> list[OverdueItem]:
    """Every open assignment past its (extended) due date, oldest first."""
    rows = await session.execute(_listing().where(deadline() < today, *_within(places)))
    return [
        OverdueItem(aid, unit, text, due, (today - due).days, status)
        for aid, unit, text, due, status in rows
    ]


async def due_soon_items(
    session: AsyncSession, today: date, calendar: WorkingDays, places: Places = None
) -> list[DueSoonItem]:
    """Open assignments due from today to DUE_SOON_DAYS ahead, soonest first."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    due = deadline()
    rows = await session.execute(_listing().where(due >= today, due <= until, *_within(places)))
    return [
        DueSoonItem(aid, unit, text, day, calendar.workdays_between(today, day), status)
        for aid, unit, text, day, status in rows
    ]


async def silent_units(session: AsyncSession, now: datetime, places: Places = None) -> list[str]:
    """Units that answered none of their last SILENT_AFTER reminders with a status report.

    Copies of one reminder to several liaisons of a unit count once.
    """
    sent = (
        select(
            Assignment.unit_id.label("unit_id"),
            Reminder.assignment_id.label("assignment_id"),
            func.min(Reminder.sent_at).label("sent_at"),
        )
        .join(Assignment, Assignment.id == Reminder.assignment_id)
        .where(
            Reminder.state == ReminderState.SENT,
            Reminder.kind.in_(CHASING_KINDS),
            Reminder.sent_at <= now,
            *_within(places),
        )
        .group_by(Assignment.unit_id, Reminder.assignment_id, Reminder.planned_at)
        .subquery()
    )
    ranked = select(
        sent.c.unit_id,
        sent.c.assignment_id,
        sent.c.sent_at,
        func.row_number()
        .over(partition_by=sent.c.unit_id, order_by=sent.c.sent_at.desc())
        .label("rank"),
    ).subquery()
    answered = (
        exists()
        .where(
            StatusReport.assignment_id == ranked.c.assignment_id,
            StatusReport.created_at >= ranked.c.sent_at,
        )
        .correlate(ranked)
    )
    rows = await session.execute(
        select(Unit.name, func.count(), func.sum(case((answered, 1), else_=0)))
        .select_from(ranked)
        .join(Unit, Unit.id == ranked.c.unit_id)
        .where(ranked.c.rank <= SILENT_AFTER)
        .group_by(Unit.id, Unit.name)
        .order_by(Unit.name)
    )
    return [name for name, count, replies in rows if count >= SILENT_AFTER and not replies]


async def unreachable_liaisons(
    session: AsyncSession, places: Places = None
) -> list[UnreachableLiaison]:
    """Liaisons Telegram refused to deliver to (blocked the bot, deleted the chat …)."""
    rows = await session.execute(
        select(Member.id, Member.name, Member.username, Member.unreachable_since, Unit.name)
        .join(Binding, Binding.member_id == Member.id)
        .join(Unit, Unit.id == Binding.unit_id)
        .where(
            Member.reachable.is_(False),
            Binding.active.is_(True),
            Binding.role == Role.LIAISON,
            *([Unit.jurisdiction_id.in_(places)] if places is not None else []),
        )
        .order_by(Member.name, Member.id, Unit.name)
    )
    found: dict[int, UnreachableLiaison] = {}
    for member_id, name, username, since, unit in rows:
        known = found.get(member_id)
        units = (*known.units, unit) if known else (unit,)
        found[member_id] = UnreachableLiaison(name, username, units, since)
    return list(found.values())


WORKED_ON = (AssignmentStatus.IN_PROGRESS, AssignmentStatus.BLOCKED, AssignmentStatus.MORE_TIME)


async def unit_progress(
    session: AsyncSession, today: date, calendar: WorkingDays, places: Places = None
) -> list[UnitProgress]:
    """Year-to-date completion and the year's parts per unit, worst light first (the order
    of `unit_counts`, so the chart, the board and /status list units alike)."""
    due = effective_due()
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    counted = await session.execute(
        select(
            Assignment.unit_id,
            func.count(),
            func.sum(case((Assignment.status == AssignmentStatus.DONE, 1), else_=0)),
        )
        .where(_counted(), due >= year_start, due <= today)
        .group_by(Assignment.unit_id)
    )
    per_unit = {unit_id: (int(n or 0), int(d or 0)) for unit_id, n, d in counted}
    is_open = Assignment.status.in_(OPEN_STATUSES)
    late = and_(is_open, due < today)
    parts = await session.execute(
        select(
            Assignment.unit_id,
            func.sum(case((Assignment.status == AssignmentStatus.DONE, 1), else_=0)),
            func.sum(case((and_(~late, Assignment.status.in_(WORKED_ON)), 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((and_(~late, Assignment.status == AssignmentStatus.OPEN), 1), else_=0)),
        )
        .where(
            _counted(),
            Assignment.checkin.is_(False),
            and_(due >= year_start, due <= max(year_end, today + timedelta(days=DUE_SOON_DAYS)))
            | late
            | and_(is_open, Assignment.status.in_(WORKED_ON)),
        )
        .group_by(Assignment.unit_id)
    )
    split = {unit_id: tuple(int(value or 0) for value in values) for unit_id, *values in parts}
    rows = []
    for counts in await unit_counts(session, today, calendar):
        if places is not None and counts.jurisdiction_id not in places:
            continue
        year_done, in_progress, overdue, not_yet_due = split.get(counts.unit_id, (0, 0, 0, 0))
        due_count, done = per_unit.get(counts.unit_id, (0, 0))
        rows.append(
            UnitProgress(
                counts.unit_name,
                done,
                due_count,
                counts.light.value,
                unit_id=counts.unit_id,
                year_done=year_done,
                in_progress=in_progress,
                overdue=overdue,
                not_yet_due=not_yet_due,
            )
        )
    return rows


async def previous_digest(
    session: AsyncSession, week_start: date, member_id: int | None
) -> DigestSent | None:
    """The latest digest recorded before this week (for this coordinator, if given)."""
    query = select(DigestSent).where(DigestSent.week_start < week_start)
    if member_id is not None:
        query = query.where(DigestSent.member_id == member_id)
    return await session.scalar(
        query.order_by(DigestSent.week_start.desc(), DigestSent.id.desc()).limit(1)
    )


async def changes_since(
    session: AsyncSession,
    now: datetime,
    zone: ZoneInfo,
    previous: DigestSent | None,
    places: Places = None,
) -> Changes:
    """Done and newly overdue since the previous digest was composed."""
    today = local_date(now, zone)
    since = previous.sent_at if previous and previous.sent_at else now - timedelta(days=7)
    done = await session.scalar(
        select(func.count()).where(
            Assignment.status == AssignmentStatus.DONE,
            Assignment.status_changed_at >= since,
            Assignment.status_changed_at <= now,
            *_within(places),
        )
    )
    due = deadline()
    newly = await session.scalar(
        select(func.count()).where(
            Assignment.status.in_(OPEN_STATUSES),
            due >= local_date(since, zone),
            due < today,
            *_within(places),
        )
    )
    return Changes(since, int(done or 0), int(newly or 0), previous.summary if previous else None)


def fallback_years(today: date, calendar: WorkingDays) -> list[int]:
    """Years of the coming months whose working days are guessed (no official holidays)."""
    last = (today + FALLBACK_HORIZON).year
    return [year for year in range(today.year, last + 1) if not calendar.is_official(year)]


async def collect_digest(
    session: AsyncSession,
    week_start: date,
    now: datetime,
    zone: ZoneInfo,
    calendar: WorkingDays,
    member_id: int | None = None,
) -> Digest:
    """Everything one digest shows, as of `now` (the moment it is composed) in `zone`: of the
    coordinator's office when `member_id` is given (a city's: with a row per district)."""
    today = local_date(now, zone)
    previous = await previous_digest(session, week_start, member_id)
    scope = await office_scope(session, member_id) if member_id is not None else None
    places = scope.places if scope is not None else None
    return Digest(
        week_start=week_start,
        as_of=today,
        completion=await completion(session, today, places),
        overdue=await overdue_items(session, today, places),
        due_soon=await due_soon_items(session, today, calendar, places),
        silent_units=await silent_units(session, now, places),
        unreachable=await unreachable_liaisons(session, places),
        no_liaison=await units_without_liaison(session, places),
        changes=await changes_since(session, now, zone, previous, places),
        fallback_years=fallback_years(today, calendar),
        units=await unit_progress(session, today, calendar, places),
        districts=await _districts(session, today, calendar, scope),
    )


async def _districts(
    session: AsyncSession, today: date, calendar: WorkingDays, scope: OfficeScope | None
) -> list[UnitCounts]:
    """A city's digest: each jurisdiction right below the office as one row, worst first."""
    if scope is None or scope.top is None or not scope.tree.children(scope.top):
        return []
    rows = office_rows(await unit_counts(session, today, calendar), scope)
    return [row for row in rows if row.place]
