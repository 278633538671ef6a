"""Extensions asked of a coordinator, exact undo, and duties a revised plan removed, end to
end through the sandbox (issue 18)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.clock import SettableClock, local_date
from bot.settings import DEFAULT_ZONE
from bot.usecases.planning.daily import run_daily
from bot.usecases.planning.plan import retire_inactive
from bot.usecases.units.lookup import find_unit
from storage.models import (
    Assignment,
    AssignmentStatus,
    Duty,
    DutyUnit,
    ExtensionRequest,
    ExtensionState,
    Occurrence,
    Plan,
    Reminder,
    ReminderState,
    Role,
    RuleKind,
    ScheduleRule,
    StatusReport,
    UnitRole,
)
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import (
    buttons,
    invite_token,
    press_and_reply,
    seed_units,
)

WANTED = date(2027, 2, 20)


@dataclass
class Office:
    h: Harness
    liaison: int
    coordinator: int
    card: dict[str, Any]
    assignment_id: int


async def _office(h: Harness) -> Office:
    """A coordinator and a liaison of 区司法局, and the liaison's first duty card."""
    await seed_units(h.services)
    coordinator = await h.user("王协调")
    await h.say(coordinator, f"/start {await invite_token(h.services, None, Role.COORDINATOR)}")
    liaison = await h.user("李联络")
    await h.say(liaison, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
    tasks = await h.say(liaison, "/mytasks")
    card_data = next(d for d in buttons(tasks) if d.startswith("c:"))
    card = await press_and_reply(h, liaison, tasks, card_data)
    return Office(h, liaison, coordinator, card, int(card_data.split(":")[1]))


async def _press(office: Office, action: str) -> dict[str, Any]:
    data = f"s:{action}:{office.assignment_id}"
    return await press_and_reply(office.h, office.liaison, office.card, data)


async def _alert(h: Harness, user: int, message: dict[str, Any], data: str) -> str:
    """The alert a press got ('' when it got none)."""
    pressed = await h.sandbox.press(user, message["message_id"], data)
    for _ in range(200):
        for answer in await h.sandbox.callback_answers():
            if answer["callback_query_id"] == pressed.callback_query_id:
                return str(answer.get("text") or "")
        await asyncio.sleep(0.05)
    return ""


async def _next_message(h: Harness, chat: int, after: int) -> dict[str, Any]:
    [message] = (await h.sandbox.wait_for(chat, 1, after=after, timeout=15, kinds=["message"]))[:1]
    return message


async def _request_extension(office: Office) -> tuple[dict[str, Any], dict[str, Any]]:
    """The liaison asks for WANTED; (the liaison's confirmation, the coordinator's notice)."""
    h = office.h
    asked = await _press(office, "m")
    assert "预计何时能完成" in asked["text"]
    seen = await h.last_seq(office.coordinator)
    confirmation = await h.say(office.liaison, f"{WANTED.isoformat()} 需等待统计数据")
    notice = await _next_message(h, office.coordinator, seen)
    return confirmation, notice


async def _assignment(office: Office) -> Assignment:
    async with office.h.services.sessions() as session:
        found = await session.get(Assignment, office.assignment_id)
        assert found is not None
        return found


async def _requests(office: Office) -> list[ExtensionRequest]:
    async with office.h.services.sessions() as session:
        return list(await session.scalars(select(ExtensionRequest).order_by(ExtensionRequest.id)))


async def test_an_approved_extension_moves_the_date_and_tells_the_liaison(
    db_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(db_url, tmp_path, clock) as h:
        office = await _office(h)
        confirmation, notice = await _request_extension(office)
        assert "申请延期" in confirmation["text"] and "协调员" in confirmation["text"]
        waiting = await _assignment(office)
        assert waiting.extended_due is None and waiting.status is AssignmentStatus.MORE_TIME
        assert "延期申请" in notice["text"] and "需等待统计数据" in notice["text"]
        labels = [b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["✅ 批准", "❌ 不批准"]
        approve = next(d for d in buttons(notice) if d.startswith("x:a:"))

        liaison_seen = await h.last_seq(office.liaison)
        decided = await press_and_reply(h, office.coordinator, notice, approve)
        assert "已批准" in decided["text"] and "2027年2月20日" in decided["text"]
        told = await _next_message(h, office.liaison, liaison_seen)
        assert "王协调已批准" in told["text"] and "2027年2月20日" in told["text"]
        moved = await _assignment(office)
        assert moved.extended_due == WANTED

        refuse = next(d for d in buttons(notice) if d.startswith("x:r:"))
        again = await _alert(h, office.coordinator, notice, refuse)
        assert "已由王协调批准" in again
        [request] = await _requests(office)
        assert request.state is ExtensionState.APPROVED
        assert (await _assignment(office)).extended_due == WANTED


async def test_a_refused_extension_keeps_the_date_and_tells_the_liaison(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        before = await _assignment(office)
        _confirmation, notice = await _request_extension(office)
        refuse = next(d for d in buttons(notice) if d.startswith("x:r:"))
        liaison_seen = await h.last_seq(office.liaison)
        decided = await press_and_reply(h, office.coordinator, notice, refuse)
        assert "未批准" in decided["text"]
        told = await _next_message(h, office.liaison, liaison_seen)
        assert "王协调未批准" in told["text"] and "仍于" in told["text"]
        after = await _assignment(office)
        assert after.extended_due is None and after.due_date == before.due_date
        assert after.status is AssignmentStatus.OPEN
        [request] = await _requests(office)
        assert request.state is ExtensionState.REFUSED


async def _question_stays_open(sqlite_url: str, tmp_path: Path, clock: SettableClock, bad: str):
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        await _press(office, "m")
        answer = await h.say(office.liaison, bad)
        assert await _requests(office) == []
        assert (await _assignment(office)).status is AssignmentStatus.OPEN
        confirmation = await h.say(office.liaison, WANTED.isoformat())
        assert "申请延期" in confirmation["text"]
        [request] = await _requests(office)
        assert request.state is ExtensionState.PENDING and request.requested_due == WANTED
        return answer["text"]


async def test_a_past_date_keeps_the_question_open(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    past = (local_date(clock.now(), DEFAULT_ZONE) - timedelta(days=3)).isoformat()
    said = await _question_stays_open(sqlite_url, tmp_path, clock, past)
    assert "不在今天之后" in said and "仍在等待" in said


async def test_an_unreadable_date_keeps_the_question_open(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    said = await _question_stays_open(sqlite_url, tmp_path, clock, "过些日子吧")
    assert "没能识别日期" in said


async def test_a_liaison_cannot_approve_their_own_request_with_forged_data(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        confirmation, _notice = await _request_extension(office)
        [request] = await _requests(office)
        for forged in (f"x:a:{request.id}", f"x:r:{request.id}"):
            alert = await _alert(h, office.liaison, confirmation, forged)
            assert "只有协调员" in alert
        [still] = await _requests(office)
        assert still.state is ExtensionState.PENDING and still.decided_by is None
        assert (await _assignment(office)).extended_due is None


async def test_undo_of_a_note_names_the_note(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        await _press(office, "n")
        noted = await h.say(office.liaison, "材料已报送区政府办公室")
        undo = next(d for d in buttons(noted) if d.startswith("u:"))
        undone = await press_and_reply(h, office.liaison, noted, undo)
        assert "已撤销" in undone["text"] and "备注“材料已报送区政府办公室”" in undone["text"]
        assert "恢复为" not in undone["text"]  # a note changed no status, so none is named
        async with h.services.sessions() as session:
            note = await session.scalar(select(StatusReport).where(StatusReport.note.is_not(None)))
        assert note is not None and note.undone_at is not None


async def test_undo_of_an_older_change_is_refused_and_the_newer_stays(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        done = await _press(office, "d")
        in_progress = await _press(office, "p")
        older_undo = next(d for d in buttons(done) if d.startswith("u:"))
        refused = await _alert(h, office.liaison, done, older_undo)
        assert "更新的改动" in refused
        assert (await _assignment(office)).status is AssignmentStatus.IN_PROGRESS

        newer_undo = next(d for d in buttons(in_progress) if d.startswith("u:"))
        undone = await press_and_reply(h, office.liaison, in_progress, newer_undo)
        assert "不再是🔄 进行中" in undone["text"] and "已完成" in undone["text"]
        assert (await _assignment(office)).status is AssignmentStatus.DONE


async def test_a_press_on_a_removed_duty_says_so_and_it_stays_removed_after_the_daily_run(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        office = await _office(h)
        assignment_id = await _plan_duty(h, "区司法局")
        tasks = await h.say(office.liaison, "/mytasks")
        card = await press_and_reply(h, office.liaison, tasks, f"c:{assignment_id}")
        assert "报送法治建设材料" in card["text"]
        await _remove_duty(h, assignment_id, h.services.today())

        for action in ("p", "d", "n"):
            alert = await _alert(h, office.liaison, card, f"s:{action}:{assignment_id}")
            assert "不再包含这项任务" in alert
        await run_daily(h.services, force=True)
        async with h.services.sessions() as session:
            status = await session.scalar(
                select(Assignment.status).where(Assignment.id == assignment_id)
            )
            reports = await session.scalar(select(func.count()).select_from(StatusReport))
            planned = await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(
                    Reminder.assignment_id == assignment_id,
                    Reminder.state == ReminderState.PLANNED,
                )
            )
        assert status is AssignmentStatus.CANCELLED and reports == 0 and planned == 0


async def _plan_duty(h: Harness, unit_name: str) -> int:
    """An imported plan's duty for the unit, planned by the daily run; its assignment."""
    now = h.clock.now()
    async with h.services.sessions() as session, session.begin():
        unit = await find_unit(session, unit_name)
        assert unit is not None
        plan = Plan(plan_key="revised", title="2027年法治建设计划", imported_at=now, updated_at=now)
        duty = Duty(
            number="1",
            position=1,
            section_path=[],
            text="报送法治建设材料",
            review=[],
            created_at=now,
            updated_at=now,
        )
        duty.rules.append(
            ScheduleRule(
                kind=RuleKind.ONE_OFF,
                phrase="2027年3月31日前",
                params={"due": "2027-03-31"},
                created_at=now,
            )
        )
        duty.units.append(DutyUnit(role=UnitRole.LEAD, unit_id=unit.id, raw_name=unit_name))
        plan.duties.append(duty)
        session.add(plan)
    await run_daily(h.services, force=True)
    async with h.services.sessions() as session:
        found = await session.scalar(
            select(Assignment.id)
            .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
            .join(Duty, Duty.id == Occurrence.duty_id)
            .where(Duty.text == "报送法治建设材料")
        )
    assert found is not None
    return int(found)


async def _remove_duty(h: Harness, assignment_id: int, today: date) -> None:
    """What an import of a revised plan leaves for a duty it no longer has: switched off,
    its open assignments cancelled."""
    async with h.services.sessions() as session, session.begin():
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        occurrence = await session.get(Occurrence, assignment.occurrence_id)
        assert occurrence is not None
        duty = await session.get(Duty, occurrence.duty_id)
        assert duty is not None
        duty.active = False
        await session.flush()
        assert await retire_inactive(session, today) >= 1
