"""Events that start a deadline: "自发布之日起15日内向…备案", "作出之日起20个工作日内".

A liaison reports that the event happened (a document published on D); each event-relative
rule of the duty then gets an occurrence due N (working) days later, assigned to the
reporting unit, with its reminders planned at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, _
from bot.services import Services
from bot.usecases.planning import plan_outbox
from bot.usecases.status import Refusal, StatusRefused, load_assignment, may_act
from scheduling.model import Rule
from scheduling.occurrences import occurrence_for_event
from storage.models import (
    Assignment,
    Member,
    Occurrence,
    RuleKind,
    ScheduleRule,
    StatusReport,
)


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


async def report_event(
    session: AsyncSession, services: Services, member: Member, assignment_id: int, event_date: date
) -> EventOutcome:
    assignment = await load_assignment(session, assignment_id)
    if assignment is None:
        raise StatusRefused(Refusal.NOT_FOUND)
    if not await may_act(session, member, assignment):
        raise StatusRefused(Refusal.NOT_ALLOWED)
    now = services.clock.now()
    duty = assignment.occurrence.duty
    rules = await session.scalars(
        select(ScheduleRule).where(
            ScheduleRule.duty_id == duty.id,
            ScheduleRule.kind == RuleKind.EVENT_RELATIVE,
            ScheduleRule.enabled.is_(True),
        )
    )
    report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=now,
        previous_status=assignment.status,
        event_date=event_date,
    )
    session.add(report)
    await session.flush()
    deadlines: list[tuple[str, date]] = []
    new_assignments: list[int] = []
    for stored in rules:
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
                duty_id=duty.id,
                rule_id=stored.id,
                period_key=spec.period_key,
                period_start=spec.period_start,
                period_end=spec.period_end,
                window_start=spec.window_start,
                due_date=spec.due_date,
                trigger_report_id=report.id,
                created_at=now,
            )
            session.add(occurrence)
            await session.flush()
        existing = await session.scalar(
            select(Assignment).where(
                Assignment.occurrence_id == occurrence.id,
                Assignment.unit_id == assignment.unit_id,
            )
        )
        if existing is None:
            existing = Assignment(
                occurrence_id=occurrence.id,
                unit_id=assignment.unit_id,
                role=assignment.role,
                due_date=occurrence.due_date,
                created_at=now,
            )
            session.add(existing)
            await session.flush()
        new_assignments.append(existing.id)
        deadlines.append((stored.phrase, occurrence.due_date))
    if new_assignments:
        await plan_outbox(
            session, now, services.settings, services.calendar, assignment_ids=new_assignments
        )
    return EventOutcome(event_date=event_date, deadlines=deadlines)
