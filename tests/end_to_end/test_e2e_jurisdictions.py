"""A city and its districts in the chat (issue 20): a district's coordinator sees and acts on
their district only, forged buttons included; the city's sees each district as a row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.board.api import BoardApi
from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.invites.links import create_invite
from bot.usecases.jurisdictions.tree import add_jurisdiction, load_tree
from bot.usecases.planning.daily import run_daily
from storage.models import (
    Assignment,
    Binding,
    Member,
    Plan,
    Role,
    StatusReport,
    Unit,
    UnitGroup,
    UnitGroupMember,
)
from tests.db.test_jurisdictions import plan_text
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import wait_answers
from tests.end_to_end.test_e2e_import_chat import buttons, confirm_buttons, press, upload
from tests.end_to_end.test_office_chat import _launch


async def _city(services: Services) -> dict[str, list[int]]:
    """宝鸡市 over 渭滨区 and 金台区, both plans planned; assignment ids by district."""
    now = services.clock.now()
    for name, place in (("a.txt", "渭滨区"), ("b.txt", "金台区")):
        await import_sources(services, [read_source(plan_text(place), name)], past="skip")
    async with services.sessions() as session, session.begin():
        await add_jurisdiction(session, now, "宝鸡市")
        await add_jurisdiction(session, now, "渭滨区", parent="宝鸡市")
        await add_jurisdiction(session, now, "金台区", parent="宝鸡市")
    await run_daily(services, force=True)
    async with services.sessions() as session:
        tree = await load_tree(session)
        rows = (
            await session.execute(
                select(Assignment.id, Unit.jurisdiction_id).join(
                    Unit, Unit.id == Assignment.unit_id
                )
            )
        ).all()
    return {
        place.name: [aid for aid, where in rows if where == place.id]
        for place in tree.places.values()
    }


async def _coordinator(h: Harness, name: str, office: str) -> int:
    user = await h.user(name)
    async with h.services.sessions() as session, session.begin():
        place = (await load_tree(session)).by_name(office)
        assert place is not None
        invite = await create_invite(
            session, h.services.clock, Role.COORDINATOR, None, jurisdiction_id=place.id
        )
    await h.say(user, f"/start {invite.token}")
    return user


async def test_a_district_coordinator_is_refused_the_other_district_even_by_forged_buttons(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        ids = await _city(h.services)
        weibin = await _coordinator(h, "渭滨协调", "渭滨区")
        own = await h.say(weibin, "/help")
        seen = len(await h.sandbox.callback_answers())
        for assignment_id in ids["金台区"][:2]:
            for forged in (f"s:d:{assignment_id}", f"c:{assignment_id}", f"s:b:{assignment_id}"):
                await h.sandbox.press(weibin, own["message_id"], forged)
        answers = (await wait_answers(h, seen + 6))[seen:]
        assert len(answers) == 6 and all(answer.get("show_alert") for answer in answers)
        other = await h.say(weibin, "/status 金台区")
        assert "金台区" in other["text"] and "下辖" not in other["text"]
        async with h.services.sessions() as session:
            reports = await session.scalar(select(func.count()).select_from(StatusReport))
        assert reports == 0


async def test_the_city_coordinator_sees_each_district_as_a_row_and_can_open_one(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        city = await _coordinator(h, "宝鸡协调", "宝鸡市")
        district = await _coordinator(h, "渭滨协调", "渭滨区")
        overview = await h.say(city, "/status")
        assert "渭滨区" in overview["text"] and "金台区" in overview["text"]
        opened = await h.say(city, "/status 渭滨区")
        mine = await h.say(district, "/status")
        assert opened["text"] == mine["text"]
        assert "区司法局" in mine["text"] and "金台区" not in mine["text"]


async def test_a_district_coordinator_edits_only_their_own_districts_groups_and_units(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        weibin = await _coordinator(h, "渭滨协调", "渭滨区")
        async with h.services.sessions() as session, session.begin():
            tree = await load_tree(session)
            places = {name: tree.by_name(name).id for name in ("渭滨区", "金台区")}  # type: ignore[union-attr]
            groups = {
                group.jurisdiction_id: group.id
                for group in await session.scalars(
                    select(UnitGroup).where(UnitGroup.name == "区直各部门")
                )
            }
            other_unit = await session.scalar(
                select(Unit).where(
                    Unit.jurisdiction_id == places["金台区"], Unit.name == "区市场监督管理局"
                )
            )
            assert other_unit is not None
            other_unit.needs_review = True
            own_unit = await session.scalar(
                select(Unit).where(
                    Unit.jurisdiction_id == places["渭滨区"], Unit.name == "区司法局"
                )
            )
            assert own_unit is not None
            own_unit.needs_review = True
            other_group, other_id = groups[places["金台区"]], other_unit.id
            member = (UnitGroupMember.unit_id == other_id) & (
                UnitGroupMember.group_id == other_group
            )
            assert await session.scalar(select(func.count()).where(member)) == 1, "区直各部门's"

        listing = await h.say(weibin, "/groups")
        shown = _callbacks(listing)
        assert f"og:v:{groups[places['渭滨区']]}" in shown
        assert not any(data.startswith(f"og:v:{other_group}") for data in shown)
        review = await h.say(weibin, "/units")
        assert f"ou:v:{own_unit.id}" in _callbacks(review)
        assert "区市场监督管理局" not in review["plain_text"] + str(_callbacks(review))

        for forged in (f"og:v:{other_group}", f"ou:v:{other_id}", f"og:a:{other_group}"):
            refused = await _pressed(h, weibin, listing, forged)
            assert "区市场监督管理局" not in refused["plain_text"]
            assert "区直各部门" not in refused["plain_text"]
        await _pressed(h, weibin, listing, f"og:x:{other_group}:{other_id}")
        await _pressed(h, weibin, review, f"ou:k:{other_id}:mass")
        async with h.services.sessions() as session:
            unit = await session.get(Unit, other_id)
            still = await session.scalar(select(func.count()).where(member))
        assert unit is not None and unit.kind != "mass" and unit.needs_review
        assert still == 1

        ask = await _pressed(h, weibin, listing, "og:n")
        assert ask["reply_markup"].get("force_reply")
        taken = await h.say(weibin, "区直各部门")  # 渭滨区's own group (金台区 has one too)
        assert "已是某个单位或单位组的名称" in taken["plain_text"]
        ask = await _pressed(h, weibin, listing, "og:n")
        await h.say(weibin, "渭滨区联络组")
        async with h.services.sessions() as session:
            made = await session.scalar(select(UnitGroup).where(UnitGroup.name == "渭滨区联络组"))
        assert made is not None and made.jurisdiction_id == places["渭滨区"]


def _callbacks(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button.get("callback_data", "") for row in rows for button in row]


async def _pressed(h: Harness, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Press a (possibly forged) button of a bot message; the message edited or the next one."""
    after = await h.last_seq(user)
    await h.sandbox.press(user, message["message_id"], data)
    entries = await h.sandbox.wait_for(user, 1, after=after, kinds=["edit", "message"])
    return entries[-1]


def _placeless(title: str) -> bytes:
    return f"""{title}

一、总体任务
1、做好规范性文件备案工作。12月底前完成清理。（责任单位：区司法局）
""".encode()


async def _plan_place(h: Harness, title: str) -> str | None:
    async with h.services.sessions() as session:
        tree = await load_tree(session)
        place = await session.scalar(select(Plan.jurisdiction_id).where(Plan.title == title))
    return tree.places[place].name if place is not None else None


async def test_a_chat_import_goes_to_the_coordinators_district_unless_they_choose_another(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        async with h.services.sessions() as session:
            jintai = (await load_tree(session)).by_name("金台区")
        assert jintai is not None
        weibin = await _coordinator(h, "渭滨协调", "渭滨区")
        [summary] = await upload(h, weibin, _placeless("2026年度普法工作要点"), "a.txt")
        assert "地区：渭滨区" in summary["text"], "no place named: the coordinator's district"
        [change] = [data for data in buttons(summary) if data.startswith("impj:")]
        assert summary["reply_markup"]["inline_keyboard"][0][0]["text"] == "📍 更改辖区"
        listing = await press(h, weibin, summary, change)
        assert [row[0]["text"] for row in listing["reply_markup"]["inline_keyboard"]] == [
            "📍 渭滨区"
        ]
        forged = await press(h, weibin, summary, f"{change}:{jintai.id}")
        assert "未做任何更改" in forged["text"], "a place outside the office is refused"
        await press(h, weibin, summary, confirm_buttons(summary)[0])
        assert await _plan_place(h, "2026年度普法工作要点") == "渭滨区"
        [stored] = await upload(h, weibin, plan_text("金台区"), "b.txt")
        assert "地区：渭滨区" in stored["text"], "another district's stored plan is not theirs"
        [new] = await upload(h, weibin, plan_text("金台区").replace(b"2026", b"2027"), "c.txt")
        assert "地区：渭滨区" in new["text"], "a new plan naming another district: their own"

        city = await _coordinator(h, "宝鸡协调", "宝鸡市")
        [summary] = await upload(h, city, _placeless("2026年度执法监督工作要点"), "b.txt")
        assert "地区：宝鸡市" in summary["text"]
        [change] = [data for data in buttons(summary) if data.startswith("impj:")]
        listing = await press(h, city, summary, change)
        rows = listing["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in rows] == ["📍 宝鸡市", "📍 渭滨区", "📍 金台区"]
        again = await press(h, city, listing, rows[2][0]["callback_data"])
        assert "地区：金台区" in again["text"], "the preview again, with the place chosen"
        await press(h, city, again, confirm_buttons(again)[0])
        assert await _plan_place(h, "2026年度执法监督工作要点") == "金台区"


async def test_the_board_office_shows_and_edits_a_district_coordinators_own_district_only(
    services: Services,
) -> None:
    token = "4242:scope"
    await _city(services)
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        tree = await load_tree(session)
        weibin, jintai = (tree.by_name(name) for name in ("渭滨区", "金台区"))
        assert weibin is not None and jintai is not None
        member = Member(telegram_user_id=30_001, name="渭滨协调", created_at=now)
        session.add(member)
        await session.flush()
        session.add(
            Binding(
                member_id=member.id,
                role=Role.COORDINATOR,
                jurisdiction_id=weibin.id,
                created_at=now,
            )
        )
        groups = {
            group.jurisdiction_id: group.id
            for group in await session.scalars(
                select(UnitGroup).where(UnitGroup.name == "区直各部门")
            )
        }
        units = {
            unit.jurisdiction_id: unit
            for unit in await session.scalars(select(Unit).where(Unit.name == "区司法局"))
        }
        units[jintai.id].needs_review = True
    app = web.Application()
    app.add_routes(BoardApi(services, token).routes())
    client = TestClient(TestServer(app))
    await client.start_server()
    try:

        async def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
            headers = {"Authorization": f"tma {_launch(30_001, token, now)}"}
            response = await client.request(
                method, f"/board/api/{path}", headers=headers, json=body
            )
            return response.status, await response.json()

        status, office = await call("GET", "office")
        assert status == 200 and office["review"] == []
        assert {group["id"] for group in office["groups"]} >= {groups[weibin.id]}
        assert groups[jintai.id] not in {group["id"] for group in office["groups"]}
        assert units[jintai.id].id not in {unit["id"] for unit in office["units"]}
        other, theirs = groups[jintai.id], units[jintai.id].id
        for path, body in (
            (f"office/groups/{other}", {"remove": [theirs]}),
            (f"office/groups/{groups[weibin.id]}", {"add": [theirs]}),
            (f"office/units/{theirs}", {"kind": "mass"}),
            (f"office/units/{units[weibin.id].id}", {"merge_into": theirs}),
        ):
            status, _body = await call("POST", path, body)
            assert status == 409, path
        status, office = await call("POST", "office/groups", {"name": "渭滨区联络组"})
        assert status == 200
    finally:
        await client.close()
    async with services.sessions() as session:
        made = await session.scalar(select(UnitGroup).where(UnitGroup.name == "渭滨区联络组"))
        unit = await session.get(Unit, theirs)
        members = await session.scalar(
            select(func.count()).where(
                UnitGroupMember.unit_id == theirs, UnitGroupMember.group_id == other
            )
        )
    assert made is not None and made.jurisdiction_id == weibin.id
    assert unit is not None and unit.kind != "mass" and members == 1
