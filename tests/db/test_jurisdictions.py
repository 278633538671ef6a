"""Several jurisdictions on one deployment (issue 20): each district's units stay its own, and a
city's plan for "各区县司法局" reaches every district's 司法局."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.jurisdictions.tree import add_jurisdiction, load_tree
from bot.usecases.planning.plan import plan_everything
from storage.models import Assignment, Duty, Jurisdiction, Plan, Reminder, Unit, UnitGroup
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
