"""Reminders an office can trust (issue #16): each finding of the expert review, by behaviour."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import SettableClock
from bot.i18n import Translator
from bot.render.reminders import ReminderEntry, render_reminders
from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.planning.daily import run_daily
from bot.usecases.planning.plan import plan_everything
from bot.usecases.planning.simulation import simulate
from bot.usecases.status.changes import change_status
from bot.usecases.tasks.lists import TaskFilter, task_page
from bot.usecases.units.admin import set_unit_kind
from bot.usecases.units.groups import load_rules
from scheduling.dates.model import RuleKind
from scheduling.dates.workdays import statutory_holidays
from scheduling.reading.count_scope import count_units
from scheduling.reading.extract import scan
from scheduling.reading.spans import PlanYears
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    Member,
    Occurrence,
    Reminder,
    ReminderKind,
    ReminderState,
    StatusReport,
    Unit,
    UnitGroup,
    UnitGroupMember,
)
from tests.factories import add_member

YEAR_WINDOW = timedelta(days=400)


def _plan(*items: str, title: str = "2027年度某区法治政府建设工作要点") -> bytes:
    lines = [title, "一、工作任务", *(f"{n}、{text}" for n, text in enumerate(items, 1))]
    return "\n".join(lines).encode("utf-8")


async def _import(services: Services, data: bytes, past: str = "ask"):  # noqa: ANN202
    return await import_sources(services, [read_source(data, "plan.txt")], past=past)  # type: ignore[arg-type]


async def _liaison(services: Services, unit_name: str, user_id: int = 10_001) -> Member:
    async with services.sessions() as session, session.begin():
        unit = await session.scalar(select(Unit).where(Unit.name == unit_name))
        return await add_member(session, services.clock.now(), user_id, unit)


async def _plan_year(services: Services) -> None:
    async with services.sessions() as session, session.begin():
        await plan_everything(
            session,
            services.clock.now(),
            services.settings,
            services.calendar,
            window=YEAR_WINDOW,
        )


async def _reminder_kinds(services: Services) -> list[str]:
    async with services.sessions() as session:
        rows = await session.scalars(
            select(Reminder.kind)
            .where(Reminder.assignment_id.is_not(None), Reminder.state == ReminderState.PLANNED)
            .order_by(Reminder.planned_at)
        )
        return [str(kind) for kind in rows]


async def test_an_undated_duty_is_a_quarterly_check_in_never_overdue_or_escalated(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2027, 1, 4, 1, tzinfo=UTC))
    await _import(services, _plan("推进行政复议规范化建设。（责任单位：区司法局）"))
    await _liaison(services, "区司法局")
    await _plan_year(services)
    kinds = await _reminder_kinds(services)
    assert kinds and set(kinds) == {"checkin"}, kinds
    assert len(kinds) == 4, "one check-in a quarter over the year"
    async with services.sessions() as session:
        assignments = list(await session.scalars(select(Assignment)))
        assert assignments and all(a.checkin for a in assignments)
        unit_ids = [assignments[0].unit_id]
        overdue = await task_page(session, unit_ids, TaskFilter.OVERDUE, date(2027, 6, 1))
        ongoing = await task_page(session, unit_ids, TaskFilter.ONGOING, date(2027, 6, 1))
    assert overdue.total == 0, "a quarter ended unreported is not overdue"
    assert ongoing.total >= 1 and all(row.checkin for row in ongoing.rows)


async def test_a_liaisons_check_ins_come_in_one_message_with_one_button(
    clock: SettableClock,
) -> None:
    t = Translator("zh_CN", ZoneInfo("Asia/Shanghai"))
    planned = datetime(2027, 3, 17, 1, tzinfo=UTC)
    entries = [
        ReminderEntry(
            reminder_ids=(n,),
            kind=ReminderKind.CHECKIN,
            assignment_id=n,
            unit_name="区司法局",
            duty_text=f"长期性工作第{n}项：持续推进依法行政。",
            plan_title="工作要点",
            duty_number=str(n),
            period_key="2027Q1",
            due_date=date(2027, 3, 31),
            status=AssignmentStatus.OPEN,
            workdays_left=10,
            days_overdue=0,
            planned_at=planned,
        )
        for n in range(1, 21)
    ]
    [message] = render_reminders(entries, t)
    assert len(message.buttons) == 1 and len(message.buttons[0]) == 1
    assert message.reminder_ids == list(range(1, 21))
    assert "20" in message.text and "逾期" not in message.text


async def test_a_reopened_duty_gets_its_reminders_back_and_the_liaison_is_told_once(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2027, 1, 4, 1, tzinfo=UTC))
    await _import(services, _plan("6月底前完成规范性文件清理。（责任单位：区司法局）"))
    member = await _liaison(services, "区司法局")
    await _plan_year(services)
    before = await _reminder_kinds(services)
    assert before
    async with services.sessions() as session, session.begin():
        assignment = await session.scalar(select(Assignment))
        assert assignment is not None
        await change_status(session, clock, member, assignment.id, AssignmentStatus.DONE)
    assert await _reminder_kinds(services) == [], "done cancels the reminders"
    async with services.sessions() as session, session.begin():
        await change_status(session, clock, member, assignment.id, AssignmentStatus.IN_PROGRESS)
    await _plan_year(services)
    await _plan_year(services)
    assert await _reminder_kinds(services) == before, "open again: the same reminders back"
    async with services.sessions() as session:
        notices = list(
            await session.scalars(
                select(Reminder.payload).where(Reminder.kind == ReminderKind.NOTICE)
            )
        )
    assert [notice["notice"] for notice in notices] == ["revived"], "told once"


async def test_deadlines_that_passed_before_the_import_are_listed_and_asked_once(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2027, 11, 15, 1, tzinfo=UTC))
    data = _plan(
        "10月底前完成规范性文件清理。（责任单位：区司法局）",
        "12月底前完成执法案卷评查。（责任单位：区司法局）",
    )
    preview = await import_sources(services, [read_source(data, "plan.txt")], dry_run=True)
    [plan] = preview.plans
    assert [item.number for item in plan.past] == ["1"] and not plan.all_past
    result = await _import(services, data, past="ask")
    assert result.past_settled == 1
    await _liaison(services, "区司法局")
    await _plan_year(services)
    async with services.sessions() as session:
        asked = list(
            await session.execute(
                select(Reminder.kind, Reminder.planned_at, Assignment.due_date)
                .join(Assignment, Assignment.id == Reminder.assignment_id)
                .where(Assignment.due_date == date(2027, 10, 31))
            )
        )
    assert [(str(kind), due) for kind, _at, due in asked] == [("checkin", date(2027, 10, 31))]
    assert asked[0][1] == datetime(2027, 11, 16, 1, tzinfo=UTC), "the next working day, once"


async def test_past_deadlines_can_be_recorded_as_done_or_left_out(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2027, 11, 15, 1, tzinfo=UTC))
    done = await _import(
        services,
        _plan("10月底前完成规范性文件清理。（责任单位：区司法局）", title="某区2027年计划甲"),
        past="done",
    )
    skipped = await _import(
        services,
        _plan("10月底前完成执法检查。（责任单位：区司法局）", title="某区2027年计划乙"),
        past="skip",
    )
    assert (done.past_settled, skipped.past_settled) == (1, 0)
    async with services.sessions() as session:
        statuses = list(await session.scalars(select(Assignment.status)))
        notes = list(await session.scalars(select(StatusReport.note)))
    assert statuses == [AssignmentStatus.DONE]
    assert notes and "imported" in notes[0]


async def test_party_organs_courts_congress_and_mass_bodies_are_not_government_departments(
    services: Services, clock: SettableClock
) -> None:
    units = [
        "区委宣传部",
        "区法院",
        "区人大常委会办公室",
        "团区委",
        "区教育局",
        "区民政局",
        "五泉镇",
    ]
    await _import(
        services,
        _plan(
            f"开展宪法宣传。（责任单位：{'、'.join(units)}）",
            "落实执法公示。（责任单位：区直各部门、各行政执法部门）",
        ),
    )
    async with services.sessions() as session:
        members = {
            (group, unit)
            for group, unit in await session.execute(
                select(UnitGroup.name, Unit.name)
                .join(UnitGroupMember, UnitGroupMember.group_id == UnitGroup.id)
                .join(Unit, Unit.id == UnitGroupMember.unit_id)
            )
        }
    departments = {unit for group, unit in members if group == "区直各部门"}
    enforcement = {unit for group, unit in members if group == "各行政执法部门"}
    assert departments == {"区教育局", "区民政局"}
    assert enforcement == {"区教育局", "区民政局"}, "education and civil affairs enforce law"


async def test_a_coordinator_corrects_a_units_kind_and_its_groups_follow(
    services: Services, clock: SettableClock
) -> None:
    await _import(services, _plan("开展执法检查。（责任单位：区政务服务中心、区直各部门）"))
    async with services.sessions() as session, session.begin():
        outcome = await set_unit_kind(session, "区政务服务中心", "department")
        rules = await load_rules(session)
    assert (outcome.old, outcome.new) == ("institution", "department")
    assert "区直各部门" in rules
    async with services.sessions() as session:
        names = set(
            await session.scalars(
                select(Unit.name)
                .join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id)
                .join(UnitGroup, UnitGroup.id == UnitGroupMember.group_id)
                .where(UnitGroup.name == "区直各部门")
            )
        )
    assert "区政务服务中心" in names


async def test_simulate_shows_one_digest_when_the_spring_festival_moves_two_to_one_day(
    services: Services, clock: SettableClock
) -> None:
    timeline = await simulate(services, date(2026, 2, 1), date(2026, 3, 10))
    days = [event.at.date() for event in timeline.events if event.kind == "digest"]
    assert len(days) == len(set(days)), days
    assert date(2026, 2, 24) in days


async def test_no_reminder_lands_on_a_2027_statutory_holiday(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2026, 12, 1, 1, tzinfo=UTC))
    await _import(
        services,
        _plan(
            "每月开展一次执法检查。（责任单位：区司法局）",
            "1月31日前公开上年度行政执法总体情况。（责任单位：区司法局）",
            "每季度报送一次工作进展。（责任单位：区司法局）",
        ),
    )
    await _liaison(services, "区司法局")
    timeline = await simulate(services, date(2027, 1, 1), date(2027, 12, 31))
    holidays = statutory_holidays(2027)
    on_holidays = [e for e in timeline.events if e.at.date() in holidays]
    assert timeline.events and not on_holidays, on_holidays[:3]


async def test_one_activity_gets_one_deadline_per_unit_and_year(
    services: Services, clock: SettableClock
) -> None:
    """Day and Week named together, a plan item restating the January 31 statistics, and the
    built-in statutory duties: one deadline per unit, year and activity, sources shown."""
    clock.set(datetime(2026, 12, 1, 1, tzinfo=UTC))
    await _import(
        services,
        _plan(
            "每年12·4国家宪法日和宪法宣传周期间集中开展宪法宣传活动。（责任单位：区司法局）",
            "每年1月31日前公开本机关上年度行政执法总体情况。（责任单位：区司法局）",
        ),
    )
    assert await run_daily(services) is not None
    async with services.sessions() as session:
        rows = list(
            await session.execute(
                select(Assignment.id, Duty.text, Duty.statutory_key, Assignment.due_date)
                .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .join(Unit, Unit.id == Assignment.unit_id)
                .where(Unit.name == "区司法局")
            )
        )
        activities: dict[tuple[str, int], int] = {}
        for _aid, text, key, due in rows:
            activity = "constitution" if ("宪法" in text or key == "constitution_week") else None
            activity = activity or ("statistics" if "执法总体情况" in text else None)
            if activity:
                activities[(activity, due.year)] = activities.get((activity, due.year), 0) + 1
        joined = [also for also in await session.scalars(select(Assignment.also_duties)) if also]
    assert activities and max(activities.values()) == 1, activities
    assert joined, "the joined source is listed on the assignment that holds the deadline"


def test_the_readme_lists_every_statutory_entry_with_its_citation_and_certainty() -> None:
    """The legal officer's section stays in step with scheduling/dates/data/statutory.json."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    data = json.loads(
        (root / "scheduling" / "dates" / "data" / "statutory.json").read_text("utf-8")
    )
    readme = (root / "README.md").read_text("utf-8")
    section = readme.split("## The statutory calendar", 1)[1].split("\n## ", 1)[0]
    for entry in data["entries"]:
        line = next(row for row in section.split("\n") if f"(`{entry['key']}`;" in row)
        assert f"*{entry['certainty']}*" in line, entry["key"]
        assert ("off by default" in line) == (not entry.get("enabled", True)), entry["key"]
        assert entry["cites"]["zh_CN"] in section, entry["key"]
        assert entry["source"] and entry["source"] in section, entry["key"]
    assert "第二十八条" not in section, (
        "the publication rule is cited as 第二十四条 (to be checked)"
    )
    local = [entry for entry in data["entries"] if entry.get("local")]
    assert local and all(not entry["enabled"] for entry in local), "local additions are off"
    keys = {entry["key"] for entry in data["entries"]}
    assert "government_information_disclosure_annual_report" in keys


def _counts(text: str) -> list[dict[str, object]]:
    found = scan(text, PlanYears(2027, 2027, 2027)).rules
    return [dict(rule.params) for rule in found if rule.kind is RuleKind.YEARLY_COUNT]


def test_hours_and_per_person_quantities_are_not_counts_to_report() -> None:
    """ "每人每年学法不少于60学时" is each official's study time, not an event count a unit
    reports; "不少于4次" of a unit's own sessions is."""
    assert _counts("每人每年学法不少于60学时。") == []
    assert _counts("领导干部累计参加法治培训不少于15天。") == []
    assert _counts("每名执法人员每年参加培训不少于2次。") == []
    assert _counts("各部门每年组织旁听庭审不少于1次。") == [
        {"target": 1, "unit_noun": "次", "at_least": True}
    ]


def test_a_bodys_own_count_and_tiered_counts_are_read_as_such() -> None:
    assert _counts("区政府常务会议每年学法不少于4次。")[0]["holder"] == "body"
    tiers = _counts("民生部门每年开展普法活动不少于6次，其它部门每年不少于1次。")
    assert [(c["target"], c["tier"]) for c in tiers] == [(6, "民生部门"), (1, "others")]


def test_who_a_count_is_for() -> None:
    assigned = {1: "lead", 2: "responsible", 3: "responsible"}
    assert count_units({"holder": "body"}, assigned, [], {}) == {1}
    tiers = ["民生部门", "others"]
    # No group named 民生部门: the stricter count is everyone's and "others" asks nothing.
    assert count_units({"tier": "民生部门"}, assigned, tiers, {}) == {1, 2, 3}
    assert count_units({"tier": "others"}, assigned, tiers, {}) == set()
    groups = {"民生部门": {2}}
    assert count_units({"tier": "民生部门"}, assigned, tiers, groups) == {2}
    assert count_units({"tier": "others"}, assigned, tiers, groups) == {1, 3}


async def test_a_tiered_count_reaches_each_unit_once(
    services: Services, clock: SettableClock
) -> None:
    clock.set(datetime(2026, 12, 1, 1, tzinfo=UTC))
    await _import(
        services,
        _plan(
            "民生部门每年开展普法活动不少于6次，其它部门每年不少于1次。"
            "（责任单位：区司法局、区教育局）"
        ),
    )
    await _plan_year(services)
    async with services.sessions() as session:
        rows = list(
            await session.execute(
                select(Unit.name, Occurrence.target_count)
                .join(Assignment, Assignment.unit_id == Unit.id)
                .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .where(Duty.text.contains("民生部门"), Occurrence.due_date < date(2028, 1, 1))
            )
        )
    assert sorted(rows) == [("区司法局", 6), ("区教育局", 6)]
