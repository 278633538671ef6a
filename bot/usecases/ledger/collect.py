"""The ledger (台账) as plain values: every duty of every plan with its current status.

One row per duty, as the plan printed it (section, number, text, lead and responsible units
as printed), plus the state of its current occurrence: the earliest one still open, else the
latest one already due, else the next. `bot.render.ledger_xlsx` lays it out as the ledger
coordinators keep in Excel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.usecases.tasks.lights import Light, light_of
from bot.usecases.tasks.lists import OPEN_STATUSES, UnitCounts, unit_counts, yellow_horizon
from scheduling.dates.workdays import WorkingDays
from storage.ids import parse_id
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    Member,
    Occurrence,
    Plan,
    StatusReport,
    Unit,
    UnitRole,
)
from storage.search import contains_literally


@dataclass(frozen=True)
class LedgerAssignment:
    unit_name: str
    status: AssignmentStatus
    due: date
    extended: bool
    progress_count: int
    target_count: int | None
    checkin: bool = False  # an undated duty's period: never overdue


@dataclass(frozen=True)
class LedgerReport:
    at: datetime
    who: str
    unit_name: str
    status: AssignmentStatus | None
    note: str | None


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str | None


@dataclass(frozen=True)
class LedgerRow:
    duty_id: int
    number: str
    section_path: tuple[str, ...]
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    due: date | None = None
    period_key: str | None = None
    assignments: tuple[LedgerAssignment, ...] = ()
    last_report: LedgerReport | None = None
    evidence: tuple[Evidence, ...] = ()
    ongoing: bool = False  # an undated duty: no due date, a progress check-in each period

    def light(self, today: date, yellow_until: date) -> str | None:
        """The row's light by the one definition (`bot.usecases.tasks.lights`) over its units'
        assignments; None (no fill) while grey."""
        dated = [a for a in self.assignments if not a.checkin]
        live = [a for a in dated if a.status in OPEN_STATUSES]
        light = light_of(
            overdue=sum(1 for a in live if a.due < today),
            blocked=sum(1 for a in self.assignments if a.status is AssignmentStatus.BLOCKED),
            not_started_soon=sum(
                1
                for a in live
                if a.status is AssignmentStatus.OPEN and today <= a.due <= yellow_until
            ),
            more_time=sum(1 for a in self.assignments if a.status is AssignmentStatus.MORE_TIME),
            come_due=sum(
                1
                for a in dated
                if a.status is AssignmentStatus.DONE
                or (a.status in OPEN_STATUSES and a.due <= today)
            ),
        )
        return None if light is Light.GREY else light.value


@dataclass
class LedgerPlan:
    plan_id: int
    title: str
    is_statutory: bool
    rows: list[LedgerRow] = field(default_factory=list)
    # what the sheet's layout cannot show, declared in the workbook so it imports back as itself
    issuer: str | None = None
    place: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass
class Ledger:
    as_of: date
    yellow_until: date
    plans: list[LedgerPlan]
    units: list[UnitCounts]


async def find_plans(session: AsyncSession, text: str) -> list[Plan]:
    """Plans by id (see storage.ids), or whose title contains the text."""
    wanted = text.strip()
    query = select(Plan).order_by(Plan.id)
    plan_id = parse_id(wanted)
    if plan_id is not None:
        query = query.where(or_(Plan.id == plan_id, contains_literally(Plan.title, wanted)))
    else:
        query = query.where(contains_literally(Plan.title, wanted))
    return list(await session.scalars(query))


def _names(duty: Duty, role: UnitRole) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for link in sorted(duty.units, key=lambda link: link.id):
        if link.role is role and link.raw_name:
            names.setdefault(link.raw_name)
    return tuple(names)


def _current(
    occurrences: list[tuple[Occurrence, list[tuple[Assignment, str]]]], today: date
) -> tuple[Occurrence, list[tuple[Assignment, str]]] | None:
    """The occurrence the ledger shows: the earliest still open (an open assignment, or none
    assigned and not yet due), else the latest one due, else the next."""
    if not occurrences:
        return None
    ordered = sorted(occurrences, key=lambda pair: (pair[0].due_date, pair[0].id))
    for occurrence, pairs in ordered:
        if any(a.status in OPEN_STATUSES for a, _ in pairs):
            return occurrence, pairs
        if not pairs and occurrence.due_date >= today:
            return occurrence, pairs
    past = [pair for pair in ordered if pair[0].due_date <= today]
    return past[-1] if past else ordered[0]


async def _occurrences(
    session: AsyncSession,
    duty_ids: list[int],
    unit_id: int | None,
    places: frozenset[int] | None = None,
) -> dict[int, list[tuple[Occurrence, list[tuple[Assignment, str]]]]]:
    """duty id → its occurrences with their assignments (only the unit's, if one is given;
    then occurrences without one of its assignments are left out)."""
    query = (
        select(Occurrence, Assignment, Unit.name)
        .outerjoin(Assignment, Assignment.occurrence_id == Occurrence.id)
        .outerjoin(Unit, Unit.id == Assignment.unit_id)
        .where(Occurrence.duty_id.in_(duty_ids))
        .order_by(Occurrence.id, Unit.name, Assignment.id)
    )
    if unit_id is not None:
        query = query.where(Assignment.unit_id == unit_id)
    if places is not None:
        query = query.where(Unit.jurisdiction_id.in_(places))
    grouped: dict[int, dict[int, tuple[Occurrence, list[tuple[Assignment, str]]]]] = defaultdict(
        dict
    )
    for occurrence, assignment, unit_name in await session.execute(query):
        entry = grouped[occurrence.duty_id].setdefault(occurrence.id, (occurrence, []))
        if assignment is not None:
            entry[1].append((assignment, unit_name))
    return {duty_id: list(by_id.values()) for duty_id, by_id in grouped.items()}


async def _reports(
    session: AsyncSession, assignment_ids: list[int]
) -> dict[int, list[tuple[StatusReport, str | None, str]]]:
    """assignment id → its live reports (not undone, not undos), oldest first."""
    found: dict[int, list[tuple[StatusReport, str | None, str]]] = defaultdict(list)
    for start in range(0, len(assignment_ids), 500):
        chunk = assignment_ids[start : start + 500]
        rows = await session.execute(
            select(StatusReport, Member.name, Unit.name)
            .join(Assignment, Assignment.id == StatusReport.assignment_id)
            .join(Unit, Unit.id == Assignment.unit_id)
            .outerjoin(Member, Member.id == StatusReport.member_id)
            .where(
                StatusReport.assignment_id.in_(chunk),
                StatusReport.undone_at.is_(None),
                StatusReport.undoes_report_id.is_(None),
            )
            .order_by(StatusReport.created_at, StatusReport.id)
        )
        for report, who, unit_name in rows:
            found[report.assignment_id].append((report, who, unit_name))
    return found


def _row(
    duty: Duty,
    current: tuple[Occurrence, list[tuple[Assignment, str]]] | None,
    reports: dict[int, list[tuple[StatusReport, str | None, str]]],
) -> LedgerRow:
    base = LedgerRow(
        duty_id=duty.id,
        number=duty.number,
        section_path=tuple(duty.section_path or ()),
        text=duty.text,
        lead=_names(duty, UnitRole.LEAD),
        responsible=_names(duty, UnitRole.RESPONSIBLE),
    )
    if current is None:
        return base
    occurrence, pairs = current
    assignments = tuple(
        LedgerAssignment(
            unit_name=name,
            status=a.status,
            due=a.extended_due or a.due_date,
            extended=a.extended_due is not None,
            progress_count=a.progress_count,
            target_count=occurrence.target_count,
            checkin=a.checkin,
        )
        for a, name in pairs
    )
    live = sorted(
        (item for a, _ in pairs for item in reports.get(a.id, [])),
        key=lambda item: (item[0].created_at, item[0].id),
    )
    last = None
    if live:
        report, who, unit_name = live[-1]
        last = LedgerReport(report.created_at, who or "—", unit_name, report.status, report.note)
    evidence: dict[tuple[str, str | None], None] = {}
    for report, _who, _unit in live:
        if report.evidence_url:
            evidence.setdefault((report.evidence_name or report.evidence_url, report.evidence_url))
        elif report.evidence_name:
            evidence.setdefault((report.evidence_name, None))
    ongoing = bool(pairs) and all(a.checkin for a, _ in pairs)
    return replace(
        base,
        due=None if ongoing else occurrence.due_date,
        ongoing=ongoing,
        period_key=occurrence.period_key,
        assignments=assignments,
        last_report=last,
        evidence=tuple(Evidence(label, url) for label, url in evidence),
    )


async def collect_ledger(
    session: AsyncSession,
    today: date,
    calendar: WorkingDays,
    plan_ids: list[int] | None = None,
    unit_id: int | None = None,
    places: frozenset[int] | None = None,
) -> Ledger:
    """The ledger of some plans (or all), for one unit (or all), as of `today`; of an office's
    jurisdictions when `places` names them (its plans, and its units' part of others': a
    city's duties for its districts' units, the statutory ones).

    Built-in statutory duties come after the imported plans.
    """
    query = (
        select(Plan)
        .order_by(Plan.is_statutory, Plan.id)
        .options(selectinload(Plan.duties).selectinload(Duty.units))
    )
    if plan_ids is not None:
        query = query.where(Plan.id.in_(plan_ids))
    plans = list(await session.scalars(query))
    duties = [duty for plan in plans for duty in plan.duties if duty.active]
    by_duty = await _occurrences(session, [duty.id for duty in duties], unit_id, places)
    current = {duty.id: _current(by_duty.get(duty.id, []), today) for duty in duties}
    assignment_ids = [a.id for pair in current.values() if pair for a, _ in pair[1]]
    reports = await _reports(session, assignment_ids)
    result: list[LedgerPlan] = []
    for plan in plans:
        ledger_plan = LedgerPlan(
            plan.id,
            plan.title,
            plan.is_statutory,
            issuer=plan.issuer,
            place=plan.jurisdiction,
            year_from=plan.year_from,
            year_to=plan.year_to,
        )
        for duty in plan.duties:
            if not duty.active:
                continue
            named = any(link.unit_id == unit_id for link in duty.units)
            if unit_id is not None and current[duty.id] is None and not named:
                continue
            outside = plan.is_statutory or plan.jurisdiction_id not in (places or ())
            if places is not None and current[duty.id] is None and outside:
                continue
            ledger_plan.rows.append(_row(duty, current[duty.id], reports))
        if ledger_plan.rows:
            result.append(ledger_plan)
    units = await unit_counts(session, today, calendar, [unit_id] if unit_id else None)
    if places is not None:
        units = [row for row in units if row.jurisdiction_id in places]
    return Ledger(today, yellow_horizon(today, calendar), result, units)
