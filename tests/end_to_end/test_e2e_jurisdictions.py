"""A city and its districts in the chat (issue 20): a district's coordinator sees and acts on
their district only, forged buttons included; the city's sees each district as a row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.invites.links import create_invite
from bot.usecases.jurisdictions.tree import add_jurisdiction, load_tree
from bot.usecases.planning.daily import run_daily
from storage.models import Assignment, Role, StatusReport, Unit
from tests.db.test_jurisdictions import plan_text
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import wait_answers


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
