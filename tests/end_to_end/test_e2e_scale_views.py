"""/mytasks and /status stay readable at 60 duties and at 200 units; counts and unbinding."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import SettableClock
from bot.usecases.invites.links import create_invite
from storage.models import Assignment, Binding, Occurrence, Role
from tests.bulk import bulk_due_reminders
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import buttons, press_and_reply

FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


async def coordinator(h: Harness, name: str = "王协调") -> int:
    user = await h.user(name)
    async with h.services.sessions() as session, session.begin():
        token = (await create_invite(session, h.clock, Role.COORDINATOR, None)).token
    await h.say(user, f"/start {token}")
    return user


async def test_mytasks_pages_through_60_duties(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        liaison = 70_001
        h.server.state.add_user("李联络", user_id=liaison)
        await bulk_due_reminders(h.services, [liaison], 60, FUTURE)
        first = await h.say(liaison, "/mytasks")
        assert "共 60 项" in first["text"] and len(first["text"]) <= 4096
        pages = 1
        seen_numbers: set[str] = set()
        page = first
        while True:
            seen_numbers.update(
                line.split(".")[0] for line in page["text"].splitlines() if line[:1].isdigit()
            )
            forward = [d for d in buttons(page) if d.startswith("t:open:") and d != "t:open:0"]
            nxt = [d for d in forward if int(d.rsplit(":", 1)[1]) == pages]
            if not nxt:
                break
            after = await h.last_seq(liaison)
            await h.sandbox.press(liaison, page["message_id"], nxt[0])
            [page] = (await h.sandbox.wait_for(liaison, 1, after=after, kinds=["edit"]))[:1]
            assert len(page["text"]) <= 4096
            pages += 1
        assert pages == 8 and len(seen_numbers) == 60


async def test_status_pages_through_200_units(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        chats = list(range(80_001, 80_201))
        for chat in chats:
            h.server.state.add_user(f"u{chat}", user_id=chat)
        await bulk_due_reminders(h.services, chats, 1, FUTURE)
        boss = await coordinator(h)
        overview = await h.say(boss, "/status")
        assert len(overview["text"]) <= 4096
        assert "🟢 200" in overview["text"] or "200" in overview["text"]
        nav = [d for d in buttons(overview) if d.startswith("o:")]
        assert nav == ["o:1"]
        after = await h.last_seq(boss)
        await h.sandbox.press(boss, overview["message_id"], "o:7")
        [last] = (await h.sandbox.wait_for(boss, 1, after=after, kinds=["edit"]))[:1]
        assert "第 8/8 页" in last["text"] and len(last["text"]) <= 4096


async def test_count_one_more_and_coordinator_unbinds(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        liaison = 90_001
        h.server.state.add_user("李联络", user_id=liaison)
        await bulk_due_reminders(h.services, [liaison], 1, FUTURE)
        async with h.services.sessions() as session, session.begin():
            occurrence = await session.scalar(select(Occurrence))
            assert occurrence is not None
            occurrence.target_count = 2
        tasks = await h.say(liaison, "/mytasks")
        card = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
        )
        assert "0/2" in card["text"]
        count_data = next(d for d in buttons(card) if d.startswith("s:c:"))
        asked = await press_and_reply(h, liaison, card, count_data)
        assert "哪一天" in asked["text"]
        first = await h.say(liaison, "11月20日")
        assert "1/2" in first["text"]
        asked = await press_and_reply(h, liaison, card, count_data)
        today = next(d for d in buttons(asked) if d.startswith("s:ct:"))
        second = await press_and_reply(h, liaison, asked, today)
        assert "2/2" in second["text"] and "已完成" in second["text"]
        async with h.services.sessions() as session:
            assignment = await session.scalar(select(Assignment))
            assert assignment is not None and assignment.progress_count == 2
        boss = await coordinator(h)
        removed = await h.say(boss, f"/unbind {liaison}")
        assert "已解除 1 个绑定" in removed["text"]
        after = await h.say(liaison, "/mytasks")
        assert "还不是任何单位的联络员" in after["text"]
        async with h.services.sessions() as session:
            binding: Any = await session.scalar(select(Binding).where(Binding.role == Role.LIAISON))
            assert binding is not None and binding.active is False
