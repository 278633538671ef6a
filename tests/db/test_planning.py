"""Planning on the database: statutory duties, occurrences, assignments, outbox rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.planning.daily import run_daily
from bot.usecases.planning.statutory import save_override
from bot.usecases.status.changes import change_status, undo
from scheduling.dates.statutory import StatutoryOverride
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    Member,
    Occurrence,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    Unit,
    UnitGroup,
    UnitGroupMember,
    UnitKind,
)
from tests.factories import add_member


async def _units_in_groups(services: Services, now: datetime) -> dict[str, Unit]:
    async with services.sessions() as session, session.begin():
        units = {
            name: Unit(name=name, kind=UnitKind.DEPARTMENT, created_at=now)
            for name in ("区司法局", "区市场监督管理局", "区教育局")
        }
        session.add_all(units.values())
        groups = {
            name: UnitGroup(name=name, created_at=now)
            for name in ("全体单位", "区直各部门", "各行政执法部门")
        }
        session.add_all(groups.values())
        await session.flush()
        for group_name, members in {
            "全体单位": list(units),
            "区直各部门": list(units),
            "各行政执法部门": ["区司法局", "区市场监督管理局"],
        }.items():
            for member in members:
                session.add(
                    UnitGroupMember(group_id=groups[group_name].id, unit_id=units[member].id)
                )
        await add_member(session, now, 10_001, units["区司法局"])
    return units


async def _count(services: Services, model: type, *where: object) -> int:
    async with services.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def test_statutory_duties_become_assignments_and_reminders(
    services: Services, clock: SettableClock
) -> None:
    await _units_in_groups(services, clock.now())
    report = await run_daily(services)
    assert report is not None
    assert await run_daily(services) is None, "once per local day"
    async with services.sessions() as session:
        keys = set(await session.scalars(select(Duty.statutory_key)))
        assert {"enforcement_statistics", "constitution_week", "rule_of_law_annual_report"} <= keys
        rows = await session.execute(
            select(Duty.statutory_key, Occurrence.due_date, Unit.name)
            .join(Occurrence, Occurrence.duty_id == Duty.id)
            .join(Assignment, Assignment.occurrence_id == Occurrence.id)
            .join(Unit, Unit.id == Assignment.unit_id)
        )
        found = {(key, due, unit) for key, due, unit in rows}
    assert ("enforcement_statistics", date(2027, 1, 31), "区司法局") in found
    assert ("enforcement_statistics", date(2027, 1, 31), "区教育局") not in found
    assert ("rule_of_law_annual_report", date(2027, 3, 31), "区教育局") in found
    constitution = {due for key, due, _unit in found if key == "constitution_week"}
    assert constitution == {date(2026, 12, 8), date(2027, 12, 8)}, "first working day after Dec 1–7"

    reminders = await _count(services, Reminder)
    assert reminders > 0
    async with services.sessions() as session:
        times = list(await session.scalars(select(Reminder.planned_at)))
        chats = set(await session.scalars(select(Reminder.chat_id)))
    assert chats == {10_001}, "only the unit with a liaison is reminded"
    zone = services.settings.zone
    for moment in times:
        local = moment.astimezone(zone)
        assert local.time().hour == 9 and local.time().minute == 0
        assert services.calendar.is_workday(local.date())
        assert moment >= clock.now()
        assert moment <= clock.now() + timedelta(days=45)

    before = (
        await _count(services, Occurrence),
        await _count(services, Assignment),
        reminders,
    )
    await run_daily(services, force=True)
    after = (
        await _count(services, Occurrence),
        await _count(services, Assignment),
        await _count(services, Reminder),
    )
    assert before == after, "planning twice writes nothing new"


async def test_done_cancels_future_reminders_and_undo_restores(
    services: Services, clock: SettableClock
) -> None:
    await _units_in_groups(services, clock.now())
    await run_daily(services)
    async with services.sessions() as session, session.begin():
        member = await session.scalar(select(Member).where(Member.telegram_user_id == 10_001))
        assignment_id = await session.scalar(
            select(Reminder.assignment_id).where(Reminder.state == ReminderState.PLANNED).limit(1)
        )
        assert member is not None and assignment_id is not None
        result = await change_status(session, clock, member, assignment_id, AssignmentStatus.DONE)
    planned = await _count(
        services,
        Reminder,
        Reminder.assignment_id == assignment_id,
        Reminder.state == ReminderState.PLANNED,
    )
    assert planned == 0
    async with services.sessions() as session, session.begin():
        member = await session.scalar(select(Member).where(Member.telegram_user_id == 10_001))
        assert member is not None
        await undo(session, clock, member, result.report_id)
    restored = await _count(
        services,
        Reminder,
        Reminder.assignment_id == assignment_id,
        Reminder.state == ReminderState.PLANNED,
    )
    assert restored > 0


async def test_redated_statutory_entry_moves_future_occurrences(
    services: Services, clock: SettableClock
) -> None:
    await _units_in_groups(services, clock.now())
    await run_daily(services)
    async with services.sessions() as session, session.begin():
        await save_override(
            session,
            StatutoryOverride(key="enforcement_statistics", params={"month": 2, "day": 28}),
            clock.now(),
        )
    await run_daily(services, force=True)
    async with services.sessions() as session:
        dues = set(
            await session.scalars(
                select(Occurrence.due_date)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .where(Duty.statutory_key == "enforcement_statistics")
            )
        )
    assert dues == {date(2027, 2, 28)}


async def test_switched_off_entry_cancels_open_assignments(
    services: Services, clock: SettableClock
) -> None:
    await _units_in_groups(services, clock.now())
    await run_daily(services)
    async with services.sessions() as session, session.begin():
        await save_override(
            session, StatutoryOverride(key="constitution_week", enabled=False), clock.now()
        )
    await run_daily(services, force=True)
    async with services.sessions() as session:
        statuses = set(
            await session.scalars(
                select(Assignment.status)
                .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .where(Duty.statutory_key == "constitution_week")
            )
        )
        kinds = set(
            await session.scalars(
                select(Reminder.kind)
                .join(Assignment, Assignment.id == Reminder.assignment_id)
                .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .where(
                    Duty.statutory_key == "constitution_week",
                    Reminder.state == ReminderState.PLANNED,
                )
            )
        )
    assert statuses == {AssignmentStatus.CANCELLED}
    assert kinds == set()


async def test_daily_planning_queues_the_coordinators_digest(
    services: Services, clock: SettableClock
) -> None:
    await _units_in_groups(services, clock.now())
    async with services.sessions() as session, session.begin():
        await add_member(session, clock.now(), 20_001, None, role=Role.COORDINATOR)
    report = await run_daily(services)
    assert report is not None and report.digests >= 1
    async with services.sessions() as session:
        digests = list(
            await session.scalars(select(Reminder).where(Reminder.kind == ReminderKind.DIGEST))
        )
    assert digests and {row.chat_id for row in digests} == {20_001}
    local = digests[0].planned_at.astimezone(services.settings.zone)
    assert local.weekday() == 0 or services.calendar.is_workday(local.date())
