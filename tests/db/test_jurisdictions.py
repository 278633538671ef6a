"""Several jurisdictions on one deployment (issue 20): each district's units stay its own, and a
city's plan for "各区县司法局" reaches every district's 司法局."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.services import Services
from bot.usecases.digest.data import collect_digest
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.jurisdictions.scope import office_rows, office_scope
from bot.usecases.jurisdictions.tree import add_jurisdiction, load_tree
from bot.usecases.ledger.collect import collect_ledger
from bot.usecases.planning.plan import plan_everything
from bot.usecases.planning.simulation import simulate
from bot.usecases.status.changes import StatusRefused, change_status
from bot.usecases.status.overview import Shows, status_view
from bot.usecases.tasks.lists import unit_counts
from storage.enums import AssignmentStatus, Role
from storage.models import (
    Assignment,
    Binding,
    Duty,
    Jurisdiction,
    Member,
    Plan,
    Reminder,
    Unit,
    UnitGroup,
)
from tests.factories import add_member


def plan_text(place: str, responsible: str = "区司法局、区市场监管局") -> bytes:
    return f"""{place}2026年度法治政府建设工作计划

一、总体任务
1、做好规范性文件备案工作。12月底前完成清理。（责任单位：{responsible}）
2、开展宪法宣传周活动。（牵头单位：区司法局；责任单位：区直各部门）
""".encode()


CITY_PLAN = """宝鸡市2026年度法治政府建设工作要点

一、重点任务
1、开展行政执法案卷评查。12月底前完成。（责任单位：各区县司法局）
2、报送法治政府建设年度报告。12月20日前报送。（责任单位：各区县政府）
""".encode()


async def _import(services: Services, name: str, data: bytes, place: str | None = None) -> None:
    await import_sources(services, [read_source(data, name)], past="skip", jurisdiction=place)


async def test_two_districts_importing_the_same_unit_names_get_two_units(
    services: Services,
) -> None:
    await _import(services, "a.txt", plan_text("渭滨区"))
    await _import(services, "b.txt", plan_text("金台区"))
    async with services.sessions() as session:
        places = {row.id: row.name for row in await session.scalars(select(Jurisdiction))}
        justice = list(await session.scalars(select(Unit).where(Unit.name == "区司法局")))
        plans = {
            plan.title: places[plan.jurisdiction_id]
            for plan in await session.scalars(select(Plan).where(Plan.is_statutory.is_(False)))
        }
        departments = list(
            await session.scalars(
                select(UnitGroup)
                .where(UnitGroup.name == "区直各部门")
                .options(selectinload(UnitGroup.members))
            )
        )
        links = list(
            await session.scalars(
                select(Duty).options(selectinload(Duty.units), selectinload(Duty.plan))
            )
        )
    assert sorted(places.values()) == ["渭滨区", "金台区"]
    assert sorted(places[unit.jurisdiction_id] for unit in justice) == ["渭滨区", "金台区"]
    assert plans == {
        "渭滨区2026年度法治政府建设工作计划": "渭滨区",
        "金台区2026年度法治政府建设工作计划": "金台区",
    }
    assert len(departments) == 2
    for group in departments:
        assert group.members and {unit.jurisdiction_id for unit in group.members} == {
            group.jurisdiction_id
        }
    for duty in links:
        if duty.plan.is_statutory:
            continue
        own = {unit.id for unit in justice if unit.jurisdiction_id == duty.plan.jurisdiction_id}
        named = {link.unit_id for link in duty.units if link.unit_id is not None}
        assert named & {unit.id for unit in justice} == own


async def test_the_jurisdiction_named_for_an_import_wins_over_the_documents_place(
    services: Services,
) -> None:
    await _import(services, "a.txt", plan_text("渭滨区"), place="金台区")
    async with services.sessions() as session:
        [(name,)] = (await session.execute(select(Jurisdiction.name))).all()
        [plan] = await session.scalars(select(Plan).where(Plan.is_statutory.is_(False)))
        tree = await load_tree(session)
    assert name == "金台区" and tree.places[plan.jurisdiction_id].name == "金台区"


async def test_a_city_plan_for_every_districts_justice_bureau_reaches_both_districts(
    services: Services,
) -> None:
    now = services.clock.now()
    await _import(services, "a.txt", plan_text("渭滨区"))
    await _import(services, "b.txt", plan_text("金台区"))
    async with services.sessions() as session, session.begin():
        await add_jurisdiction(session, now, "宝鸡市")
        await add_jurisdiction(session, now, "渭滨区", parent="宝鸡市")
        await add_jurisdiction(session, now, "金台区", parent="宝鸡市")
        justice = list(await session.scalars(select(Unit).where(Unit.name == "区司法局")))
        liaisons = [
            await add_member(session, now, 700_000 + n, unit) for n, unit in enumerate(justice)
        ]
    await _import(services, "city.txt", CITY_PLAN)
    async with services.sessions() as session, session.begin():
        await plan_everything(session, now, services.settings, services.calendar)
    async with services.sessions() as session:
        city = await session.scalar(select(Plan).where(Plan.title.startswith("宝鸡市")))
        assert city is not None
        tree = await load_tree(session)
        assert tree.places[city.jurisdiction_id].name == "宝鸡市"
        review = await session.scalar(
            select(Duty).where(Duty.plan_id == city.id, Duty.text.startswith("开展行政执法"))
        )
        assert review is not None
        assigned = set(
            await session.scalars(
                select(Assignment.unit_id)
                .join(Assignment.occurrence)
                .where(Assignment.occurrence.has(duty_id=review.id))
            )
        )
        chats = set(
            await session.scalars(
                select(Reminder.chat_id)
                .join(Assignment, Assignment.id == Reminder.assignment_id)
                .where(Assignment.unit_id.in_(assigned))
            )
        )
        governments = set(
            await session.scalars(select(Unit.jurisdiction_id).where(Unit.name.endswith("政府")))
        )
    assert assigned == {unit.id for unit in justice}
    assert {member.chat_id for member in liaisons} <= chats
    districts = {place.id for place in tree.children(city.jurisdiction_id)}
    assert districts <= governments, "各区县政府: each district has its government as a unit"


async def _city_with_two_districts(services: Services) -> dict[str, int]:
    """宝鸡市 over 渭滨区 and 金台区, each with its plan planned; a coordinator for each
    office (ids of the members by office name)."""
    now = services.clock.now()
    await _import(services, "a.txt", plan_text("渭滨区"))
    await _import(services, "b.txt", plan_text("金台区"))
    async with services.sessions() as session, session.begin():
        await add_jurisdiction(session, now, "宝鸡市")
        await add_jurisdiction(session, now, "渭滨区", parent="宝鸡市")
        await add_jurisdiction(session, now, "金台区", parent="宝鸡市")
        tree = await load_tree(session)
        members = {}
        for n, name in enumerate(("宝鸡市", "渭滨区", "金台区")):
            member = await add_member(session, now, 800_000 + n, None, Role.COORDINATOR)
            place = tree.by_name(name)
            assert place is not None
            for binding in await session.scalars(
                select(Binding).where(Binding.member_id == member.id)
            ):
                binding.jurisdiction_id = place.id
            members[name] = member.id
    await _import(services, "city.txt", CITY_PLAN)
    async with services.sessions() as session, session.begin():
        await plan_everything(session, now, services.settings, services.calendar)
    return members


async def test_a_district_office_sees_its_district_and_the_city_sees_both_as_rows_that_add_up(
    services: Services,
) -> None:
    members = await _city_with_two_districts(services)
    today = services.today()
    async with services.sessions() as session:
        everything = await unit_counts(session, today, services.calendar)
        scopes = {name: await office_scope(session, member) for name, member in members.items()}
        tree = await load_tree(session)
    district = scopes["渭滨区"]
    city = scopes["宝鸡市"]
    assert district is not None and city is not None
    weibin = tree.by_name("渭滨区")
    assert weibin is not None
    own = office_rows(everything, district)
    assert own and all(row.jurisdiction_id == weibin.id and not row.place for row in own)
    rows = office_rows(everything, city)
    places = {row.unit_name: row for row in rows if row.place}
    assert set(places) == {"渭滨区", "金台区"}
    for name, row in places.items():
        below = tree.by_name(name)
        assert below is not None
        units = [unit for unit in everything if unit.jurisdiction_id == below.id]
        assert row.open == sum(unit.open for unit in units) and row.open > 0
        assert row.done == sum(unit.done for unit in units)
        assert row.overdue == sum(unit.overdue for unit in units)
    assert sum(row.open for row in rows) == sum(unit.open for unit in everything)
    opened = office_rows(everything, city, weibin.id)
    assert [row.unit_id for row in opened] == [row.unit_id for row in own]


async def test_a_district_coordinator_cannot_act_on_the_other_districts_assignment(
    services: Services,
) -> None:
    members = await _city_with_two_districts(services)
    async with services.sessions() as session:
        tree = await load_tree(session)
        rows = (
            await session.execute(
                select(Assignment.id, Unit.jurisdiction_id).join(
                    Unit, Unit.id == Assignment.unit_id
                )
            )
        ).all()
    ids = {name: place.id for name in ("渭滨区", "金台区") if (place := tree.by_name(name))}
    by_place = {name: [aid for aid, place in rows if place == ids[name]] for name in ids}
    async with services.sessions() as session, session.begin():
        weibin = await session.get(Member, members["渭滨区"])
        city = await session.get(Member, members["宝鸡市"])
        assert weibin is not None and city is not None
        with pytest.raises(StatusRefused):
            await change_status(
                session, services.clock, weibin, by_place["金台区"][0], AssignmentStatus.DONE
            )
        await change_status(
            session, services.clock, weibin, by_place["渭滨区"][0], AssignmentStatus.DONE
        )
        await change_status(
            session, services.clock, city, by_place["金台区"][1], AssignmentStatus.DONE
        )


async def test_the_digest_ledger_and_simulation_of_a_district_hold_its_units_only(
    services: Services,
) -> None:
    members = await _city_with_two_districts(services)
    now = services.clock.now()
    today = services.today()
    async with services.sessions() as session:
        tree = await load_tree(session)
        weibin = tree.by_name("渭滨区")
        assert weibin is not None
        names = {
            unit_id: place
            for unit_id, place in await session.execute(select(Unit.id, Unit.jurisdiction_id))
        }
        week = today - timedelta(days=today.weekday())
        district = await collect_digest(
            session, week, now, services.settings.zone, services.calendar, members["渭滨区"]
        )
        city = await collect_digest(
            session, week, now, services.settings.zone, services.calendar, members["宝鸡市"]
        )
        scope = await office_scope(session, members["渭滨区"])
        assert scope is not None
        ledger = await collect_ledger(session, today, services.calendar, places=scope.places)
        whole = await collect_ledger(session, today, services.calendar)
    assert district.units and {names[row.unit_id] for row in district.units} == {weibin.id}
    assert not district.districts
    assert {row.unit_name for row in city.districts} == {"渭滨区", "金台区"}
    assert 0 < district.completion.year_total < city.completion.year_total
    assert {names[row.unit_id] for row in ledger.units} == {weibin.id}
    shown = [a for plan in ledger.plans for row in plan.rows for a in row.assignments]
    every = [a for plan in whole.plans for row in plan.rows for a in row.assignments]
    assert shown and len(shown) < len(every) and len(ledger.units) < len(whole.units)
    timeline = await simulate(services, today, today + timedelta(days=60), None, weibin.id)
    everything = await simulate(services, today, today + timedelta(days=60))
    assert timeline.events and len(timeline.events) < len(everything.events)


async def test_a_district_office_is_not_hinted_at_the_other_districts_unit_names(
    services: Services,
) -> None:
    """The "did you mean" of /status names units of the asker's own offices only."""
    now = services.clock.now()
    await _import(services, "a.txt", plan_text("渭滨区"))
    await _import(services, "b.txt", plan_text("金台区", "区司法局、区退役军人事务局"))
    async with services.sessions() as session, session.begin():
        await add_jurisdiction(session, now, "宝鸡市")
        tree = await load_tree(session)
        members = {}
        for n, name in enumerate(("渭滨区", "金台区")):
            member = await add_member(session, now, 810_000 + n, None, Role.COORDINATOR)
            place = tree.by_name(name)
            assert place is not None
            for binding in await session.scalars(
                select(Binding).where(Binding.member_id == member.id)
            ):
                binding.jurisdiction_id = place.id
            members[name] = member.id
    today = services.today()
    async with services.sessions() as session:
        weibin = await status_view(session, members["渭滨区"], "退役", today, services.calendar)
        jintai = await status_view(session, members["金台区"], "退役", today, services.calendar)
    assert weibin.shows is Shows.UNKNOWN_UNIT and weibin.hints == ()
    assert jintai.shows is Shows.UNKNOWN_UNIT and jintai.hints == ("区退役军人事务局",)
