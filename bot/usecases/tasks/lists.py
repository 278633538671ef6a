"""What a unit has to do: task lists, duty cards, and the status overview."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, String, and_, case, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import ColumnElement

from bot.usecases.tasks.lights import LIGHT_RANK, Light, light_of
from scheduling.dates.workdays import WorkingDays
from storage.change_marker import MarkerReader
from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    Duty,
    DutyUnit,
    Member,
    Occurrence,
    Plan,
    Role,
    StatusReport,
    Unit,
    UnitRole,
)

OPEN_STATUSES = tuple(s for s in AssignmentStatus if s not in CLOSED_STATUSES)
DUE_SOON_DAYS = 14
YELLOW_WORKDAYS = 3


class TaskFilter(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    MONTH = "month"
    ONGOING = "ongoing"
    ALL = "all"
    DONE = "done"


@dataclass(frozen=True)
class TaskRow:
    assignment_id: int
    unit_name: str
    status: AssignmentStatus
    due: date
    period_key: str
    number: str
    plan_title: str
    text: str
    progress_count: int
    target_count: int | None
    checkin: bool = False  # an undated duty: asked about each period, never overdue

    def overdue(self, today: date) -> bool:
        return not self.checkin and self.due < today and self.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    total: int
    page: int
    pages: int
    filter: TaskFilter


async def liaison_unit_ids(session: AsyncSession, member_id: int) -> list[int]:
    ids = await session.scalars(
        select(Binding.unit_id).where(
            Binding.member_id == member_id,
            Binding.active.is_(True),
            Binding.role == Role.LIAISON,
            Binding.unit_id.is_not(None),
        )
    )
    return sorted({unit_id for unit_id in ids if unit_id is not None})


def effective_due() -> ColumnElement[date]:
    """The due date that counts: the extended one when more time was granted."""
    return func.coalesce(Assignment.extended_due, Assignment.due_date)


def deadline() -> ColumnElement[date]:
    """The due date a duty can be late against: none for an undated duty's check-in, so it is
    never overdue, due soon or yellow."""
    return case((Assignment.checkin.is_(True), None), else_=effective_due())


def _filtered(query: Select, task_filter: TaskFilter, today: date) -> Select:
    due = deadline()
    if task_filter is TaskFilter.OPEN:  # dated duties; undated ones are under ONGOING
        return query.where(Assignment.status.in_(OPEN_STATUSES), Assignment.checkin.is_(False))
    if task_filter is TaskFilter.ONGOING:
        return query.where(Assignment.status.in_(OPEN_STATUSES), Assignment.checkin.is_(True))
    if task_filter is TaskFilter.OVERDUE:
        return query.where(Assignment.status.in_(OPEN_STATUSES), due < today)
    if task_filter is TaskFilter.MONTH:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return query.where(Assignment.status.in_(OPEN_STATUSES), due >= first, due < following)
    if task_filter is TaskFilter.DONE:
        return query.where(Assignment.status == AssignmentStatus.DONE)
    return query


async def task_page(
    session: AsyncSession,
    unit_ids: list[int],
    task_filter: TaskFilter,
    today: date,
    page: int = 0,
    page_size: int = 8,
) -> TaskPage:
    """One page of a unit's assignments, next due first (done: latest first)."""
    base = select(Assignment.id).where(Assignment.unit_id.in_(unit_ids))
    base = _filtered(base, task_filter, today)
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(0, page), pages - 1)
    due = effective_due()
    # dated duties first, by due date; undated duties' check-ins after them, apart
    order = (
        (due.desc(),)
        if task_filter is TaskFilter.DONE
        else (Assignment.checkin, due, Assignment.id)
    )
    query = (
        select(
            Assignment.id,
            Unit.name,
            Assignment.status,
            due,
            Occurrence.period_key,
            Duty.number,
            Plan.title,
            Duty.text,
            Assignment.progress_count,
            Occurrence.target_count,
            Assignment.checkin,
        )
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .join(Plan, Plan.id == Duty.plan_id)
        .where(Assignment.unit_id.in_(unit_ids))
        .order_by(*order)
        .offset(page * page_size)
        .limit(page_size)
    )
    query = _filtered(query, task_filter, today)
    rows = [TaskRow(*row) for row in await session.execute(query)]
    return TaskPage(rows=rows, total=total, page=page, pages=pages, filter=task_filter)


@dataclass(frozen=True)
class HistoryLine:
    report_id: int
    at: datetime
    who: str
    status: AssignmentStatus | None
    note: str | None
    evidence_kind: str | None
    evidence_name: str | None
    evidence_url: str | None
    has_file: bool
    event_date: date | None
    requested_due: date | None
    count_delta: int
    undone: bool
    is_undo: bool


@dataclass(frozen=True)
class RuleLine:
    kind: str
    phrase: str
    params: dict[str, object]


@dataclass
class DutyCard:
    assignment_id: int
    unit_name: str
    status: AssignmentStatus
    due: date
    window_start: date | None
    period_key: str
    text: str
    number: str
    section: list[str]
    plan_title: str
    lead: list[str]
    responsible: list[str]
    rules: list[RuleLine]
    history: list[HistoryLine]
    progress_count: int
    target_count: int | None
    has_event_rule: bool = False
    others: list[tuple[str, AssignmentStatus]] = field(default_factory=list)
    also: list[tuple[str, str]] = field(default_factory=list)  # (plan, item) requiring it too
    checkin: bool = False


async def duty_card(session: AsyncSession, assignment_id: int) -> DutyCard | None:
    """Everything a duty card shows about one assignment, its duty and its history."""
    assignment = await _card_assignment(session, assignment_id)
    if assignment is None:
        return None
    occurrence = assignment.occurrence
    duty = occurrence.duty
    names = _unit_names(duty)
    history = await _history(session, assignment.id)
    others = await session.execute(
        select(Unit.name, Assignment.status)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.occurrence_id == occurrence.id, Assignment.id != assignment.id)
        .order_by(Unit.name)
    )
    enabled_rules = [rule for rule in duty.rules if rule.enabled]
    return DutyCard(
        assignment_id=assignment.id,
        unit_name=assignment.unit.name,
        status=assignment.status,
        due=assignment.extended_due or assignment.due_date,
        window_start=occurrence.window_start,
        period_key=occurrence.period_key,
        text=duty.text,
        number=duty.number,
        section=list(duty.section_path or []),
        plan_title=duty.plan.title,
        lead=names[UnitRole.LEAD],
        responsible=names[UnitRole.RESPONSIBLE],
        rules=[RuleLine(r.kind.value, r.phrase, dict(r.params or {})) for r in enabled_rules],
        history=history,
        progress_count=assignment.progress_count,
        target_count=occurrence.target_count,
        has_event_rule=any(r.kind.value == "event_relative" for r in enabled_rules),
        others=[(name, status) for name, status in others],
        also=await _also_required_by(session, assignment),
        checkin=assignment.checkin,
    )


async def _card_assignment(session: AsyncSession, assignment_id: int) -> Assignment | None:
    """The assignment with its unit, and its duty's units, groups, plan and rules."""
    duty = selectinload(Assignment.occurrence).selectinload(Occurrence.duty)
    return await session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            selectinload(Assignment.unit),
            duty.selectinload(Duty.units).selectinload(DutyUnit.unit),
            duty.selectinload(Duty.units).selectinload(DutyUnit.group),
            duty.selectinload(Duty.plan),
            duty.selectinload(Duty.rules),
        )
    )


def _unit_names(duty: Duty) -> dict[UnitRole, list[str]]:
    """The lead and responsible names as printed: unit, group, or the raw name."""
    names: dict[UnitRole, list[str]] = {UnitRole.LEAD: [], UnitRole.RESPONSIBLE: []}
    for link in duty.units:
        name = link.unit.name if link.unit else link.group.name if link.group else link.raw_name
        if name not in names[link.role]:
            names[link.role].append(name)
    return names


async def _history(session: AsyncSession, assignment_id: int) -> list[HistoryLine]:
    """Every status report on the assignment, oldest first, with who made it."""
    reports = await session.execute(
        select(StatusReport, Member.name)
        .outerjoin(Member, Member.id == StatusReport.member_id)
        .where(StatusReport.assignment_id == assignment_id)
        .order_by(StatusReport.created_at, StatusReport.id)
    )
    return [
        HistoryLine(
            report_id=report.id,
            at=report.created_at,
            who=who or "—",
            status=report.status,
            note=report.note,
            evidence_kind=report.evidence_kind,
            evidence_name=report.evidence_name,
            evidence_url=report.evidence_url,
            has_file=report.evidence_file_id is not None,
            event_date=report.event_date,
            requested_due=report.requested_due,
            count_delta=report.count_delta,
            undone=report.undone_at is not None,
            is_undo=report.undoes_report_id is not None,
        )
        for report, who in reports
    ]


async def _also_required_by(session: AsyncSession, assignment: Assignment) -> list[tuple[str, str]]:
    """(plan title, item number) of the other duties this assignment's deadline stands for."""
    if not assignment.also_duties:
        return []
    rows = await session.execute(
        select(Plan.title, Duty.number)
        .join(Plan, Plan.id == Duty.plan_id)
        .where(Duty.id.in_(list(assignment.also_duties)))
        .order_by(Plan.title, Duty.position)
    )
    return [(title, number) for title, number in rows]


@dataclass(frozen=True)
class UnitCounts:
    unit_id: int
    unit_name: str
    done: int
    open: int
    overdue: int
    due_soon: int
    yellow: int
    ongoing: int = 0  # open undated duties (check-ins), counted apart from `open`
    in_progress: int = 0
    blocked: int = 0
    more_time: int = 0
    due_now: int = 0  # open dated assignments due today or earlier
    jurisdiction_id: int | None = None  # the unit's (or, for a `place` row, the one summed)
    place: bool = False  # a row standing for a jurisdiction below: its units added up

    @property
    def light(self) -> Light:
        """See `bot.usecases.tasks.lights`: the same light everywhere."""
        return light_of(
            overdue=self.overdue,
            blocked=self.blocked,
            not_started_soon=self.yellow,
            more_time=self.more_time,
            come_due=self.done + self.due_now,
        )


def _counts_query(today: date, yellow_until: date) -> Select:
    """All five counts per unit in one pass: right for a few units (a liaison's)."""
    due = deadline()
    is_open = Assignment.status.in_(OPEN_STATUSES)
    dated = and_(is_open, Assignment.checkin.is_(False))
    return (
        select(
            Unit.id,
            Unit.name,
            Unit.jurisdiction_id,
            func.sum(case((Assignment.status == AssignmentStatus.DONE, 1), else_=0)),
            func.sum(case((dated, 1), else_=0)),
            func.sum(case((and_(is_open, due < today), 1), else_=0)),
            func.sum(
                case(
                    (and_(is_open, due >= today, due <= today + timedelta(days=DUE_SOON_DAYS)), 1),
                    else_=0,
                )
            ),
            func.sum(case((_yellow(due, today, yellow_until), 1), else_=0)),
            func.sum(case((and_(is_open, Assignment.checkin.is_(True)), 1), else_=0)),
            func.sum(case((Assignment.status == AssignmentStatus.IN_PROGRESS, 1), else_=0)),
            func.sum(case((Assignment.status == AssignmentStatus.BLOCKED, 1), else_=0)),
            func.sum(case((Assignment.status == AssignmentStatus.MORE_TIME, 1), else_=0)),
            func.sum(case((and_(is_open, due <= today), 1), else_=0)),
        )
        .join(Assignment, Assignment.unit_id == Unit.id)
        .group_by(Unit.id, Unit.name, Unit.jurisdiction_id)
    )


def _yellow(due: ColumnElement[date], today: date, yellow_until: date) -> ColumnElement[bool]:
    return and_(Assignment.status == AssignmentStatus.OPEN, due >= today, due <= yellow_until)


def _status_counts() -> Select:
    """How many assignments each unit has in each status: one pass over an index that
    covers (status, unit_id), no dates evaluated; statuses as their stored strings."""
    status = type_coerce(Assignment.status, String)
    return select(Assignment.unit_id, status, Assignment.checkin, func.count()).group_by(
        Assignment.status, Assignment.unit_id, Assignment.checkin
    )


def _near_counts(today: date, yellow_until: date) -> Select:
    """Overdue, due soon and yellow per unit: only open assignments due by the horizon count,
    so only those are read."""
    due = deadline()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return (
        select(
            Assignment.unit_id,
            func.sum(case((due < today, 1), else_=0)),
            func.sum(case((and_(due >= today, due <= soon), 1), else_=0)),
            func.sum(case((_yellow(due, today, yellow_until), 1), else_=0)),
            func.sum(case((due <= today, 1), else_=0)),
        )
        .where(Assignment.status.in_(OPEN_STATUSES), due <= max(soon, yellow_until))
        .group_by(Assignment.unit_id)
    )


async def _city_counts(session: AsyncSession, today: date, yellow_until: date) -> list[UnitCounts]:
    """Every unit's counts in two narrow queries instead of one wide join: a whole city's
    five years of assignments are counted per status from an index, and only the open ones
    near their due date are looked at for the traffic light. Read as plain rows (Core), as
    thousands of them come back."""
    connection = await session.connection()
    done: dict[int, int] = defaultdict(int)
    open_: dict[int, int] = defaultdict(int)
    ongoing: dict[int, int] = defaultdict(int)
    by_status: dict[tuple[int, str], int] = defaultdict(int)
    listed: set[int] = set()  # units with any assignment, even only waived or cancelled ones
    open_values = {status.value for status in OPEN_STATUSES}
    for unit_id, status, checkin, count in await connection.execute(_status_counts()):
        listed.add(unit_id)
        by_status[unit_id, status] += count
        if status == AssignmentStatus.DONE.value:
            done[unit_id] += count
        elif status in open_values:
            (ongoing if checkin else open_)[unit_id] += count
    if not listed:
        return []
    near = {
        unit_id: (int(overdue or 0), int(soon or 0), int(yellow or 0), int(now or 0))
        for unit_id, overdue, soon, yellow, now in await connection.execute(
            _near_counts(today, yellow_until)
        )
    }
    rows: list[UnitCounts] = []
    for unit_id, name, place in await connection.execute(
        select(Unit.id, Unit.name, Unit.jurisdiction_id)
    ):
        if unit_id not in listed:
            continue
        overdue, soon, yellow, due_now = near.get(unit_id, (0, 0, 0, 0))
        rows.append(
            UnitCounts(
                unit_id,
                name,
                done.get(unit_id, 0),
                open_.get(unit_id, 0),
                overdue,
                soon,
                yellow,
                ongoing.get(unit_id, 0),
                in_progress=by_status[unit_id, AssignmentStatus.IN_PROGRESS.value],
                blocked=by_status[unit_id, AssignmentStatus.BLOCKED.value],
                more_time=by_status[unit_id, AssignmentStatus.MORE_TIME.value],
                due_now=due_now,
                jurisdiction_id=place,
            )
        )
    return rows


def worst_first(counts: UnitCounts) -> tuple[int, int, int, int, str]:
    """The order of /status, the board and the chart: by light, then what makes it so."""
    return (
        LIGHT_RANK[counts.light],
        -counts.overdue,
        -counts.blocked,
        -counts.yellow,
        counts.unit_name,
    )


def yellow_horizon(today: date, calendar: WorkingDays) -> date:
    """The last day that is within YELLOW_WORKDAYS working days from today."""
    day = today
    while calendar.workdays_between(today, day + timedelta(days=1)) <= YELLOW_WORKDAYS:
        day += timedelta(days=1)
        if day - today > timedelta(days=30):
            break
    return day


async def unit_counts(
    session: AsyncSession, today: date, calendar: WorkingDays, unit_ids: list[int] | None = None
) -> list[UnitCounts]:
    """Counts per unit, worst first (red, yellow, green, grey; then most overdue); every unit with
    at least one assignment (of `unit_ids`, or of the whole office)."""
    yellow_until = yellow_horizon(today, calendar)
    if unit_ids is None:
        rows = await _city_counts(session, today, yellow_until)
    else:
        query = _counts_query(today, yellow_until).where(Unit.id.in_(unit_ids))
        rows = [
            UnitCounts(
                uid,
                name,
                int(d or 0),
                int(o or 0),
                int(od or 0),
                int(s or 0),
                int(y or 0),
                int(g or 0),
                in_progress=int(p or 0),
                blocked=int(b or 0),
                more_time=int(m or 0),
                due_now=int(n or 0),
                jurisdiction_id=j,
            )
            for uid, name, j, d, o, od, s, y, g, p, b, m, n in await session.execute(query)
        ]
    rows.sort(key=worst_first)
    return rows


@dataclass(frozen=True)
class _CachedCount:
    key: tuple[date, date]
    marker: str
    rows: list[UnitCounts]


class SharedCityCounts:
    """The office-wide `unit_counts`, computed once for everyone asking at the same time.

    Twenty coordinators opening /status together need one count of the whole city, not
    twenty. A request only ever shares a computation that starts after it arrived (it waits
    for the one under way to finish and joins the next), so every answer is as fresh as if
    it had been computed for that request alone. Where the database offers a change marker
    (`storage.change_marker`: PostgreSQL's WAL position, SQLite's data_version), the last
    count is also kept with the marker read just before it began: a request that finds the
    marker unmoved is answered from it, exactly as a new count would, without counting.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        marker: MarkerReader,
    ) -> None:
        self.sessions = sessions
        self._marker = marker
        self._lock = asyncio.Lock()
        self._next: dict[tuple[date, date], asyncio.Future[list[UnitCounts]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: _CachedCount | None = None
        self.computed = 0
        self.reused = 0

    async def get(self, today: date, calendar: WorkingDays) -> list[UnitCounts]:
        key = (today, yellow_horizon(today, calendar))
        last = self._last
        if last is not None and last.key == key and await self._marker() == last.marker:
            self.reused += 1
            return list(last.rows)
        future = self._next.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._next[key] = future
            task = asyncio.create_task(self._compute(key, future, calendar))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return list(await asyncio.shield(future))

    async def _compute(
        self,
        key: tuple[date, date],
        future: asyncio.Future[list[UnitCounts]],
        calendar: WorkingDays,
    ) -> None:
        async with self._lock:
            del self._next[key]  # whoever comes from now on waits for the next round
            try:
                marker = await self._marker()  # before the count's snapshot is taken
                async with self.sessions() as session:
                    result = await unit_counts(session, key[0], calendar)
            except Exception as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
                self.computed += 1
                self._last = _CachedCount(key, marker, result) if marker is not None else None


async def next_deadlines(
    session: AsyncSession, unit_ids: list[int], today: date, limit: int = 5
) -> list[TaskRow]:
    page = await task_page(session, unit_ids, TaskFilter.OPEN, today, 0, limit)
    return [row for row in page.rows if row.due >= today][:limit] or page.rows[:limit]


async def units_without_liaison(
    session: AsyncSession, places: frozenset[int] | None = None
) -> list[str]:
    bound = select(Binding.unit_id).where(
        Binding.active.is_(True), Binding.role == Role.LIAISON, Binding.unit_id.is_not(None)
    )
    names = await session.scalars(
        select(Unit.name)
        .where(Unit.id.in_(select(Assignment.unit_id).distinct()), Unit.id.not_in(bound))
        .where(*([Unit.jurisdiction_id.in_(places)] if places is not None else []))
        .order_by(Unit.name)
    )
    return list(names)
