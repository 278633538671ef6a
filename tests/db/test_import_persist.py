"""Persisting parsed plans (issue 4): rows, idempotence, revisions, one transaction, on both backends."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.clock import SettableClock
from bot.importing import parse_document
from bot.services import Services
from bot.usecases.importing import documents as importing
from bot.usecases.importing.documents import import_sources, plan_key, read_paths, read_source
from bot.usecases.importing.match import ItemKey, pair_items
from bot.usecases.units.admin import alias_unit, unresolved_names
from bot.usecases.units.groups import ENFORCEMENT_KEYWORDS
from scheduling.reading.rules import extract_rules
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    DutyUnit,
    Occurrence,
    Plan,
    ScheduleRule,
    StatusReport,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitRole,
)
from tests.import_support import (
    ALL_SEEDS,
    EDITED_TO,
    SEED_004,
    counts,
    revised_004,
    snapshot,
)

SMALL_PLAN = """2027年度某县法治政府建设工作计划

一、总体任务
1、做好规范性文件备案工作。10月底前完成清理。（责任单位：县司法局、县市场监管局、张三同志）
2、开展宪法宣传周活动。（牵头单位：县司法局；责任单位：县各相关部门、各镇政府）
""".encode()


async def _plan_duties(services: Services, title_part: str) -> list[Duty]:
    async with services.sessions() as session:
        plan = await session.scalar(
            select(Plan)
            .where(Plan.title.contains(title_part))
            .options(
                selectinload(Plan.duties).selectinload(Duty.units).selectinload(DutyUnit.unit),
                selectinload(Plan.duties).selectinload(Duty.units).selectinload(DutyUnit.group),
                selectinload(Plan.duties).selectinload(Duty.rules),
            )
        )
        assert plan is not None
        return list(plan.duties)


async def _group_members(services: Services, name: str) -> set[str]:
    """The members of every jurisdiction's group of that name (each holds its own units)."""
    async with services.sessions() as session:
        groups = list(
            await session.scalars(
                select(UnitGroup)
                .where(UnitGroup.name == name)
                .options(selectinload(UnitGroup.members))
            )
        )
        assert groups, name
        assert all(
            unit.jurisdiction_id == group.jurisdiction_id
            for group in groups
            for unit in group.members
        )
        return {unit.name for group in groups for unit in group.members}


async def test_five_seeds_land_as_plans_duties_units_groups_and_rules(services: Services) -> None:
    result = await import_sources(services, read_paths(ALL_SEEDS))
    parsed = [parse_document(path) for path in ALL_SEEDS]
    plans = [plan for document in parsed for plan in document.plans]
    assert [plan.title for plan in result.plans] == [plan.title for plan in plans]
    assert sum(len(plan.items) for plan in result.plans) == 352
    assert all(plan.is_new and len(plan.added) == len(plan.items) for plan in result.plans)

    async with services.sessions() as session:
        assert await session.scalar(select(func.count(Plan.id))) == 7
        assert await session.scalar(select(func.count(Duty.id))) == 352
        stored_rules = await session.scalar(select(func.count(ScheduleRule.id)))
    expected_rules = sum(
        len(extract_rules(i.text, plan_year=p.plan_year, year_from=p.year_from, year_to=p.year_to))
        for p in plans
        for i in p.items
    )
    assert stored_rules == expected_rules

    duties = await _plan_duties(services, "2019年度全县法治政府建设工作计划")
    items = next(plan for plan in plans if plan.title == "2019年度全县法治政府建设工作计划").items
    assert [(d.number, d.section_path, d.text) for d in duties] == [
        (i.number, i.section_path, i.text) for i in items
    ]
    power_list = next(d for d in duties if d.text.startswith("推进行政权力清单标准化建设"))
    links = {
        (link.role, link.unit.name if link.unit else link.group.name) for link in power_list.units
    }
    assert links == {
        (UnitRole.RESPONSIBLE, "县委编办"),
        (UnitRole.RESPONSIBLE, "县司法局"),
        (UnitRole.RESPONSIBLE, "县行政审批局"),
        (UnitRole.RESPONSIBLE, "各镇办"),
        (UnitRole.RESPONSIBLE, "县直有关部门"),
    }
    [rule] = power_list.rules
    assert (rule.kind.value, rule.phrase, rule.params["due"]) == (
        "one_off",
        "10月底前",
        "2019-10-31",
    )

    async with services.sessions() as session:
        alias = await session.scalar(
            select(UnitAlias)
            .where(UnitAlias.alias == "县交运局")
            .options(selectinload(UnitAlias.unit))
        )
        assert alias is not None and alias.unit.name == "县交通运输局"
        all_units = set(await session.scalars(select(Unit.name)))
    assert await _group_members(services, "全体单位") == all_units
    enforcement = await _group_members(services, "各行政执法部门")
    assert {"县公安局", "县市场监督管理局", "区生态环境局", "区司法局"} <= enforcement
    assert "县教育局" in enforcement, "education is an enforcement agency (#16)"
    assert "县法院" not in enforcement and "区检察院" not in enforcement
    assert all(any(word in name for word in ENFORCEMENT_KEYWORDS) for name in enforcement)
    departments = await _group_members(services, "区直各部门")
    assert "区司法局" in departments and "五泉镇" not in departments
    # party organs, the congress, courts and mass organisations are not government departments
    assert not {"区委宣传部", "区人大常委会", "区法院", "团区委"} & departments
    assert await _group_members(services, "县直有关部门") == set(), "selective: coordinator picks"
    assert "县直有关部门" in {group.name for group in result.groups_needing_members}


async def test_the_same_documents_twice_change_nothing(
    services: Services, clock: SettableClock
) -> None:
    await import_sources(services, read_paths(ALL_SEEDS))
    before = await snapshot(services)
    clock.advance(timedelta(days=3))
    again = await import_sources(services, read_paths(ALL_SEEDS))
    assert await snapshot(services) == before
    assert not again.changed_anything and again.touched_duty_ids == []
    assert all(not plan.is_new and not plan.removed for plan in again.plans)
    assert {item.change for plan in again.plans for item in plan.items} == {"unchanged"}


async def test_a_revised_document_updates_duties_in_place_and_keeps_history(
    services: Services, clock: SettableClock, tmp_path: Path
) -> None:
    clock.set(datetime(2019, 7, 1, 1, 0, tzinfo=UTC))
    first = await import_sources(services, read_paths([SEED_004]))
    plan = first.plans[0]
    edited = next(item for item in plan.items if item.text.startswith("推进行政权力清单标准化建设"))
    dropped = next(item for item in plan.items if item.text.startswith("深化党政一体法律顾问"))

    async with services.sessions() as session, session.begin():
        assignment = await session.scalar(
            select(Assignment)
            .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
            .where(Occurrence.duty_id == edited.duty_id)
            .order_by(Assignment.id)
            .limit(1)
        )
        assert assignment is not None and assignment.due_date == date(2019, 10, 31)
        assignment.status = AssignmentStatus.DONE
        session.add(
            StatusReport(
                assignment_id=assignment.id,
                created_at=clock.now(),
                status=AssignmentStatus.DONE,
                previous_status=AssignmentStatus.OPEN,
                note="清单已公布",
            )
        )
        assignment_id = assignment.id
    async with services.sessions() as session:
        assignments_before = await session.scalar(select(func.count(Assignment.id)))

    clock.advance(timedelta(days=1))
    revised = await import_sources(
        services, [read_source(revised_004(), "004_revised.txt")], dry_run=False
    )
    [outcome] = revised.plans
    assert not outcome.is_new and outcome.key == plan.key
    assert [(i.number, i.text[:8]) for i in outcome.changed] == [("4", edited.text[:8])]
    assert outcome.changed[0].duty_id == edited.duty_id
    assert outcome.changed[0].changed_fields == ("text",)
    assert [(i.number, i.section_path[0][:2]) for i in outcome.added] == [("4", "三、")]
    assert outcome.added[0].text.startswith("建立规范性文件动态清理机制。11月底前")
    assert outcome.added[0].responsible_units == ("县司法局", "县直有关部门")
    assert [rule.params["due"] for rule in outcome.added[0].rules] == ["2019-11-30"]
    assert [(r.number, r.duty_id) for r in outcome.removed] == [("5", dropped.duty_id)]

    async with services.sessions() as session:
        duty = await session.get(Duty, edited.duty_id)
        assert duty is not None and EDITED_TO in duty.text and duty.active
        gone = await session.get(Duty, dropped.duty_id)
        assert gone is not None and gone.active is False, "deactivated, never deleted"
        kept = await session.get(Assignment, assignment_id)
        assert kept is not None and kept.status is AssignmentStatus.DONE
        notes = list(
            await session.scalars(
                select(StatusReport.note).where(StatusReport.assignment_id == assignment_id)
            )
        )
        assert notes == ["清单已公布"]
        assert await session.scalar(select(func.count(Assignment.id))) >= assignments_before
        new_duty = await session.get(Duty, outcome.added[0].duty_id)
        assert new_duty is not None and new_duty.plan_id == outcome.plan_id

    restored = await import_sources(services, read_paths([SEED_004]))
    [back] = restored.plans
    assert {item.duty_id for item in back.changed} == {edited.duty_id, dropped.duty_id}
    assert (
        "restored" in next(i for i in back.changed if i.duty_id == dropped.duty_id).changed_fields
    )
    assert [removed.duty_id for removed in back.removed] == [outcome.added[0].duty_id]


@pytest.mark.parametrize("step", ["sync_members", "replan"])
async def test_a_failure_mid_import_leaves_the_database_unchanged(
    services: Services, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    await import_sources(services, read_paths([ALL_SEEDS[3]]))
    before = await snapshot(services)

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"{step} failed")

    monkeypatch.setattr(importing, step, broken)
    with pytest.raises(RuntimeError, match=f"{step} failed"):
        await import_sources(services, read_paths([SEED_004, ALL_SEEDS[0]]))
    assert await snapshot(services) == before


async def test_a_dry_run_reports_everything_and_writes_nothing(services: Services) -> None:
    before = await snapshot(services)
    result = await import_sources(services, read_paths([SEED_004]), dry_run=True)
    assert await snapshot(services) == before
    assert result.dry_run and len(result.plans[0].added) == 38
    assert any(unit.name == "县司法局" and unit.is_new for unit in result.units)
    real = await import_sources(services, read_paths([SEED_004]))
    assert counts(await snapshot(services))["duties"] == 38
    assert [i.text for i in real.plans[0].items] == [i.text for i in result.plans[0].items]


async def test_unknown_names_are_kept_raw_for_review_until_aliased(services: Services) -> None:
    result = await import_sources(services, [read_source(SMALL_PLAN, "small.txt")])
    first = result.plans[0].items[0]
    assert first.unresolved == ("张三同志",)
    assert first.responsible_units == ("县司法局", "县市场监督管理局", "张三同志")
    assert [reason.code for reason in first.review] == ["unknown_unit:张三同志"]
    async with services.sessions() as session:
        link = await session.scalar(select(DutyUnit).where(DutyUnit.raw_name == "张三同志"))
        assert link is not None and link.unit_id is None and link.group_id is None
        assert [(u.raw_name, u.duties) for u in await unresolved_names(session)] == [
            ("张三同志", 1)
        ]
        assert await session.scalar(select(Unit.id).where(Unit.name == "张三同志")) is None
    async with services.sessions() as session, session.begin():
        outcome = await alias_unit(session, "张三同志", "县司法局")
        assert outcome.moved_links == 1 and outcome.duty_ids == (first.duty_id,)
    async with services.sessions() as session:
        assert await unresolved_names(session) == []
    again = await import_sources(services, [read_source(SMALL_PLAN, "small.txt")])
    assert again.plans[0].items[0].responsible_units[-1] == "县司法局", "the alias now resolves"


async def test_a_merged_spelling_moves_links_and_assignments(services: Services) -> None:
    await import_sources(services, [read_source(SMALL_PLAN, "small.txt")])
    async with services.sessions() as session:
        market = await session.scalar(select(Unit).where(Unit.name == "县市场监督管理局"))
        assert market is not None
        moved = await session.scalar(
            select(func.count(Assignment.id)).where(Assignment.unit_id == market.id)
        )
    assert moved, "the 2027 deadline is planned"
    async with services.sessions() as session, session.begin():
        outcome = await alias_unit(session, "县市场监督管理局", "县司法局")
    assert outcome.merged_unit == "县市场监督管理局" and outcome.moved_assignments == moved
    async with services.sessions() as session:
        assert await session.scalar(select(Unit.id).where(Unit.name == "县市场监督管理局")) is None
        aliases = set(await session.scalars(select(UnitAlias.alias)))
        assert {"县市场监督管理局", "县市场监管局"} <= aliases
        target = await session.scalar(select(Unit).where(Unit.name == "县司法局"))
        assert target is not None
        orphans = await session.scalar(
            select(func.count(DutyUnit.id)).where(DutyUnit.raw_name == "县市场监管局")
        )
        linked = await session.scalar(
            select(func.count(DutyUnit.id)).where(
                DutyUnit.raw_name == "县市场监管局", DutyUnit.unit_id == target.id
            )
        )
        assert orphans == linked == 1


def test_plan_key_follows_the_plan_not_the_file() -> None:
    original = parse_document(SEED_004).plans[0]
    revised = read_source(revised_004(), "other-name.docx.txt").document.plans[0]
    assert plan_key(original) == plan_key(revised)
    keys = [plan_key(plan) for plan in parse_document(ALL_SEEDS[1]).plans]
    assert len(set(keys)) == 3 and all(key.startswith("v1:") for key in keys)


def test_pairing_follows_renumbering_rewording_and_moves() -> None:
    stored = [
        ItemKey("1", ("一",), "建立重大行政决策目录制度并向社会公布"),
        ItemKey("2", ("一",), "开展规范性文件清理工作"),
        ItemKey("3", ("一",), "推进行政执法三项制度全面落实"),
        ItemKey("4", ("二",), "组织宪法宣传周活动"),
    ]
    new = [
        ItemKey("1", ("一",), "开展规范性文件清理工作"),  # renumbered
        ItemKey("2", ("一",), "推进行政执法三项制度全面落实到位"),  # renumbered and reworded
        ItemKey("1", ("二",), "组织宪法宣传周系列活动"),  # moved and reworded
        ItemKey("2", ("二",), "完全不同的新任务"),
    ]
    assert pair_items(stored, new) == {0: 1, 1: 2, 2: 3}


async def test_five_seeds_import_time(sqlite_url: str, tmp_path: Path) -> None:
    """Parsing plus persistence of all five seeds on SQLite (printed with -s; no timed assert)."""
    from bot.settings import Settings
    from storage.db import create_engine, session_factory
    from storage.schema import upgrade

    engine = create_engine(sqlite_url)
    await upgrade(engine)
    clock = SettableClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    services = Services(
        settings=Settings(database_url=sqlite_url, data_dir=tmp_path),
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
    )
    try:
        started = time.perf_counter()
        sources = read_paths(ALL_SEEDS)
        parsed = time.perf_counter()
        async with services.sessions() as session, session.begin():
            result = await importing.persist_documents(
                session, sources, clock.now(), clock.now().date()
            )
        stored = time.perf_counter()
        planned = await import_sources(services, read_paths(ALL_SEEDS))
        print(
            f"\nfive seeds: parse {parsed - started:.3f} s + persist {stored - parsed:.3f} s "
            f"= {stored - started:.3f} s for {sum(len(p.items) for p in result.plans)} items "
            f"(re-import with planning: {time.perf_counter() - stored:.3f} s)"
        )
        assert sum(len(p.items) for p in result.plans) == 352
        assert not planned.changed_anything
    finally:
        await services.close()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_the_chat_summary_of_all_seeds_fits_telegram_messages(
    services: Services, locale: str
) -> None:
    from bot.render.imports import MESSAGE_LIMIT, imported_message, preview_messages

    t = services.translator(locale)
    result = await import_sources(services, read_paths(ALL_SEEDS), dry_run=True)
    messages = preview_messages(result, "seeds.zip", t)
    assert all(0 < len(message) <= MESSAGE_LIMIT for message in messages)
    joined = "\n".join(messages)
    assert all(f"📋 {plan.title}" in joined for plan in result.plans)
    assert "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … (45)" in joined, "long lists are cut"
    assert len(imported_message(result, "seeds.zip", t)) <= MESSAGE_LIMIT


async def test_group_edits_plan_new_members_and_retire_removed_ones(services: Services) -> None:
    from bot.usecases.planning.replan import replan
    from bot.usecases.units.admin import change_group

    await import_sources(services, [read_source(SMALL_PLAN, "small.txt")])
    now = services.clock.now()
    today = now.astimezone(services.settings.zone).date()

    async def assignments_of(unit_name: str) -> dict[AssignmentStatus, int]:
        async with services.sessions() as session:
            rows = await session.execute(
                select(Assignment.status, func.count(Assignment.id))
                .join(Unit, Unit.id == Assignment.unit_id)
                .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
                .join(Duty, Duty.id == Occurrence.duty_id)
                .where(Unit.name == unit_name, Duty.number == "2")
                .group_by(Assignment.status)
            )
            return dict(rows.all())

    assert await assignments_of("县市场监督管理局") == {}
    async with services.sessions() as session, session.begin():
        added = await change_group(
            session, "县各相关部门", ["县市场监督管理局"], add=True, now=now, today=today
        )
        report = await replan(session, services, added.duty_ids)
    assert added.group == "县直有关部门" and added.changed == ("县市场监督管理局",)
    assert report is not None and report.assignments > 0
    opened = await assignments_of("县市场监督管理局")
    assert set(opened) == {AssignmentStatus.OPEN}

    async with services.sessions() as session, session.begin():
        await change_group(
            session, "县直有关部门", ["县市场监督管理局"], add=False, now=now, today=today
        )
    assert await assignments_of("县市场监督管理局") == {
        AssignmentStatus.CANCELLED: opened[AssignmentStatus.OPEN]
    }
    await import_sources(services, [read_source(SMALL_PLAN, "small.txt")])
    assert await _group_members(services, "县直有关部门") == set()
