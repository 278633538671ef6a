"""Small builders for test data: a unit with a duty, an assignment, liaisons, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Assignment,
    Binding,
    Duty,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderKind,
    Role,
    RuleKind,
    ScheduleRule,
    Unit,
    UnitKind,
    UnitRole,
)


@dataclass
class Built:
    unit: Unit
    plan: Plan
    duty: Duty
    occurrence: Occurrence
    assignment: Assignment


class WeekendCalendar:
    """Weekends off, nothing else: enough for tests that do not test holidays."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5

    def workdays_between(self, start: date, end: date) -> int:
        days = 0
        cursor = start
        while cursor < end:
            cursor += timedelta(days=1)
            if self.is_workday(cursor):
                days += 1
        return days

    def is_official(self, year: int) -> bool:
        return True


async def build_assignment(
    session: AsyncSession,
    now: datetime,
    unit_name: str = "区司法局",
    due: date = date(2027, 1, 31),
    text: str = "行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况",
    plan: Plan | None = None,
    number: str = "49",
) -> Built:
    unit = Unit(name=unit_name, kind=UnitKind.DEPARTMENT, created_at=now)
    if plan is None:
        plan = Plan(
            plan_key=f"plan-{unit_name}-{number}",
            title="2020年法治政府建设任务台账",
            issuer="红桥区",
            imported_at=now,
            updated_at=now,
        )
    duty = Duty(
        number=number,
        position=int(number) if number.isdigit() else 0,
        section_path=[],
        text=text,
        review=[],
        created_at=now,
        updated_at=now,
    )
    rule = ScheduleRule(
        kind=RuleKind.YEARLY_DATE, phrase="每年1月31日前", params={}, created_at=now
    )
    duty.rules.append(rule)
    plan.duties.append(duty)
    session.add_all([unit, plan])
    await session.flush()
    occurrence = Occurrence(
        duty_id=duty.id,
        rule_id=rule.id,
        period_key=str(due.year),
        due_date=due,
        created_at=now,
    )
    session.add(occurrence)
    await session.flush()
    assignment = Assignment(
        occurrence_id=occurrence.id,
        unit_id=unit.id,
        role=UnitRole.LEAD,
        due_date=due,
        created_at=now,
    )
    session.add(assignment)
    await session.flush()
    return Built(unit, plan, duty, occurrence, assignment)


async def add_member(
    session: AsyncSession,
    now: datetime,
    user_id: int,
    unit: Unit | None,
    role: Role = Role.LIAISON,
    language: str | None = None,
    chat_id: int | None = None,
) -> Member:
    member = Member(
        telegram_user_id=user_id,
        chat_id=user_id,
        name=f"user{user_id}",
        language=language,
        created_at=now,
    )
    session.add(member)
    await session.flush()
    session.add(
        Binding(
            member_id=member.id,
            unit_id=unit.id if unit else None,
            role=role,
            chat_id=chat_id or user_id,
            created_at=now,
        )
    )
    await session.flush()
    return member


def reminder(
    assignment: Assignment | None,
    member: Member,
    planned_at: datetime,
    kind: ReminderKind = ReminderKind.LEAD,
    chat_id: int | None = None,
    payload: dict[str, object] | None = None,
) -> Reminder:
    target = chat_id or member.chat_id
    key_owner = assignment.id if assignment else "n"
    return Reminder(
        dedupe_key=f"{key_owner}:{kind.value}:{planned_at.isoformat()}:{target}",
        kind=kind,
        assignment_id=assignment.id if assignment else None,
        member_id=member.id,
        chat_id=target,
        planned_at=planned_at,
        send_after=planned_at,
        payload=payload,
        created_at=planned_at,
    )
