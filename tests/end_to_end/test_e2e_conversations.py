"""Liaison and coordinator conversations end to end through the sandbox (issue 7)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.invites.links import create_invite
from bot.usecases.planning.daily import run_daily
from bot.usecases.units.lookup import find_unit
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    Member,
    Reminder,
    ReminderState,
    Role,
    StatusReport,
    Unit,
    UnitGroup,
    UnitGroupMember,
    UnitKind,
)
from tests.e2e import Harness, running_bot


async def seed_units(services: Services) -> None:
    """Three departments in the statutory groups, as an import would leave them."""
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        units = [
            Unit(name=name, kind=UnitKind.DEPARTMENT, created_at=now)
            for name in ("区司法局", "区市场监督管理局", "区教育局")
        ]
        groups = [
            UnitGroup(name=name, created_at=now)
            for name in ("全体单位", "区直各部门", "各行政执法部门")
        ]
        session.add_all([*units, *groups])
        await session.flush()
        for group in groups:
            for unit in units:
                if group.name == "各行政执法部门" and unit.name == "区教育局":
                    continue
                session.add(UnitGroupMember(group_id=group.id, unit_id=unit.id))
    await run_daily(services)


async def invite_token(services: Services, unit_name: str | None, role: Role) -> str:
    async with services.sessions() as session, session.begin():
        unit = await find_unit(session, unit_name) if unit_name else None
        return (await create_invite(session, services.clock, role, unit)).token


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def press_and_reply(
    h: Harness, user: int, message: dict[str, Any], data: str, chat: int | None = None
) -> dict[str, Any]:
    chat_id = chat or user
    after = await h.last_seq(chat_id)
    await h.sandbox.press(user, message["message_id"], data, chat_id=chat_id)
    [reply] = (await h.sandbox.wait_for(chat_id, 1, after=after, kinds=["message"]))[:1]
    return reply


async def wait_answers(h: Harness, count: int) -> list[dict[str, Any]]:
    """Callback answers once there are `count` of them (they carry refusals as alerts)."""
    for _ in range(100):
        answers = await h.sandbox.callback_answers()
        if len(answers) >= count:
            return answers
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} callback answers, got {len(answers)}")


async def next_reminder_time(services: Services, chat_id: int) -> Any:
    async with services.sessions() as session:
        return await session.scalar(
            select(func.min(Reminder.planned_at)).where(
                Reminder.chat_id == chat_id, Reminder.state == ReminderState.PLANNED
            )
        )


async def test_invite_bind_remind_done_status_undo(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        token = await invite_token(h.services, "区司法局", Role.LIAISON)
        bound = await h.say(liaison, f"/start {token}")
        assert "区司法局" in bound["text"] and "联络员" in bound["text"]
        reused = await h.say(await h.user("冒用者"), f"/start {token}")
        assert "已被使用" in reused["text"]

        tasks = await h.say(liaison, "/mytasks")
        assert "您的任务" in tasks["text"] and "公开上年度行政执法总体情况" in tasks["text"]
        assert any(data.startswith("c:") for data in buttons(tasks))
        card = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
        )
        assert "时间要求" in card["text"] and "责任单位" in card["text"]

        due_at = await next_reminder_time(h.services, liaison)
        assert due_at is not None
        after = await h.last_seq(liaison)
        clock.set(due_at)
        [reminder] = (
            await h.sandbox.wait_for(liaison, 1, after=after, timeout=15, kinds=["message"])
        )[:1]
        assert "截止" in reminder["text"] and "来源" in reminder["text"]
        done_data = next(d for d in buttons(reminder) if d.startswith("s:d:"))
        confirmation = await press_and_reply(h, liaison, reminder, done_data)
        assert "已记录" in confirmation["text"] and "已完成" in confirmation["text"]
        undo_data = next(d for d in buttons(confirmation) if d.startswith("u:"))

        status = await h.say(liaison, "/status")
        assert "已完成 1" in status["text"]
        undone = await press_and_reply(h, liaison, confirmation, undo_data)
        assert "已撤销" in undone["text"]
        status = await h.say(liaison, "/status")
        assert "已完成 0" in status["text"]
        seen = len(await h.sandbox.callback_answers())
        await h.sandbox.press(liaison, confirmation["message_id"], undo_data)
        answers = await wait_answers(h, seen + 1)
        assert "已经撤销" in (answers[-1].get("text") or "")

        async with h.services.sessions() as session:
            history = list(await session.scalars(select(StatusReport).order_by(StatusReport.id)))
        assert [r.status for r in history if r.status] == [
            AssignmentStatus.DONE,
            AssignmentStatus.OPEN,
        ]


async def test_strangers_and_other_units_are_refused(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        justice = await h.user("李联络")
        education = await h.user("周联络")
        stranger = await h.user("路人")
        await h.say(justice, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
        await h.say(education, f"/start {await invite_token(h.services, '区教育局', Role.LIAISON)}")
        tasks = await h.say(justice, "/mytasks")
        card_data = next(d for d in buttons(tasks) if d.startswith("c:"))
        assignment_id = int(card_data.split(":")[1])
        for intruder in (education, stranger):
            own = await h.say(intruder, "/help")
            after_answers = len(await h.sandbox.callback_answers())
            for forged in (
                f"s:d:{assignment_id}",
                f"c:{assignment_id}",
                f"s:b:{assignment_id}",
                "s:d:99999999",
                "s:x:1",
                "zz",
            ):
                await h.sandbox.press(intruder, own["message_id"], forged)
            answers = (await wait_answers(h, after_answers + 6))[after_answers:]
            assert len(answers) == 6
            assert all(a.get("show_alert") for a in answers)
        async with h.services.sessions() as session:
            statuses = set(await session.scalars(select(Assignment.status)))
            reports = await session.scalar(select(func.count()).select_from(StatusReport))
        assert statuses == {AssignmentStatus.OPEN} and reports == 0
        stranger_tasks = await h.say(stranger, "/mytasks")
        assert "还不是任何单位的联络员" in stranger_tasks["text"]
        denied = await h.say(stranger, "/invite 区司法局")
        assert "只有协调员" in denied["text"]
        expired_token = await invite_token(h.services, "区司法局", Role.LIAISON)
        clock.advance(timedelta(days=8))
        expired = await h.say(stranger, f"/start {expired_token}")
        assert "已过期" in expired["text"]
        forged = await h.say(stranger, "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        assert "无效" in forged["text"]


async def test_blocked_and_more_time_reach_the_coordinator_in_english(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        coordinator = await h.user("Wang")
        await h.say(coordinator, "/lang en")
        welcome = await h.say(
            coordinator, f"/start {await invite_token(h.services, None, Role.COORDINATOR)}"
        )
        assert "coordinator" in welcome["text"]
        liaison = await h.user("Li")
        await h.say(liaison, "/lang en")
        await h.say(liaison, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
        tasks = await h.say(liaison, "/mytasks")
        assert tasks["text"].startswith("Your tasks")
        card = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
        )
        blocked = await press_and_reply(
            h, liaison, card, next(d for d in buttons(card) if d.startswith("s:b:"))
        )
        assert "blocking" in blocked["text"]
        coordinator_seq = await h.last_seq(coordinator)
        confirmation = await h.say(liaison, "Waiting for the statistics office")
        assert "blocked" in confirmation["text"]
        [notice] = (
            await h.sandbox.wait_for(
                coordinator, 1, after=coordinator_seq, timeout=15, kinds=["message"]
            )
        )[:1]
        assert (
            "Waiting for the statistics office" in notice["text"] and "区司法局" in notice["text"]
        )

        more = await press_and_reply(
            h, liaison, card, next(d for d in buttons(card) if d.startswith("s:m:"))
        )
        assert "date" in more["text"]
        bad = await h.say(liaison, "someday")
        assert "could not read a date" in bad["text"]
        coordinator_seq = await h.last_seq(coordinator)
        granted = await h.say(liaison, "2027-02-20 need the annual data")
        assert "Asked for a new date" in granted["text"]
        [notice] = (
            await h.sandbox.wait_for(
                coordinator, 1, after=coordinator_seq, timeout=15, kinds=["message"]
            )
        )[:1]
        assert "Extension request" in notice["text"] and "need the annual data" in notice["text"]

        overview = await h.say(coordinator, "/status")
        assert overview["text"].startswith("All units:")
        drill = await h.say(coordinator, "/status 区司法局")
        assert "Status of 区司法局" in drill["text"]


async def test_evidence_note_and_count_in_a_group_chat(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        group = await h.sandbox.create_group("司法局工作群", [liaison])
        group_id = int(group["id"])
        token = await invite_token(h.services, "区司法局", Role.LIAISON)
        bound = await h.say(liaison, f"/start {token}", chat_id=group_id)
        assert "区司法局" in bound["text"]
        async with h.services.sessions() as session:
            binding = await session.scalar(select(Binding))
            assert binding is not None and binding.chat_id == group_id
        tasks = await h.say(liaison, "/mytasks", chat_id=group_id)
        card = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:")), chat=group_id
        )
        ask = await press_and_reply(
            h, liaison, card, next(d for d in buttons(card) if d.startswith("s:n:")), chat=group_id
        )
        assert "佐证" in ask["text"]
        after = await h.last_seq(group_id)
        # The question asks for a reply (ForceReply): under privacy mode only a reply reaches
        # the bot, and the member's app opens one.
        assert ask["reply_markup"] == {"force_reply": True, "selective": True}
        await h.sandbox.upload(
            liaison,
            b"%PDF-1.4 fake report",
            "执法统计.pdf",
            chat_id=group_id,
            reply_to_message_id=ask["message_id"],
        )
        [saved] = (await h.sandbox.wait_for(group_id, 1, after=after, kinds=["message"]))[:1]
        assert "已为" in saved["text"]
        reply_note = await h.sandbox.send_text(
            liaison,
            "补充说明：已报区政府",
            chat_id=group_id,
            reply_to_message_id=card["message_id"],
        )
        assert reply_note.message_id
        [noted] = (
            await h.sandbox.wait_for(
                group_id, 1, after=await h.last_seq(group_id) - 0 if False else saved["seq"]
            )
        )[:1]
        assert "已为" in noted["text"]
        refreshed = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:")), chat=group_id
        )
        assert "执法统计.pdf" in refreshed["text"] and "补充说明" in refreshed["text"]
        files_seq = await h.last_seq(group_id)
        await h.sandbox.press(
            liaison,
            refreshed["message_id"],
            next(d for d in buttons(refreshed) if d.startswith("v:")),
            chat_id=group_id,
        )
        [document] = (await h.sandbox.wait_for(group_id, 1, after=files_seq, kinds=["message"]))[:1]
        assert document.get("document") is not None
        async with h.services.sessions() as session:
            member = await session.scalar(select(Member))
            assert member is not None and member.telegram_user_id == liaison
