"""A group's rule belongs to its jurisdiction (issue 20): the same group name in two districts is
two groups, and what one district's office does to its group's rule never reaches the other's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.jurisdictions.scope import OfficeScope
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.units.groups import RULES_KEY, GroupRule, load_rules
from bot.usecases.units.office import create_group, group_lines
from storage.models import ConfigEntry, Unit, UnitGroup
from tests.db.test_jurisdictions import plan_text

POLITICAL_LEGAL = "各政法单位"


def legal_plan(place: str) -> bytes:
    return f"""{place}2026年度平安建设工作要点

一、重点任务
1、开展扫黑除恶专项斗争。12月底前完成。（牵头单位：区公安分局；责任单位：{POLITICAL_LEGAL}）
2、推进诉源治理。11月底前完成。（责任单位：区人民法院、区人民检察院）
""".encode()


async def _import(services: Services, data: bytes, name: str) -> None:
    await import_sources(services, [read_source(data, name)], past="skip")


async def _members(services: Services, place: str) -> set[str]:
    async with services.sessions() as session:
        tree = await load_tree(session)
        where = tree.by_name(place)
        assert where is not None
        group = await session.scalar(
            select(UnitGroup)
            .where(UnitGroup.name == POLITICAL_LEGAL, UnitGroup.jurisdiction_id == where.id)
            .options(selectinload(UnitGroup.members))
        )
        assert group is not None
        return {unit.name for unit in group.members}


async def test_a_hand_picked_group_in_one_district_leaves_the_same_name_automatic_in_the_other(
    services: Services,
) -> None:
    await _import(services, plan_text("渭滨区"), "a.txt")
    await _import(services, plan_text("金台区"), "b.txt")
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        tree = await load_tree(session)
        weibin = tree.by_name("渭滨区")
        assert weibin is not None
        office = OfficeScope(frozenset({weibin.id}), weibin.id, tree)
        await create_group(session, POLITICAL_LEGAL, now, office)
    services.clock.advance(timedelta(minutes=1))
    await _import(services, legal_plan("金台区"), "c.txt")
    assert await _members(services, "金台区") >= {"区公安分局", "区司法局"}, "automatic there"
    assert await _members(services, "渭滨区") == set(), "hand-picked here: nobody added"
    async with services.sessions() as session:
        tree = await load_tree(session)
        jintai = tree.by_name("金台区")
        assert jintai is not None
        lines = await group_lines(session, OfficeScope(frozenset({jintai.id}), jintai.id, tree))
        mine = await group_lines(session, OfficeScope(frozenset({weibin.id}), weibin.id, tree))
    assert [line.automatic for line in lines if line.name == POLITICAL_LEGAL] == [True]
    assert [line.automatic for line in mine if line.name == POLITICAL_LEGAL] == [False]


async def test_rules_stored_by_group_name_alone_become_each_districts_own(
    services: Services,
) -> None:
    await _import(services, plan_text("渭滨区"), "a.txt")
    await _import(services, plan_text("金台区"), "b.txt")
    async with services.sessions() as session, session.begin():
        justice = list(await session.scalars(select(Unit).where(Unit.name == "区司法局")))
        entry = await session.get(ConfigEntry, RULES_KEY)
        assert entry is not None
        old = GroupRule(kinds=("department",), excluded=(justice[0].id,))
        entry.value = {"groups": {"区直各部门": old.to_json()}}
    async with services.sessions() as session:
        rules = await load_rules(session)
        places = {unit.jurisdiction_id for unit in justice}
    assert {rules.get(place, "区直各部门") for place in places} == {old}
    assert rules.to_json()["places"].keys() == {str(place) for place in places}
