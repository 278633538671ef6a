"""A coordinator's chat import writes their office's jurisdictions only (issue 20): another
district's stored plan is never revised or moved, whatever the document names, a forged button
claims, or the office became since the preview."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from bot.clock import SettableClock
from bot.usecases.jurisdictions.tree import load_tree
from storage.models import Binding, Member, PendingInput, Plan
from tests.db.test_jurisdictions import plan_text
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_import_chat import buttons, confirm_buttons, press, upload
from tests.end_to_end.test_e2e_jurisdictions import _city, _coordinator, _placeless

REFUSED = "未做任何更改"
EXTRA_ITEM = "3、新增执法案卷评查。11月底前完成。（责任单位：区司法局）\n".encode()


async def _plans(h: Harness) -> dict[str, list[tuple[str, int, str]]]:
    """Each jurisdiction's imported plans: title, duty count, last change."""
    async with h.services.sessions() as session:
        tree = await load_tree(session)
        rows = await session.scalars(
            select(Plan)
            .where(Plan.is_statutory.is_(False))
            .options(selectinload(Plan.duties))
            .order_by(Plan.id)
        )
        found: dict[str, list[tuple[str, int, str]]] = {}
        for plan in rows:
            active = sum(1 for duty in plan.duties if duty.active)
            found.setdefault(tree.places[plan.jurisdiction_id].name, []).append(
                (plan.title, active, plan.updated_at.isoformat())
            )
    return found


async def test_a_district_coordinator_sending_the_other_districts_plan_never_revises_it(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        weibin = await _coordinator(h, "渭滨协调", "渭滨区")
        before = await _plans(h)
        assert [count for _title, count, _at in before["金台区"]] == [2]
        clock.advance(timedelta(minutes=5))
        [summary] = await upload(h, weibin, plan_text("金台区") + EXTRA_ITEM, "jintai.txt")
        assert "地区：渭滨区" in summary["text"] and "地区：金台区" not in summary["text"]
        await press(h, weibin, summary, confirm_buttons(summary)[0])
        after = await _plans(h)
        assert after["金台区"] == before["金台区"], "the other district's plan is untouched"
        assert [(title, count) for title, count, _at in after["渭滨区"]] == [
            ("渭滨区2026年度法治政府建设工作计划", 2),
            ("金台区2026年度法治政府建设工作计划", 3),
        ], "the copy is a plan of the coordinator's own district"


async def test_an_import_confirmed_after_the_office_changed_is_refused_and_writes_nothing(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await _city(h.services)
        city = await _coordinator(h, "宝鸡协调", "宝鸡市")
        [summary] = await upload(h, city, _placeless("2026年度执法监督工作要点"), "a.txt")
        [change] = [data for data in buttons(summary) if data.startswith("impj:")]
        listing = await press(h, city, summary, change)
        rows = listing["reply_markup"]["inline_keyboard"]
        [jintai] = [row[0] for row in rows if row[0]["text"] == "📍 金台区"]
        chosen = await press(h, city, listing, jintai["callback_data"])
        assert "地区：金台区" in chosen["text"]
        async with h.services.sessions() as session, session.begin():
            weibin = (await load_tree(session)).by_name("渭滨区")
            assert weibin is not None
            member = await session.scalar(select(Member.id).where(Member.telegram_user_id == city))
            await session.execute(
                update(Binding).where(Binding.member_id == member).values(jurisdiction_id=weibin.id)
            )
        before = await _plans(h)
        refused = await press(h, city, chosen, confirm_buttons(chosen)[0])
        assert REFUSED in refused["text"]
        assert await _plans(h) == before
        async with h.services.sessions() as session:
            assert await session.scalar(select(PendingInput.id)) is None
