"""A unit's .ics feed: parsed back with icalendar, its events match the unit's occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from bot.clock import SettableClock
from bot.render.ics import unit_calendar
from bot.services import Services
from bot.usecases.ledger.calendar_feed import AlarmPolicy, alarm_moments, alarm_policy, unit_feed
from bot.usecases.planning.plan import plan_everything
from scheduling.reading.rules import extract_rules
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    DutyUnit,
    Occurrence,
    RuleKind,
    ScheduleRule,
    StatusReport,
    UnitRole,
)
from tests.digest_fixtures import fixture_week, new_assignment, new_plan, new_unit

ZONE = ZoneInfo("Asia/Shanghai")
TEXT = "行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况"


async def _feed(services: Services, unit_id: int, name: str) -> Calendar:
    now = services.clock.now()
    async with services.sessions() as session:
        events = await unit_feed(
            session, unit_id, now, alarm_policy(services.settings), services.calendar
        )
    return Calendar.from_ical(unit_calendar(name, events, services.translator("zh_CN"), now))


async def test_feed_of_planned_yearly_and_windowed_duties(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        plan = await new_plan(session, now)
        unit = await new_unit(session, now, "区司法局")
        [yearly] = extract_rules(TEXT, plan_year=None, year_from=None, year_to=None)
        duty = Duty(
            plan_id=plan.id, number="49", position=49, section_path=[], text=TEXT, review=[],
            created_at=now, updated_at=now,
        )  # fmt: skip
        duty.rules.append(
            ScheduleRule(
                kind=RuleKind(yearly.kind), phrase=yearly.phrase, params=yearly.params,
                created_at=now,
            )
        )  # fmt: skip
        duty.units.append(DutyUnit(role=UnitRole.LEAD, unit_id=unit.id, raw_name=unit.name))
        session.add(duty)
        await session.flush()
        await plan_everything(session, now, services.settings, services.calendar)
        window = await new_assignment(
            session, now, plan, unit, date(2027, 3, 31), "第一季度报告法治政府建设情况",
            window_start=date(2027, 1, 1),
        )  # fmt: skip
        unit_id = unit.id
    async with services.sessions() as session:
        assignments = list(
            await session.scalars(
                select(Assignment).where(Assignment.unit_id == unit_id).order_by(Assignment.id)
            )
        )
        occurrences = {a.id: await session.get(Occurrence, a.occurrence_id) for a in assignments}
    assert [a.due_date for a in assignments] == [date(2027, 1, 31), date(2027, 3, 31)], (
        "31 January once in the planner's 400-day horizon, and the window"
    )

    feed = await _feed(services, unit_id, "区司法局")
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {f"assignment-{a.id}@dutybot" for a in assignments}
    for assignment in assignments:
        event = events[f"assignment-{assignment.id}@dutybot"]
        occurrence = occurrences[assignment.id]
        assert occurrence is not None
        start = occurrence.window_start or assignment.due_date
        assert event["DTSTART"].dt == start
        assert event["DTEND"].dt == assignment.due_date + timedelta(days=1)
        assert "区司法局" in str(event["SUMMARY"])
    windowed = events[f"assignment-{window.id}@dutybot"]
    assert (windowed["DTSTART"].dt, windowed["DTEND"].dt) == (date(2027, 1, 1), date(2027, 4, 1))
    alarms = [a["TRIGGER"].dt for a in windowed.walk("VALARM")]
    expected = alarm_moments(
        date(2027, 3, 31), alarm_policy(services.settings), services.calendar, clock.now()
    )
    assert alarms == list(expected) and len(alarms) == 5, "14, 7, 3, 1, 0 working days before"
    assert alarms[-1] == datetime(2027, 3, 31, 9, tzinfo=ZONE)
    assert str(feed["X-WR-TIMEZONE"]) == "Asia/Shanghai"


async def test_reexport_keeps_uids_and_raises_sequence(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        fx = await fixture_week(session, now)
        justice = fx.units["justice"].id
    before = await _feed(services, justice, "区司法局")
    async with services.sessions() as session, session.begin():
        a2 = await session.get(Assignment, fx.assignments["a2"].id)
        assert a2 is not None
        a2.status = AssignmentStatus.DONE
        a2.status_changed_at = now + timedelta(hours=1)
        session.add(
            StatusReport(
                assignment_id=a2.id,
                created_at=now + timedelta(hours=1),
                status=AssignmentStatus.DONE,
                previous_status=AssignmentStatus.IN_PROGRESS,
            )
        )
    clock.advance(timedelta(hours=2))
    after = await _feed(services, justice, "区司法局")
    uids_before = [str(e["UID"]) for e in before.walk("VEVENT")]
    uids_after = [str(e["UID"]) for e in after.walk("VEVENT")]
    assert uids_before == uids_after and len(uids_after) == 4
    changed = f"assignment-{fx.assignments['a2'].id}@dutybot"
    old = next(e for e in before.walk("VEVENT") if str(e["UID"]) == changed)
    new = next(e for e in after.walk("VEVENT") if str(e["UID"]) == changed)
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert "✅" in str(new["SUMMARY"]) and not new.walk("VALARM")
    waived = f"assignment-{fx.assignments['w1'].id}@dutybot"
    assert next(str(e["STATUS"]) for e in after.walk("VEVENT") if str(e["UID"]) == waived) == (
        "CANCELLED"
    )


async def test_a_units_own_lead_days_set_its_alarms(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        plan = await new_plan(session, now)
        unit = await new_unit(session, now, "区教育局")
        unit.reminder_policy = {"lead_days": [2]}
        await new_assignment(session, now, plan, unit, date(2026, 12, 4), "宪法日活动")
        unit_id = unit.id
    [event] = (await _feed(services, unit_id, "区教育局")).walk("VEVENT")
    assert [a["TRIGGER"].dt for a in event.walk("VALARM")] == [
        datetime(2026, 12, 2, 9, tzinfo=ZONE)
    ]


def test_past_alarms_are_left_out() -> None:
    class Weekdays:
        def add_workdays(self, day: date, count: int) -> date:
            while count < 0:
                day -= timedelta(days=1)
                if day.weekday() < 5:
                    count += 1
            return day

    policy = AlarmPolicy((3, 0), time(9), ZONE)
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert alarm_moments(date(2026, 12, 4), policy, Weekdays(), now) == (
        datetime(2026, 12, 4, 9, tzinfo=ZONE),
    )
