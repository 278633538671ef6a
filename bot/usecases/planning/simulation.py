"""`dutybot simulate`: every reminder, escalation and digest the current data would produce.

Runs the real planning code (statutory sync, occurrences, assignments, reminder policy) for the
chosen dates inside a transaction that is rolled back, so nothing is written. Liaisons are
assumed silent, so overdue repeats and escalations show as they would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import Services
from bot.usecases.digest.schedule import digest_day, superseded, week_start_of
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.planning.plan import materialize, policy_from_settings
from bot.usecases.planning.statutory import sync_statutory
from scheduling.dates.occurrences import OccurrenceSpec
from scheduling.dates.reminder_plan import plan_reminders
from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    Binding,
    Member,
    Occurrence,
    Plan,
    Role,
    Unit,
)


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str
    unit: str
    duty: str
    number: str
    plan: str
    rule: str
    due: date
    recipients: tuple[str, ...]
    approximate: bool
    rule_kind: str = ""  # the schedule rule's kind (not in the JSON, whose shape is fixed)

    def to_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "unit": self.unit,
            "duty": self.duty,
            "number": self.number,
            "plan": self.plan,
            "rule": self.rule,
            "due": self.due.isoformat(),
            "recipients": list(self.recipients),
            "approximate": self.approximate,
        }


@dataclass
class Timeline:
    start: date
    end: date
    events: list[TimelineEvent] = field(default_factory=list)
    fallback_years: list[int] = field(default_factory=list)


async def simulate(
    services: Services,
    start: date,
    end: date,
    unit_name: str | None = None,
    jurisdiction_id: int | None = None,
) -> Timeline:
    """Every reminder, escalation and digest from start to end, computed in a transaction
    that is rolled back: the database is left as it was. With `jurisdiction_id`: that
    jurisdiction's (and those below it) units, and the coordinators whose offices reach it."""
    settings = services.settings
    calendar = services.calendar
    now = datetime.combine(start, time(0, 0), tzinfo=settings.zone)
    timeline = Timeline(start=start, end=end)
    async with services.sessions() as session:
        transaction = await session.begin()
        try:
            await sync_statutory(session, now, settings.statutory_profile)
            await materialize(
                session,
                now,
                start,
                calendar,
                horizon_days=(end - start).days + 1,
                checkin_every=settings.checkin_every,
            )
            tree = await load_tree(session) if jurisdiction_id is not None else None
            assignments = await _assignments(session, start, end, unit_name)
            if tree is not None and jurisdiction_id is not None:
                below = tree.below(jurisdiction_id)
                assignments = [a for a in assignments if a.unit.jurisdiction_id in below]
            liaisons = await _liaison_names(session)
            coordinators = await _coordinator_names(
                session, tree.above(jurisdiction_id) if tree and jurisdiction_id else None
            )
            plan_titles = await _plan_titles(session)
            for assignment in assignments:
                recipients = liaisons.get(assignment.unit_id, ())
                timeline.events.extend(
                    _reminder_events(
                        assignment, services, start, end, recipients, coordinators, plan_titles
                    )
                )
            timeline.events.extend(_digests(services, start, end, coordinators))
        finally:
            await transaction.rollback()
    timeline.events.sort(key=lambda e: (e.at, e.kind, e.unit, e.number))
    timeline.fallback_years = calendar.fallback_years_in(range(start.year, end.year + 1))
    return timeline


async def _assignments(
    session: AsyncSession, start: date, end: date, unit_name: str | None
) -> list[Assignment]:
    """The open assignments due around the period (of one unit, if named)."""
    query = (
        select(Assignment)
        .where(
            Assignment.status.not_in(list(CLOSED_STATUSES)),
            Assignment.due_date >= start - timedelta(days=60),
            Assignment.due_date <= end + timedelta(days=1),
        )
        .options(
            selectinload(Assignment.unit),
            selectinload(Assignment.occurrence).selectinload(Occurrence.rule),
            selectinload(Assignment.occurrence).selectinload(Occurrence.duty),
        )
    )
    if unit_name:
        query = query.join(Unit, Unit.id == Assignment.unit_id).where(Unit.name == unit_name)
    return list(await session.scalars(query))


def _reminder_events(
    assignment: Assignment,
    services: Services,
    start: date,
    end: date,
    liaisons: tuple[str, ...],
    coordinators: tuple[str, ...],
    plan_titles: dict[int, str],
) -> list[TimelineEvent]:
    """The reminders one assignment gets within the period, as the planner would write them."""
    occurrence = assignment.occurrence
    due = assignment.extended_due or assignment.due_date
    spec = OccurrenceSpec(
        rule_kind=occurrence.rule.kind.value,  # type: ignore[arg-type]
        period_key=occurrence.period_key,
        period_kind="stored",
        period_start=occurrence.period_start or due,
        period_end=occurrence.period_end or due,
        window_start=occurrence.window_start,
        due_date=due,
        target_count=occurrence.target_count,
    )
    policy = policy_from_settings(services.settings, assignment.unit.reminder_policy)
    return [
        TimelineEvent(
            at=planned.planned_at.astimezone(services.settings.zone),
            kind=planned.kind,
            unit=assignment.unit.name,
            duty=occurrence.duty.text,
            number=occurrence.duty.number,
            plan=plan_titles.get(occurrence.duty.plan_id, ""),
            rule=occurrence.rule.phrase,
            due=due,
            recipients=tuple(coordinators if planned.kind == "escalation" else liaisons),
            approximate=planned.approximate,
            rule_kind=occurrence.rule.kind.value,
        )
        for planned in plan_reminders(spec, policy, services.calendar)
        if start <= planned.local_date <= end
    ]


def _digests(
    services: Services, start: date, end: date, coordinators: tuple[str, ...]
) -> list[TimelineEvent]:
    """The weekly digest as the planner schedules it: on the configured day (or the next
    working day), one a day at most."""
    settings = services.settings
    calendar = services.calendar
    events = []
    week = week_start_of(start) - timedelta(days=7)
    while week <= end:
        send_day = digest_day(week, settings, calendar)
        if start <= send_day <= end and not superseded(week, settings, calendar):
            events.append(
                TimelineEvent(
                    at=datetime.combine(send_day, settings.digest_time, tzinfo=settings.zone),
                    kind="digest",
                    unit="—",
                    duty="",
                    number="",
                    plan="",
                    rule="",
                    due=send_day,
                    recipients=coordinators,
                    approximate=not calendar.is_official(send_day.year),
                )
            )
        week += timedelta(days=7)
    return events


async def _liaison_names(session: AsyncSession) -> dict[int, tuple[str, ...]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(Binding.unit_id, Member.name)
        .join(Member, Member.id == Binding.member_id)
        .where(Binding.active.is_(True), Binding.role == Role.LIAISON)
    )
    for unit_id, name in rows:
        names[unit_id].append(name)
    return {unit_id: tuple(values) for unit_id, values in names.items()}


async def _coordinator_names(
    session: AsyncSession, offices: set[int] | None = None
) -> tuple[str, ...]:
    """The coordinators (of the offices given: a district's and the city's over it)."""
    reaching = (
        [Binding.jurisdiction_id.is_(None) | Binding.jurisdiction_id.in_(offices)]
        if offices is not None
        else []
    )
    rows = await session.scalars(
        select(Member.name)
        .join(Binding, Binding.member_id == Member.id)
        .where(
            Binding.active.is_(True),
            Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
            *reaching,
        )
        .distinct()
    )
    return tuple(rows)


async def _plan_titles(session: AsyncSession) -> dict[int, str]:
    return {plan_id: title for plan_id, title in await session.execute(select(Plan.id, Plan.title))}
