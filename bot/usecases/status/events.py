"""Events that start a deadline: "自发布之日起15日内向…备案", "作出之日起20个工作日内".

Such duties have no date until something happens, so they have no assignment to remind of.
A liaison sees them in a list of their unit's event duties and reports that the event
happened (a document published on D); each event-relative rule of the duty then gets an
occurrence due N (working) days later, assigned to the reporting unit, with its reminders
planned at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, _
from bot.services import Services
from bot.usecases.planning.plan import plan_outbox
from bot.usecases.status.changes import Refusal, StatusRefused, load_assignment
from scheduling.dates.model import Rule
from scheduling.dates.occurrences import occurrence_for_event
from storage.models import (
    Assignment,
    Binding,
    Duty,
    DutyUnit,
    Member,
    Occurrence,
    Plan,
    Role,
    RuleKind,
    ScheduleRule,
    StatusReport,
    Unit,
    UnitGroupMember,
    UnitRole,
)


@dataclass(frozen=True)
class EventDuty:
    duty_id: int
    unit_id: int
    unit_name: str
    text: str
    phrase: str
    plan_title: str
    number: str


@dataclass(frozen=True)
class EventOutcome:
    event_date: date
    deadlines: list[tuple[str, date]]

    def render(self, t: Translator) -> str:
        if not self.deadlines:
            return t.gettext(_("This duty has no deadline that counts from an event."))
        lines = [t.gettext(_("Event recorded on {date}."), date=t.date(self.event_date))]
        for phrase, due in self.deadlines:
            lines.append(
                t.gettext(
                    _("“{phrase}” → due {date}"), phrase=phrase, date=t.date_with_weekday(due)
                )
            )
        return "\n".join(lines)


def _links_of_unit(unit_id: int):  # noqa: ANN202 - a SQL condition
    in_groups = select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id == unit_id)
    return or_(DutyUnit.unit_id == unit_id, DutyUnit.group_id.in_(in_groups))


async def event_duties(session: AsyncSession, unit_ids: list[int]) -> list[EventDuty]:
    """The active duties of these units that count from an event, with their phrase."""
    found: dict[tuple[int, int], EventDuty] = {}
    for unit_id in unit_ids:
        rows = await session.execute(
            select(Duty.id, Duty.text, Duty.number, Plan.title, ScheduleRule.phrase, Unit.name)
            .join(Plan, Plan.id == Duty.plan_id)
            .join(ScheduleRule, ScheduleRule.duty_id == Duty.id)
            .join(DutyUnit, DutyUnit.duty_id == Duty.id)
            .join(Unit, Unit.id == unit_id)
            .where(
                Duty.active.is_(True),
                ScheduleRule.kind == RuleKind.EVENT_RELATIVE,
                ScheduleRule.enabled.is_(True),
                _links_of_unit(unit_id),
            )
            .order_by(Plan.id, Duty.position)
        )
        for duty_id, text, number, title, phrase, unit_name in rows:
            found.setdefault(
                (duty_id, unit_id),
                EventDuty(duty_id, unit_id, unit_name, text, phrase, title, number),
            )
    return list(found.values())


async def _may_report(session: AsyncSession, member: Member, duty_id: int, unit_id: int) -> bool:
    bound = await session.scalar(
        select(Binding.id).where(
            Binding.member_id == member.id,
            Binding.active.is_(True),
            (Binding.role == Role.LIAISON) & (Binding.unit_id == unit_id)
            | Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
        )
    )
    if bound is None:
        return False
    linked = await session.scalar(
        select(DutyUnit.id).where(DutyUnit.duty_id == duty_id, _links_of_unit(unit_id))
    )
    return linked is not None


async def report_event(
    session: AsyncSession,
    services: Services,
    member: Member,
    duty_id: int,
    unit_id: int,
    event_date: date,
) -> EventOutcome:
    """Record the event and create the deadlines it triggers for this unit."""
    if await session.get(Duty, duty_id) is None:
        raise StatusRefused(Refusal.NOT_FOUND)
    if not await _may_report(session, member, duty_id, unit_id):
        raise StatusRefused(Refusal.NOT_ALLOWED)
    now = services.clock.now()
    role = await session.scalar(
        select(DutyUnit.role)
        .where(DutyUnit.duty_id == duty_id, _links_of_unit(unit_id))
        .order_by(DutyUnit.role)
    )
    rules = list(
        await session.scalars(
            select(ScheduleRule).where(
                ScheduleRule.duty_id == duty_id,
                ScheduleRule.kind == RuleKind.EVENT_RELATIVE,
                ScheduleRule.enabled.is_(True),
            )
        )
    )
    deadlines: list[tuple[str, date]] = []
    new_assignments: list[int] = []
    for stored in rules:
        occurrence = await _event_occurrence(session, stored, event_date, services, now)
        assignment = await _event_assignment(
            session, occurrence, unit_id, role or UnitRole.RESPONSIBLE, member, event_date, now
        )
        new_assignments.append(assignment.id)
        deadlines.append((stored.phrase, occurrence.due_date))
    await session.flush()
    if new_assignments:
        await plan_outbox(
            session, now, services.settings, services.calendar, assignment_ids=new_assignments
        )
    return EventOutcome(event_date=event_date, deadlines=deadlines)


async def _event_occurrence(
    session: AsyncSession, stored: ScheduleRule, event_date: date, services: Services, now: datetime
) -> Occurrence:
    """The rule's occurrence for this event, created the first time it is reported."""
    spec = occurrence_for_event(
        Rule(stored.kind.value, stored.phrase, dict(stored.params or {})),
        event_date,
        services.calendar,
    )
    occurrence = await session.scalar(
        select(Occurrence).where(
            Occurrence.rule_id == stored.id, Occurrence.period_key == spec.period_key
        )
    )
    if occurrence is None:
        occurrence = Occurrence(
            duty_id=stored.duty_id,
            rule_id=stored.id,
            period_key=spec.period_key,
            period_start=spec.period_start,
            period_end=spec.period_end,
            window_start=spec.window_start,
            due_date=spec.due_date,
            created_at=now,
        )
        session.add(occurrence)
        await session.flush()
    return occurrence


async def _event_assignment(
    session: AsyncSession,
    occurrence: Occurrence,
    unit_id: int,
    role: UnitRole,
    member: Member,
    event_date: date,
    now: datetime,
) -> Assignment:
    """The unit's assignment of that occurrence; a new one records who reported the event."""
    assignment = await session.scalar(
        select(Assignment).where(
            Assignment.occurrence_id == occurrence.id, Assignment.unit_id == unit_id
        )
    )
    if assignment is None:
        assignment = Assignment(
            occurrence_id=occurrence.id,
            unit_id=unit_id,
            role=role,
            due_date=occurrence.due_date,
            created_at=now,
        )
        session.add(assignment)
        await session.flush()
        session.add(
            StatusReport(
                assignment_id=assignment.id,
                member_id=member.id,
                created_at=now,
                previous_status=assignment.status,
                event_date=event_date,
            )
        )
        occurrence.trigger_report_id = None
    return assignment


async def report_event_from_assignment(
    session: AsyncSession, services: Services, member: Member, assignment_id: int, event_date: date
) -> EventOutcome:
    """The duty card's "report the event" button: the card's duty, for the card's unit."""
    assignment = await load_assignment(session, assignment_id)
    if assignment is None:
        raise StatusRefused(Refusal.NOT_FOUND)
    return await report_event(
        session, services, member, assignment.occurrence.duty_id, assignment.unit_id, event_date
    )
