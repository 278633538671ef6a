"""A plan is its jurisdiction's (issue 20): two districts' plans of the same title are two
plans, and an import bounded to an office never finds, revises or moves another's plan."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.importing.placing import OutOfReach, Reach
from bot.usecases.jurisdictions.tree import add_jurisdiction, load_tree
from storage.models import Plan

TITLE = "2026年度普法依法治理工作要点"


def placeless(*tasks: str) -> bytes:
    """A plan whose title and issuer name no place, as many districts publish them."""
    lines = [TITLE, "", "一、总体任务"]
    lines += [
        f"{n}、{task}。12月底前完成。（责任单位：区司法局）" for n, task in enumerate(tasks, 1)
    ]
    return "\n".join(lines).encode()


async def _city(services: Services) -> dict[str, int]:
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        await add_jurisdiction(session, now, "宝鸡市")
        await add_jurisdiction(session, now, "渭滨区", parent="宝鸡市")
        await add_jurisdiction(session, now, "金台区", parent="宝鸡市")
        tree = await load_tree(session)
    return {place.name: place.id for place in tree.places.values()}


async def _duties(services: Services) -> dict[str, list[tuple[str, ...]]]:
    """Each jurisdiction's imported plans, as the texts of their active duties."""
    async with services.sessions() as session:
        tree = await load_tree(session)
        plans = await session.scalars(
            select(Plan)
            .where(Plan.is_statutory.is_(False))
            .options(selectinload(Plan.duties))
            .order_by(Plan.id)
        )
        found: dict[str, list[tuple[str, ...]]] = {}
        for plan in plans:
            texts = tuple(duty.text for duty in plan.duties if duty.active)
            found.setdefault(tree.places[plan.jurisdiction_id].name, []).append(texts)
    return found


async def _import(
    services: Services, data: bytes, place: str | None = None, reach: Reach | None = None
) -> None:
    source = read_source(data, "plan.txt")
    await import_sources(services, [source], past="skip", jurisdiction=place, reach=reach)


async def test_two_districts_plans_of_the_same_title_and_no_place_stay_two_plans(
    services: Services,
) -> None:
    await _city(services)
    await _import(services, placeless("开展宪法宣传", "清理规范性文件"), "渭滨区")
    await _import(services, placeless("开展民法典宣讲"), "金台区")
    stored = await _duties(services)
    assert len(stored["渭滨区"]) == 1 and len(stored["渭滨区"][0]) == 2
    assert len(stored["金台区"]) == 1 and len(stored["金台区"][0]) == 1
    await _import(services, placeless("开展宪法宣传", "清理规范性文件", "评查执法案卷"), "渭滨区")
    revised = await _duties(services)
    assert len(revised["渭滨区"][0]) == 3, "re-importing the district's plan revises it"
    assert revised["金台区"] == stored["金台区"], "the neighbour's plan of that title is untouched"


async def test_an_import_within_an_office_never_revises_a_plan_outside_it(
    services: Services,
) -> None:
    places = await _city(services)
    await _import(services, placeless("开展宪法宣传"), "渭滨区")
    before = await _duties(services)
    jintai = Reach(frozenset({places["金台区"]}), places["金台区"])
    await _import(services, placeless("开展宪法宣传", "评查执法案卷"), reach=jintai)
    after = await _duties(services)
    assert after["渭滨区"] == before["渭滨区"]
    assert [len(texts) for texts in after["金台区"]] == [2], "a plan of the office's own"
    with pytest.raises(OutOfReach):
        await _import(services, placeless("改写渭滨区计划"), "渭滨区", reach=jintai)
    with pytest.raises(OutOfReach):
        await _import(services, placeless("新建一个辖区"), "某某县", reach=jintai)
    assert await _duties(services) == after
    async with services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 2
        assert (await load_tree(session)).by_name("某某县") is None


async def test_the_migrated_schema_holds_one_plan_of_a_key_in_each_jurisdiction(
    services: Services,
) -> None:
    places = await _city(services)
    now = services.clock.now()

    def plan(place: str) -> Plan:
        return Plan(
            plan_key="v1:same",
            title=TITLE,
            jurisdiction_id=places[place],
            imported_at=now,
            updated_at=now,
        )

    async with services.sessions() as session, session.begin():
        session.add_all([plan("渭滨区"), plan("金台区")])
    with pytest.raises(IntegrityError):
        async with services.sessions() as session, session.begin():
            session.add(plan("渭滨区"))
