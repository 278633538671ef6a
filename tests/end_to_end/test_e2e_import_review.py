"""Reviewing an import in the chat before Confirm: units given, a name merged, an item left
out, a unit typed in reply to the bot's question; all end to end through the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.clock import SettableClock
from storage.models import Duty, Plan, Unit, UnitAlias
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_import_chat import buttons, coordinator, press, upload

PLAN = """2027年度某县普法工作计划
一、工作任务
1、开展宪法宣传周活动。（责任单位：县司法局）
2、开展“法律进乡村”活动。（责任单位：县农业农村局）
3、建设法治文化公园。
4、组织执法人员培训。（责任单位：县司法）
5、编印普法读本。
6、其他工作。
""".encode()


def one(data: list[str], prefix: str) -> str:
    [found] = [item for item in data if item.startswith(prefix)]
    return found


def button(message: dict[str, Any], fragment: str) -> str:
    """The one button of a message whose data holds `fragment` (":n0", ":m1.0.")."""
    [found] = [data for data in buttons(message) if fragment in data]
    return found


async def press_and_see(h: Harness, user: int, message_id: int, data: str) -> dict[str, Any]:
    """Press a button; the bot's next entry in the chat (an edited card or a new message)."""
    after = await h.last_seq(user)
    await h.sandbox.press(user, message_id, data)
    [entry] = (await h.sandbox.wait_for(user, 1, after=after, kinds=["message", "edit"]))[:1]
    return entry


async def duties(h: Harness) -> dict[str, list[str]]:
    async with h.services.sessions() as session:
        rows = await session.scalars(
            select(Duty)
            .join(Plan)
            .where(Plan.is_statutory.is_(False))
            .options(selectinload(Duty.units))
            .order_by(Duty.position)
        )
        names = {unit.id: unit.name for unit in await session.scalars(select(Unit))}
        return {
            duty.number: [names.get(link.unit_id, link.raw_name) for link in duty.units]
            for duty in rows
        }


async def test_a_coordinator_reviews_in_the_chat_and_confirms_what_was_decided(
    db_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(db_url, tmp_path, clock) as h:
        wang = await coordinator(h)
        [summary] = await upload(h, wang, PLAN, "普法计划.txt")
        assert "4 items need review" in summary["text"]
        start = one(buttons(summary), "imr:")
        assert start.endswith(":go") and len(start.encode()) <= 64

        card = await press_and_see(h, wang, summary["message_id"], start)
        assert card["kind"] == "edit" and "Review 1/4 · item 3" in card["text"]
        assert "No unit is named" in card["text"]
        offered = buttons(card)
        assert all(len(data.encode()) <= 64 for data in offered)
        card = await press_and_see(h, wang, summary["message_id"], offered[0])
        assert "Units given: 县司法局" in card["text"], "the unit named most is offered first"

        card = await press_and_see(h, wang, summary["message_id"], button(card, ":n0"))
        assert (
            "Review 2/4 · item 4" in card["text"] and "“县司法” is not a known unit" in card["text"]
        )
        card = await press_and_see(h, wang, summary["message_id"], button(card, ":m1.0.0"))
        assert "“县司法” is 县司法局" in card["text"]

        card = await press_and_see(h, wang, summary["message_id"], button(card, ":n1"))
        assert "Review 3/4 · item 5" in card["text"]
        prompt = await press_and_see(h, wang, summary["message_id"], button(card, ":t2"))
        assert prompt["kind"] == "message" and "Reply to this message" in prompt["text"]
        assert (prompt["reply_markup"] or {}).get("force_reply") is True

        after = await h.last_seq(wang)
        await h.sandbox.send_text(wang, "县教育局", reply_to_message_id=prompt["message_id"])
        [typed] = await h.sandbox.wait_for(wang, 1, after=after, kinds=["message"])
        assert "Review 3/4 · item 5" in typed["text"] and "Units given: 县教育局" in typed["text"]

        card = await press_and_see(h, wang, typed["message_id"], button(typed, ":n2"))
        assert "Review 4/4 · item 6" in card["text"]
        card = await press_and_see(h, wang, typed["message_id"], button(card, ":l3"))
        assert "All 4 items were reviewed" in card["text"]

        preview = await press_and_see(h, wang, typed["message_id"], one(buttons(card), "imr:"))
        assert "New plan: 5 duties will be added." in preview["text"]
        assert "need review" not in preview["text"]
        assert not [d for d in buttons(preview) if d.startswith("imr:")]
        assert await duties(h) == {}, "nothing is written before Confirm"

        done = await press(h, wang, preview, one(buttons(preview), "imp:ok:"))
        assert done["text"].startswith("✅ Imported 普法计划.txt.")
        assert await duties(h) == {
            "1": ["县司法局"],
            "2": ["县农业农村局"],
            "3": ["县司法局"],
            "4": ["县司法局"],
            "5": ["县教育局"],
        }
        async with h.services.sessions() as session:
            aliases = set(await session.scalars(select(UnitAlias.alias)))
        assert "县司法" in aliases, "the merged spelling is remembered for the next import"


async def test_a_review_button_of_someone_elses_import_does_nothing(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        wang = await coordinator(h)
        [summary] = await upload(h, wang, PLAN, "plan.txt")
        start = one(buttons(summary), "imr:")
        li = await coordinator(h, "Li")
        own = (await h.sandbox.messages(li))[-1]
        answer = await press_and_see(h, li, own["message_id"], start)
        assert "no longer waiting" in answer["text"]
        forged = start.replace(":go", ":u99.9")
        card = await press_and_see(h, wang, summary["message_id"], start)
        again = await press_and_see(h, wang, summary["message_id"], forged)
        assert again["text"] == card["text"], "a forged option changes nothing"
