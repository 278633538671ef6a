"""What the board shows, as plain values, from the use cases /status, /mytasks and the digest
use, so the numbers agree everywhere.

- the rows are `unit_counts` (the office-wide one for coordinators, the unit's own for a
  liaison): the same counts and the same light as /status, in the same order;
- a unit's duties are `task_page` (what /mytasks lists), a duty is `duty_card` (the card
  the chat shows, with every report: who, what, when, evidence);
- the chart is the digest's `unit_progress`, the rows its chart draws.

Who sees what is decided here, on every request, from the member's bindings: coordinators
(and administrators) see every unit; a liaison sees their own units only; anyone else, nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.digest.data import UnitProgress, unit_progress
from bot.usecases.jurisdictions.scope import OfficeScope, office_rows, office_scope, scoped
from bot.usecases.jurisdictions.tree import Place
from bot.usecases.status.board_places import opened_place, row_key, summed_bar, units_under
from bot.usecases.tasks.lists import (
    OPEN_STATUSES,
    DutyCard,
    TaskFilter,
    TaskPage,
    UnitCounts,
    deadline,
    duty_card,
    liaison_unit_ids,
    task_page,
    unit_counts,
)
from scheduling.dates.workdays import WorkingDays
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    Member,
    Occurrence,
    Plan,
    StatusReport,
    Unit,
    UnitGroup,
    UnitGroupMember,
)

UNIT_PAGE_SIZE = 100
PLACE_KIND = "jurisdiction"  # the kind of a row standing for a jurisdiction below the office

OfficeCounts = Callable[[date], Awaitable[list[UnitCounts]]]


@dataclass(frozen=True)
class Viewer:
    """A member the board answers: a coordinator, or a liaison of some units."""

    member_id: int
    name: str
    language: str | None
    coordinator: bool
    unit_ids: tuple[int, ...]
    scope: OfficeScope | None = None  # a coordinator's office (their jurisdiction and below)

    def may_see(self, unit_id: int, jurisdiction_id: int | None = None) -> bool:
        """Their own unit, or (a coordinator) a unit of a jurisdiction their office reaches."""
        if unit_id in self.unit_ids:
            return True
        return self.coordinator and (self.scope is None or self.scope.sees(jurisdiction_id))


async def board_viewer(session: AsyncSession, telegram_user_id: int) -> Viewer | None:
    """The member behind a verified Telegram user, if they may see anything; else None."""
    member = await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))
    if member is None:
        return None
    scope = await office_scope(session, member.id)
    units = tuple(await liaison_unit_ids(session, member.id))
    if scope is None and not units:
        return None
    return Viewer(member.id, member.name, member.language, scope is not None, units, scope)


@dataclass(frozen=True)
class UnitFacts:
    """What the board filters a unit by, beside its counts."""

    kind: str
    groups: tuple[int, ...]
    plans: tuple[int, ...]
    next_due: date | None
    next_duty: str | None


@dataclass
class Overview:
    """The rows, worst first; facts and chart bars by row key (`board_places.row_key`)."""

    rows: list[UnitCounts]
    facts: dict[str, UnitFacts]
    plans: list[tuple[int, str]]
    groups: list[tuple[int, str]]
    progress: list[tuple[str, UnitProgress]] = field(default_factory=list)
    opened: Place | None = None  # a jurisdiction below the office, opened from its row


async def _facts(
    session: AsyncSession, unit_ids: list[int], today: date
) -> tuple[dict[int, UnitFacts], list[tuple[int, str]], list[tuple[int, str]]]:
    kinds = dict(
        (row[0], str(row[1]))
        for row in await session.execute(select(Unit.id, Unit.kind).where(Unit.id.in_(unit_ids)))
    )
    groups: dict[int, list[int]] = defaultdict(list)
    for group_id, unit_id in await session.execute(
        select(UnitGroupMember.group_id, UnitGroupMember.unit_id).where(
            UnitGroupMember.unit_id.in_(unit_ids)
        )
    ):
        groups[unit_id].append(group_id)
    plans: dict[int, set[int]] = defaultdict(set)
    for unit_id, plan_id in await session.execute(
        select(Assignment.unit_id, Duty.plan_id)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .where(Assignment.unit_id.in_(unit_ids))
        .distinct()
    ):
        plans[unit_id].add(plan_id)
    due = deadline()
    following: dict[int, tuple[date, str]] = {}
    for unit_id, day, text in await session.execute(
        select(Assignment.unit_id, due, Duty.text)
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .where(
            Assignment.unit_id.in_(unit_ids),
            Assignment.status.in_(OPEN_STATUSES),
            due >= today,
        )
        .order_by(due, Assignment.id)
    ):
        following.setdefault(unit_id, (day, text))
    facts = {
        unit_id: UnitFacts(
            kind=kinds.get(unit_id, "other"),
            groups=tuple(sorted(groups[unit_id])),
            plans=tuple(sorted(plans[unit_id])),
            next_due=following[unit_id][0] if unit_id in following else None,
            next_duty=following[unit_id][1] if unit_id in following else None,
        )
        for unit_id in unit_ids
    }
    used_plans = sorted({plan for ids in plans.values() for plan in ids})
    used_groups = sorted({group for ids in groups.values() for group in ids})
    plan_titles = list(
        await session.execute(
            select(Plan.id, Plan.title).where(Plan.id.in_(used_plans)).order_by(Plan.id)
        )
    )
    group_names = list(
        await session.execute(
            select(UnitGroup.id, UnitGroup.name)
            .where(UnitGroup.id.in_(used_groups))
            .order_by(UnitGroup.name)
        )
    )
    return (
        facts,
        [(plan_id, title) for plan_id, title in plan_titles],
        [(group_id, name) for group_id, name in group_names],
    )


async def overview(
    session: AsyncSession,
    viewer: Viewer,
    today: date,
    calendar: WorkingDays,
    office_counts: OfficeCounts | None = None,
    opened: int | None = None,
) -> Overview:
    """The rows a viewer sees (a coordinator's are /status's office-wide counts, shared with
    it through `office_counts` when given), with what the filters need and the chart (its
    bars in the rows' order: worst first).

    An office over jurisdictions below it sees, like /status, its own units and each
    jurisdiction right below as one row (summed); `opened` shows one of those instead."""
    if viewer.coordinator:
        every = (
            await office_counts(today)
            if office_counts is not None
            else await unit_counts(session, today, calendar)
        )
        bars = await unit_progress(session, today, calendar)
        if viewer.scope is not None:
            return await _office_overview(session, viewer.scope, every, bars, today, opened)
        units, rows = every, every
    else:
        units = rows = await unit_counts(session, today, calendar, list(viewer.unit_ids))
        bars = await unit_progress(session, today, calendar)
    bar_of = {bar.unit_id: bar for bar in bars}
    facts, plans, groups = await _facts(session, [row.unit_id for row in units], today)
    progress = [(row_key(row), bar_of[row.unit_id]) for row in rows if row.unit_id in bar_of]
    return Overview(rows, {f"u{k}": v for k, v in facts.items()}, plans, groups, progress)


async def _office_overview(
    session: AsyncSession,
    scope: OfficeScope,
    every: list[UnitCounts],
    bars: list[UnitProgress],
    today: date,
    opened: int | None,
) -> Overview:
    units = scoped(every, scope)
    rows = office_rows(every, scope, opened)
    facts, plans, groups = await _facts(session, [row.unit_id for row in units], today)
    bar_of = {bar.unit_id: bar for bar in bars}
    row_facts: dict[str, UnitFacts] = {}
    progress: list[tuple[str, UnitProgress]] = []
    for row in rows:
        under = units_under(row, units, scope)
        key = row_key(row)
        row_facts[key] = facts[row.unit_id] if not row.place else _summed_facts(facts, under)
        if not row.place and row.unit_id in bar_of:
            progress.append((key, bar_of[row.unit_id]))
        elif row.place:
            progress.append((key, summed_bar(row, [bar_of[i] for i in under if i in bar_of])))
    return Overview(rows, row_facts, plans, groups, progress, opened_place(scope, opened))


def _summed_facts(facts: dict[int, UnitFacts], unit_ids: list[int]) -> UnitFacts:
    """A jurisdiction's row: every group and plan of its units, its earliest next deadline."""
    mine = [facts[unit_id] for unit_id in unit_ids if unit_id in facts]
    upcoming = sorted(
        ((fact.next_due, fact.next_duty) for fact in mine if fact.next_due is not None),
        key=lambda pair: pair[0],
    )
    return UnitFacts(
        kind=PLACE_KIND,
        groups=tuple(sorted({group for fact in mine for group in fact.groups})),
        plans=tuple(sorted({plan for fact in mine for plan in fact.plans})),
        next_due=upcoming[0][0] if upcoming else None,
        next_duty=upcoming[0][1] if upcoming else None,
    )


async def unit_duties(
    session: AsyncSession,
    viewer: Viewer,
    unit_id: int,
    today: date,
    calendar: WorkingDays,
    page: int = 0,
) -> tuple[UnitCounts | None, TaskPage] | None:
    """A unit's counts and its assignments (/mytasks' "all" list, next due first), or None
    when the viewer may not see the unit."""
    place = await session.scalar(select(Unit.jurisdiction_id).where(Unit.id == unit_id))
    if not viewer.may_see(unit_id, place):
        return None
    counts = await unit_counts(session, today, calendar, [unit_id])
    listing = await task_page(
        session, [unit_id], TaskFilter.ALL, today, page=page, page_size=UNIT_PAGE_SIZE
    )
    return (counts[0] if counts else None), listing


async def duty_detail(session: AsyncSession, viewer: Viewer, assignment_id: int) -> DutyCard | None:
    """The duty card (every report with who and when), or None when the viewer may not see
    the assignment's unit (or there is none)."""
    found = (
        await session.execute(
            select(Assignment.unit_id, Unit.jurisdiction_id)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.id == assignment_id)
        )
    ).first()
    if found is None or not viewer.may_see(found[0], found[1]):
        return None
    return await duty_card(session, assignment_id)


async def unit_name(session: AsyncSession, unit_id: int) -> str | None:
    return await session.scalar(select(Unit.name).where(Unit.id == unit_id))


@dataclass(frozen=True)
class ReportSummary:
    """The latest word on an assignment, and how much evidence it has."""

    who: str
    at: datetime
    status: AssignmentStatus | None
    note: str | None
    reports: int
    evidence: int


async def report_summaries(
    session: AsyncSession, assignment_ids: list[int]
) -> dict[int, ReportSummary]:
    """Per assignment: its latest live report (not undone) and the counts of reports and
    evidence, for the board's list of a unit's duties."""
    found: dict[int, ReportSummary] = {}
    if not assignment_ids:
        return found
    rows = await session.execute(
        select(StatusReport, Member.name)
        .outerjoin(Member, Member.id == StatusReport.member_id)
        .where(
            StatusReport.assignment_id.in_(assignment_ids),
            StatusReport.undone_at.is_(None),
            StatusReport.undoes_report_id.is_(None),
        )
        .order_by(StatusReport.created_at, StatusReport.id)
    )
    for report, who in rows:
        before = found.get(report.assignment_id)
        evidence = int(report.evidence_kind is not None)
        found[report.assignment_id] = ReportSummary(
            who=who or "—",
            at=report.created_at,
            status=report.status,
            note=report.note,
            reports=(before.reports if before else 0) + 1,
            evidence=(before.evidence if before else 0) + evidence,
        )
    return found
