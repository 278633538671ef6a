"""A fixture week for the digest, ledger and calendar tests: units, assignments in every
state, liaisons (one unreachable), a silent unit, a unit without a liaison, coordinators.

The clock of `tests.conftest.clock` is Monday 23 November 2026, 09:00 in Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    DutyUnit,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    RuleKind,
    ScheduleRule,
    StatusReport,
    Unit,
    UnitKind,
    UnitRole,
)
from tests.factories import add_member


@dataclass
class Fixture:
    plan: Plan
    units: dict[str, Unit] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)


async def new_plan(session: AsyncSession, now: datetime, key: str = "fixture") -> Plan:
    plan = Plan(
        plan_key=key,
        title="红桥区2026年法治政府建设年度计划任务台账",
        issuer="红桥区",
        year_from=2026,
        year_to=2026,
        imported_at=now,
        updated_at=now,
    )
    session.add(plan)
    await session.flush()
    return plan


async def new_unit(session: AsyncSession, now: datetime, name: str) -> Unit:
    unit = Unit(name=name, kind=UnitKind.DEPARTMENT, created_at=now)
    session.add(unit)
    await session.flush()
    return unit


async def new_assignment(
    session: AsyncSession,
    now: datetime,
    plan: Plan,
    unit: Unit,
    due: date,
    text: str,
    status: AssignmentStatus = AssignmentStatus.OPEN,
    extended: date | None = None,
    changed_at: datetime | None = None,
    window_start: date | None = None,
) -> Assignment:
    """One duty of the plan with one occurrence, assigned to `unit` as its lead."""
    position = (await session.scalar(select(func.count()).where(Duty.plan_id == plan.id)) or 0) + 1
    duty = Duty(
        plan_id=plan.id,
        number=str(position),
        position=position,
        section_path=[],
        text=text,
        review=[],
        created_at=now,
        updated_at=now,
    )
    rule = ScheduleRule(kind=RuleKind.ONE_OFF, phrase=due.isoformat(), params={}, created_at=now)
    duty.rules.append(rule)
    duty.units.append(DutyUnit(role=UnitRole.LEAD, unit_id=unit.id, raw_name=unit.name))
    session.add(duty)
    await session.flush()
    occurrence = Occurrence(
        duty_id=duty.id,
        rule_id=rule.id,
        period_key=due.isoformat(),
        due_date=due,
        window_start=window_start,
        created_at=now,
    )
    session.add(occurrence)
    await session.flush()
    assignment = Assignment(
        occurrence_id=occurrence.id,
        unit_id=unit.id,
        role=UnitRole.LEAD,
        due_date=due,
        extended_due=extended,
        status=status,
        status_changed_at=changed_at,
        created_at=now,
    )
    session.add(assignment)
    await session.flush()
    return assignment


def sent_reminder(
    assignment: Assignment, member: Member, sent_at: datetime, kind: ReminderKind
) -> Reminder:
    return Reminder(
        dedupe_key=f"fixture:{assignment.id}:{kind.value}:{sent_at.isoformat()}:{member.id}",
        kind=kind,
        assignment_id=assignment.id,
        member_id=member.id,
        chat_id=member.chat_id,
        planned_at=sent_at,
        send_after=sent_at,
        sent_at=sent_at,
        state=ReminderState.SENT,
        attempts=1,
        created_at=sent_at,
    )


def at(day: date, hour: int = 9) -> datetime:
    """09:00 in Shanghai on that day, as UTC."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


async def fixture_week(session: AsyncSession, now: datetime) -> Fixture:
    """The week of 23 November 2026; the expected numbers are spelled out in test_digest.py."""
    plan = await new_plan(session, now)
    fx = Fixture(plan)
    for key, name in (
        ("justice", "区司法局"),
        ("police", "区公安分局"),
        ("education", "区教育局"),
        ("civil", "区民政局"),
    ):
        fx.units[key] = await new_unit(session, now, name)
    justice, police = fx.units["justice"], fx.units["police"]
    education, civil = fx.units["education"], fx.units["civil"]
    done = AssignmentStatus.DONE
    add = new_assignment
    fx.assignments["a1"] = await add(
        session, now, plan, justice, date(2026, 10, 9), "公开行政执法统计年报"
    )
    fx.assignments["a2"] = await add(
        session, now, plan, justice, date(2026, 11, 20), "报告法治政府建设情况",
        AssignmentStatus.IN_PROGRESS,
    )  # fmt: skip
    fx.assignments["a3"] = await add(
        session, now, plan, justice, date(2026, 6, 30), "开展宪法宣传", done,
        changed_at=now - timedelta(days=2),
    )  # fmt: skip
    fx.assignments["w1"] = await add(
        session, now, plan, justice, date(2026, 5, 1), "免除的任务", AssignmentStatus.WAIVED
    )
    fx.assignments["b1"] = await add(session, now, plan, police, date(2026, 11, 25), "公示执法信息")
    fx.assignments["b2"] = await add(
        session, now, plan, police, date(2026, 3, 31), "一季度报告", done,
        changed_at=datetime(2026, 3, 30, 2, tzinfo=UTC),
    )  # fmt: skip
    fx.assignments["c1"] = await add(session, now, plan, education, date(2026, 12, 4), "宪法日活动")
    fx.assignments["c2"] = await add(session, now, plan, education, date(2027, 1, 31), "统计年报")
    fx.assignments["d1"] = await add(
        session, now, plan, civil, date(2026, 11, 16), "清理规范性文件",
        AssignmentStatus.MORE_TIME, extended=date(2026, 12, 1),
    )  # fmt: skip

    fx.members["li"] = await add_member(session, now, 10_001, justice)
    fx.members["wang"] = await add_member(session, now, 10_002, police)
    fx.members["wang"].reachable = False
    fx.members["wang"].unreachable_reason = "Forbidden: bot was blocked by the user"
    fx.members["wang"].unreachable_since = datetime(2026, 11, 10, 3, tzinfo=UTC)
    fx.members["zhao"] = await add_member(session, now, 10_004, civil)
    fx.members["coord_zh"] = await add_member(
        session, now, 20_001, None, role=Role.COORDINATOR, language="zh_CN"
    )
    fx.members["coord_en"] = await add_member(
        session, now, 20_002, None, role=Role.COORDINATOR, language="en"
    )

    a1, d1, li = fx.assignments["a1"], fx.assignments["d1"], fx.members["li"]
    for day in (date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 16)):
        session.add(sent_reminder(d1, fx.members["zhao"], at(day), ReminderKind.LEAD))
        session.add(sent_reminder(a1, li, at(day), ReminderKind.OVERDUE))
    session.add(
        StatusReport(
            assignment_id=a1.id,
            member_id=li.id,
            created_at=at(date(2026, 11, 13), 10),
            status=AssignmentStatus.IN_PROGRESS,
            previous_status=AssignmentStatus.OPEN,
            note="材料已起草",
        )
    )
    await session.flush()
    return fx
