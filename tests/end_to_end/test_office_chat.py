"""Office work without the command line: a coordinator manages groups and reviews units in
the chat (/groups, /units) and on the board; a liaison cannot; nothing the chat says names
a command-line tool (issue 19)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.board.api import BoardApi
from bot.clock import SettableClock
from bot.sandbox.web_apps import sign_launch_data
from bot.services import Services
from storage.models import (
    DutyUnit,
    Occurrence,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupMember,
    UnitKind,
    UnitRole,
)
from tests.board_support import NOW, board_world
from tests.digest_fixtures import new_assignment
from tests.e2e import Harness, running_bot


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


async def _setup(h: Harness) -> dict[str, Any]:
    coordinator = await h.user("王协调", "zh")
    liaison = await h.user("李司法", "zh")
    now = h.clock.now()
    async with h.services.sessions() as session, session.begin():
        world = await board_world(session, now, coordinator, liaison)
        spelling = Unit(name="区司法", kind=UnitKind.OTHER, needs_review=True, created_at=now)
        odd = Unit(name="区法治研究会", kind=UnitKind.OTHER, needs_review=True, created_at=now)
        session.add_all([spelling, odd])
        await session.flush()
        assignment = await new_assignment(
            session,
            now,
            world.plans["ledger"],
            spelling,
            now.date(),
            "报送普法清单，结果报区依法治区办",
        )
        occurrence = await session.get(Occurrence, assignment.occurrence_id)
        empty = UnitGroup(name="区直有关部门", created_at=now)  # as an import leaves it
        session.add(empty)
        await session.flush()
        session.add(
            DutyUnit(
                duty_id=occurrence.duty_id,
                role=UnitRole.RESPONSIBLE,
                group_id=empty.id,
                raw_name="区直有关部门",
            )
        )
    return {
        "coordinator": coordinator,
        "liaison": liaison,
        "world": world,
        "spelling": spelling.id,
        "odd": odd.id,
    }


async def _press(h: Harness, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Press a button of a bot message and return the message (edited, or the next one)."""
    after = await h.last_seq(user)
    await h.sandbox.press(user, message["message_id"], data, check_buttons=True)
    entries = await h.sandbox.wait_for(user, 1, after=after, kinds=["edit", "message"])
    return entries[-1]


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def _button(message: dict[str, Any], starts: str) -> str:
    found = [data for text, data in _buttons(message).items() if starts in text]
    assert found, (starts, list(_buttons(message)))
    return found[0]


async def test_groups_and_units_from_the_chat(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        ids = await _setup(h)
        coordinator, liaison = ids["coordinator"], ids["liaison"]

        refused = await h.say(liaison, "/groups")
        assert "只有协调员" in refused["plain_text"]

        listing = await h.say(coordinator, "/groups")
        text = listing["plain_text"]
        assert "单位组" in text and "dutybot" not in text
        empty = _button(listing, "⚠️ 区直有关部门")
        group_card = await _press(h, coordinator, listing, empty)
        assert "尚无成员" in group_card["plain_text"]
        ask = await _press(h, coordinator, group_card, _button(group_card, "添加单位"))
        assert ask["reply_markup"].get("force_reply")
        added = await h.say(coordinator, "区教育局、区民政局")
        assert "已加入“区直有关部门”：区教育局、区民政局" in added["plain_text"]
        assert "已重新安排" in added["plain_text"]
        removing = await _press(h, coordinator, added, _button(added, "移出单位"))
        after = await _press(h, coordinator, removing, _button(removing, "✖ 区民政局"))
        assert "已移出“区直有关部门”：区民政局" in after["plain_text"]

        listing = await h.say(coordinator, "/groups")
        group_card = await _press(h, coordinator, listing, _button(listing, "区直有关部门"))
        unknown_ask = await _press(h, coordinator, group_card, _button(group_card, "添加单位"))
        assert unknown_ask["reply_markup"].get("force_reply")
        unknown = await h.say(coordinator, "区不存在局")
        assert "不认识这些单位：区不存在局" in unknown["plain_text"]

        listing = await h.say(coordinator, "/groups")
        ask = await _press(h, coordinator, listing, _button(listing, "新建单位组"))
        created = await h.say(coordinator, "区执法部门联络组")
        assert "单位组：区执法部门联络组" in created["plain_text"]

        review = await h.say(coordinator, "/units")
        assert "区司法" in review["plain_text"] or "区司法" in str(_buttons(review))
        card = await _press(h, coordinator, review, f"ou:v:{ids['odd']}")
        assert "类型：其他" in card["plain_text"]
        kinded = await _press(h, coordinator, card, f"ou:k:{ids['odd']}:mass")
        assert "区法治研究会的类型已设为：群团组织" in kinded["plain_text"]
        card = await _press(h, coordinator, kinded, "ou:l:0")
        card = await _press(h, coordinator, card, f"ou:v:{ids['spelling']}")
        ask = await _press(h, coordinator, card, f"ou:m:{ids['spelling']}")
        assert ask["reply_markup"].get("force_reply")
        merged = await h.say(coordinator, "区司法局")
        assert "“区司法”已并入区司法局" in merged["plain_text"]
        for message in (listing, added, after, created, review, kinded, merged):
            assert "dutybot " not in message["plain_text"], "no command-line tool in the chat"

        async with h.services.sessions() as session:
            members = set(
                await session.scalars(
                    select(Unit.name)
                    .join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id)
                    .join(DutyUnit, DutyUnit.group_id == UnitGroupMember.group_id)
                    .where(DutyUnit.raw_name == "区直有关部门")
                )
            )
            assert members == {"区教育局"}
            assert await session.scalar(select(Unit.kind).where(Unit.id == ids["odd"])) == "mass"
            assert await session.get(Unit, ids["spelling"]) is None
            assert "区司法" in set(await session.scalars(select(UnitAlias.alias)))


def _launch(user_id: int, token: str, now: datetime) -> str:
    fields = {
        "user": json.dumps({"id": user_id, "first_name": "x"}),
        "auth_date": str(int(now.timestamp())),
    }
    return sign_launch_data(fields, token)


async def test_the_board_does_the_same_office_work_for_coordinators_only(
    services: Services, clock: SettableClock
) -> None:
    token = "4242:office"
    now = clock.now()
    async with services.sessions() as session, session.begin():
        world = await board_world(session, now)
        odd = Unit(name="区法治研究会", kind=UnitKind.OTHER, needs_review=True, created_at=now)
        session.add(odd)
    app = web.Application()
    app.add_routes(BoardApi(services, token).routes())
    client = TestClient(TestServer(app))
    await client.start_server()
    try:

        async def call(method: str, path: str, user: int, body: Any = None) -> tuple[int, Any]:
            headers = {"Authorization": f"tma {_launch(user, token, now)}"}
            response = await client.request(
                method, f"/board/api/{path}", headers=headers, json=body
            )
            return response.status, await response.json()

        assert (await call("GET", "office", 20_002))[0] == 403, "a liaison"
        assert (await call("POST", "office/groups", 20_002, {"name": "x组"}))[0] == 403
        forged = dict(parse_qsl(_launch(20_002, token, now)))
        forged["user"] = json.dumps({"id": 20_001, "first_name": "x"})
        response = await client.get(
            "/board/api/office", headers={"Authorization": f"tma {urlencode(forged)}"}
        )
        assert response.status == 401

        status, office = await call("GET", "office", 20_001)
        assert status == 200 and [u["name"] for u in office["review"]] == ["区法治研究会"]
        status, office = await call("POST", "office/groups", 20_001, {"name": "区直有关部门"})
        group = next(g for g in office["groups"] if g["name"] == "区直有关部门")
        justice = world.units["区司法局"].id
        status, office = await call(
            "POST", f"office/groups/{group['id']}", 20_001, {"add": [justice]}
        )
        group = next(g for g in office["groups"] if g["name"] == "区直有关部门")
        assert status == 200 and [m["name"] for m in group["members"]] == ["区司法局"]
        status, office = await call(
            "POST", f"office/groups/{group['id']}", 20_001, {"remove": [justice]}
        )
        assert next(g for g in office["groups"] if g["name"] == "区直有关部门")["members"] == []
        status, office = await call("POST", f"office/units/{odd.id}", 20_001, {"kind": "mass"})
        assert status == 200 and office["review"] == []
        status, body = await call("POST", "office/groups", 20_001, {"name": "区司法局"})
        assert status == 409 and "已是某个单位或单位组的名称" in body["message"]
    finally:
        await client.close()
