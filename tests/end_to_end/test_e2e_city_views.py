"""A city's coordinator over its districts (issue 20): the board shows each district as one row
whose counts add up to its units', like /status; a district opened stays open while paging."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.board.api import BoardApi
from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.planning.daily import run_daily
from bot.usecases.tasks.lists import unit_counts
from storage.models import Binding, Member, Role
from tests.e2e import running_bot
from tests.end_to_end.test_e2e_import_chat import buttons
from tests.end_to_end.test_e2e_jurisdictions import _city, _coordinator
from tests.end_to_end.test_office_chat import _launch

COUNTS = ("done", "in_progress", "blocked", "more_time", "overdue", "due_soon", "open", "ongoing")
DEPARTMENTS = (
    "发展和改革局",
    "教育局",
    "科技局",
    "工业和信息化局",
    "公安分局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "信访局",
    "档案局",
    "体育局",
    "民族宗教事务局",
)


async def _board(services: Services, token: str, user_id: int, office: str) -> TestClient:
    """The board's API, for a coordinator (by Telegram id) of `office`."""
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        place = (await load_tree(session)).by_name(office)
        assert place is not None
        member = Member(telegram_user_id=user_id, name=office, created_at=now)
        session.add(member)
        await session.flush()
        session.add(
            Binding(
                member_id=member.id,
                role=Role.COORDINATOR,
                jurisdiction_id=place.id,
                created_at=now,
            )
        )
    app = web.Application()
    app.add_routes(BoardApi(services, token).routes())
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def _get(client: TestClient, token: str, user_id: int, path: str, now: datetime) -> Any:
    headers = {"Authorization": f"tma {_launch(user_id, token, now)}"}
    response = await client.get(f"/board/api/{path}", headers=headers)
    assert response.status == 200, path
    return await response.json()


def _summed(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {key: sum(row["counts"][key] for row in rows) for key in COUNTS}


async def test_the_board_shows_a_city_each_district_as_one_row_adding_up_and_opens_one(
    services: Services,
) -> None:
    token = "4242:city"
    await _city(services)
    city = await _board(services, token, 40_001, "宝鸡市")
    district = await _board(services, token, 40_002, "渭滨区")
    now = services.clock.now()
    try:
        top = await _get(city, token, 40_001, "overview", now)
        mine = await _get(district, token, 40_002, "overview", now)
        async with services.sessions() as session:
            tree = await load_tree(session)
            every = await unit_counts(session, services.today(), services.calendar)
        places = {name: tree.by_name(name).id for name in ("渭滨区", "金台区")}  # type: ignore[union-attr]
        assert sorted(row["name"] for row in top["units"]) == ["渭滨区", "金台区"]
        assert {row["place"] for row in top["units"]} == set(places.values())
        assert all(row["id"] is None and row["kind"] == "jurisdiction" for row in top["units"])
        totals = {key: sum(getattr(row, key) for row in every) for key in COUNTS}
        assert _summed(top["units"]) == totals, "the districts' rows add up to the city's"
        [weibin] = [row for row in top["units"] if row["name"] == "渭滨区"]
        assert weibin["counts"] == _summed(mine["units"]), "a district's row sums its units"
        assert top["opened"] is None and mine["opened"] is None
        assert {row["key"] for row in top["chart"]["rows"]} <= {row["key"] for row in top["units"]}

        opened = await _get(city, token, 40_001, f"overview?place={places['渭滨区']}", now)
        assert opened["opened"] == {"id": places["渭滨区"], "name": "渭滨区"}
        assert [(row["name"], row["counts"]) for row in opened["units"]] == [
            (row["name"], row["counts"]) for row in mine["units"]
        ], "the city opening a district sees what the district's office sees"
        unit = opened["units"][0]["id"]
        paged = await _get(city, token, 40_001, f"units/{unit}?page=0", now)
        assert paged["unit"]["id"] == unit

        other = await _get(district, token, 40_002, f"overview?place={places['金台区']}", now)
        assert other["opened"] is None and other["units"] == mine["units"], "not theirs to open"
    finally:
        await city.close()
        await district.close()


def _big_plan() -> bytes:
    units = "、".join(f"区{name}" for name in DEPARTMENTS)
    return f"""渭滨区2026年度依法行政工作要点

一、总体任务
1、开展行政执法案卷评查。12月底前完成。（责任单位：{units}）
""".encode()


async def test_paging_a_district_the_city_opened_stays_inside_the_district(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        source = read_source(_big_plan(), "big.txt")
        await import_sources(h.services, [source], past="skip", jurisdiction="渭滨区")
        await run_daily(h.services, force=True)
        city = await _coordinator(h, "宝鸡协调", "宝鸡市")
        first = await h.say(city, "/status 渭滨区")
        [nav] = [data for data in buttons(first) if data.startswith("o:")]
        assert nav.startswith("o:j") and nav.endswith(":1")
        after = await h.last_seq(city)
        await h.sandbox.press(city, first["message_id"], nav)
        [second] = (await h.sandbox.wait_for(city, 1, after=after, kinds=["edit"]))[:1]
        assert "第 2/2 页" in second["text"]
        assert "金台区" not in second["text"] and "区" in second["text"]
        shown = {line for line in (first["text"] + second["text"]).splitlines() if " — " in line}
        assert len(shown) >= len(DEPARTMENTS), "both pages: the district's units, none twice"
