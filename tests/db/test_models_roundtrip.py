"""Every model stores and reads back what it was given, with aware UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.services import Services
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    ConfigEntry,
    DeliveryAttempt,
    DigestSent,
    Duty,
    DutyUnit,
    HolidayDay,
    Invite,
    Member,
    Occurrence,
    PendingInput,
    Plan,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    RuleKind,
    ScheduleRule,
    StatusReport,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupAlias,
    UnitKind,
    UnitRole,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


async def _populate(services: Services) -> dict[str, int]:
    async with services.sessions() as session, session.begin():
        justice = Unit(name="区司法局", kind=UnitKind.DEPARTMENT, created_at=NOW)
        market = Unit(name="区市场监督管理局", kind=UnitKind.DEPARTMENT, created_at=NOW)
        market.aliases.append(UnitAlias(alias="区市场监管局"))
        group = UnitGroup(name="区直各部门", created_at=NOW, members=[justice, market])
        group.aliases.append(UnitGroupAlias(alias="区直有关部门"))
        plan = Plan(
            plan_key="seed-002#1",
            title="2020年法治政府建设任务台账",
            issuer="红桥区",
            year_from=2020,
            year_to=2020,
            source_name="002.txt",
            source_hash="a" * 64,
            imported_at=NOW,
            updated_at=NOW,
        )
        duty = Duty(
            number="49",
            position=49,
            section_path=["一级", "二级"],
            text="行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况",
            review=[],
            created_at=NOW,
            updated_at=NOW,
        )
        duty.units.append(DutyUnit(role=UnitRole.LEAD, unit=justice, raw_name="区司法局"))
        duty.units.append(DutyUnit(role=UnitRole.RESPONSIBLE, group=group, raw_name="区直各部门"))
        rule = ScheduleRule(
            kind=RuleKind.YEARLY_DATE,
            phrase="每年1月31日前",
            params={"month": 1, "day": 31, "covers": "previous_year"},
            created_at=NOW,
        )
        duty.rules.append(rule)
        plan.duties.append(duty)
        session.add_all([plan, group])
        await session.flush()
        occurrence = Occurrence(
            duty_id=duty.id,
            rule_id=rule.id,
            period_key="2027",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            window_start=date(2027, 1, 1),
            due_date=date(2027, 1, 31),
            created_at=NOW,
        )
        session.add(occurrence)
        await session.flush()
        assignment = Assignment(
            occurrence_id=occurrence.id,
            unit_id=justice.id,
            role=UnitRole.LEAD,
            due_date=occurrence.due_date,
            created_at=NOW,
        )
        member = Member(
            telegram_user_id=10_001, chat_id=10_001, name="李联络", language="zh_CN", created_at=NOW
        )
        session.add_all([assignment, member])
        await session.flush()
        session.add(
            Binding(
                member_id=member.id,
                unit_id=justice.id,
                role=Role.LIAISON,
                chat_id=10_001,
                created_at=NOW,
            )
        )
        report = StatusReport(
            assignment_id=assignment.id,
            member_id=member.id,
            created_at=NOW,
            status=AssignmentStatus.DONE,
            previous_status=AssignmentStatus.OPEN,
            note="已在政务网站公开",
            evidence_kind="link",
            evidence_url="https://example.gov.cn/notice",
        )
        reminder = Reminder(
            dedupe_key=f"a{assignment.id}:lead:2027-01-28T01:00",
            kind=ReminderKind.LEAD,
            assignment_id=assignment.id,
            member_id=member.id,
            chat_id=10_001,
            planned_at=datetime(2027, 1, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            send_after=datetime(2027, 1, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            payload={"lead_days": 3},
            created_at=NOW,
        )
        session.add_all([report, reminder])
        await session.flush()
        session.add_all(
            [
                DeliveryAttempt(
                    reminder_id=reminder.id, at=NOW, outcome="retry_after", retry_after=3.0
                ),
                Invite(
                    token_hash="b" * 64,
                    unit_id=justice.id,
                    role=Role.LIAISON,
                    created_at=NOW,
                    expires_at=NOW + timedelta(days=7),
                ),
                DigestSent(member_id=member.id, week_start=date(2026, 11, 23), sent_at=NOW),
                HolidayDay(day=date(2027, 2, 6), is_workday=False, name="春节"),
                ConfigEntry(
                    key="constitution_week:2026", value={"start": "2026-12-01"}, updated_at=NOW
                ),
                PendingInput(
                    member_id=member.id,
                    chat_id=10_001,
                    kind="blocked_reason",
                    payload={"assignment": assignment.id},
                    created_at=NOW,
                    expires_at=NOW + timedelta(hours=1),
                ),
            ]
        )
    return {"assignment": assignment.id, "member": member.id, "reminder": reminder.id}


async def test_every_model_round_trips(services: Services) -> None:
    ids = await _populate(services)
    async with services.sessions() as session:
        assignment = await session.scalar(
            select(Assignment)
            .where(Assignment.id == ids["assignment"])
            .options(
                selectinload(Assignment.reports),
                selectinload(Assignment.unit).selectinload(Unit.aliases),
                selectinload(Assignment.occurrence)
                .selectinload(Occurrence.duty)
                .selectinload(Duty.units),
            )
        )
        assert assignment is not None
        assert assignment.status is AssignmentStatus.OPEN
        assert assignment.due_date == date(2027, 1, 31)
        assert assignment.unit.name == "区司法局"
        duty = assignment.occurrence.duty
        assert duty.section_path == ["一级", "二级"]
        assert {(u.role, u.raw_name) for u in duty.units} == {
            (UnitRole.LEAD, "区司法局"),
            (UnitRole.RESPONSIBLE, "区直各部门"),
        }
        [report] = assignment.reports
        assert report.note == "已在政务网站公开"
        assert report.created_at == NOW and report.created_at.tzinfo is not None

        reminder = await session.get(Reminder, ids["reminder"])
        assert reminder is not None
        assert reminder.planned_at == datetime(2027, 1, 28, 1, 0, tzinfo=UTC)
        assert reminder.planned_at.utcoffset() == timedelta(0)
        assert reminder.state is ReminderState.PLANNED
        assert reminder.payload == {"lead_days": 3}

        group = await session.scalar(
            select(UnitGroup).options(
                selectinload(UnitGroup.members), selectinload(UnitGroup.aliases)
            )
        )
        assert group is not None
        assert sorted(u.name for u in group.members) == ["区司法局", "区市场监督管理局"]
        assert [a.alias for a in group.aliases] == ["区直有关部门"]
        member = await session.scalar(
            select(Member).options(selectinload(Member.bindings)).where(Member.id == ids["member"])
        )
        assert member is not None and member.bindings[0].role is Role.LIAISON
        attempt = await session.scalar(select(DeliveryAttempt))
        assert attempt is not None and attempt.retry_after == 3.0
        invite = await session.scalar(select(Invite))
        assert invite is not None and invite.expires_at - invite.created_at == timedelta(days=7)
        holiday = await session.get(HolidayDay, date(2027, 2, 6))
        assert holiday is not None and holiday.is_workday is False
        entry = await session.get(ConfigEntry, "constitution_week:2026")
        assert entry is not None and entry.value == {"start": "2026-12-01"}
        assert (await session.scalar(select(DigestSent))) is not None
        assert (await session.scalar(select(PendingInput))).payload == {
            "assignment": ids["assignment"]
        }


async def test_reminder_dedupe_key_is_unique(services: Services) -> None:
    ids = await _populate(services)
    with pytest.raises(IntegrityError):
        async with services.sessions() as session, session.begin():
            session.add(
                Reminder(
                    dedupe_key=f"a{ids['assignment']}:lead:2027-01-28T01:00",
                    kind=ReminderKind.LEAD,
                    assignment_id=ids["assignment"],
                    planned_at=NOW,
                    send_after=NOW,
                    created_at=NOW,
                )
            )


async def test_naive_datetimes_are_refused(services: Services) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with services.sessions() as session, session.begin():
            session.add(Unit(name="x", created_at=datetime(2026, 1, 1)))
            await session.flush()
