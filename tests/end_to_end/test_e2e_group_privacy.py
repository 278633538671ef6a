"""Groups under Telegram's privacy mode, and presses answered too late (issue 18).

The sandbox runs with privacy mode on, as Telegram sets it for every bot: in a group the bot
sees commands, replies to its own messages and mentions, not the members' plain messages. So
every question the bot asks in a group carries ForceReply, and the answer is the member's
reply to it (what their Telegram app sends); evidence is a reply to the duty card.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import SettableClock
from storage.models import (
    Assignment,
    AssignmentStatus,
    Occurrence,
    Role,
    StatusReport,
    UnitGroup,
)
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import (
    buttons,
    invite_token,
    press_and_reply,
    seed_units,
)

FORCE_REPLY = {"force_reply": True, "selective": True}


@dataclass
class Group:
    h: Harness
    liaison: int
    chat_id: int
    tasks: dict[str, Any]

    async def card(self, card_data: str | None = None) -> dict[str, Any]:
        data = card_data or next(d for d in buttons(self.tasks) if d.startswith("c:"))
        return await press_and_reply(self.h, self.liaison, self.tasks, data, chat=self.chat_id)

    async def press(self, message: dict[str, Any], prefix: str) -> dict[str, Any]:
        data = next(d for d in buttons(message) if d.startswith(prefix))
        return await press_and_reply(self.h, self.liaison, message, data, chat=self.chat_id)

    async def reply(self, to: dict[str, Any], text: str) -> dict[str, Any]:
        """The member answers a bot message by replying to it; the bot's next message."""
        after = await self.h.last_seq(self.chat_id)
        await self.h.sandbox.send_text(
            self.liaison, text, chat_id=self.chat_id, reply_to_message_id=to["message_id"]
        )
        replies = await self.h.sandbox.wait_for(self.chat_id, 1, after=after, kinds=["message"])
        return replies[0]


@asynccontextmanager
async def liaison_in_a_group(
    db_url: str, tmp_path: Path, clock: SettableClock
) -> AsyncIterator[Group]:
    """A liaison of 区司法局 bound in a work group, with the bot's task list there."""
    async with running_bot(db_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        chat_id = int((await h.sandbox.create_group("司法局工作群", [liaison]))["id"])
        token = await invite_token(h.services, "区司法局", Role.LIAISON)
        await h.say(liaison, f"/start {token}", chat_id=chat_id)
        tasks = await h.say(liaison, "/mytasks", chat_id=chat_id)
        yield Group(h, liaison, chat_id, tasks)


async def assignment_status(h: Harness, assignment_id: int) -> AssignmentStatus:
    async with h.services.sessions() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return assignment.status


def assignment_of(message: dict[str, Any], prefix: str) -> int:
    return int(next(d for d in buttons(message) if d.startswith(prefix)).rsplit(":", 1)[1])


async def test_in_a_group_a_plain_message_is_not_seen_but_a_mention_is(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with liaison_in_a_group(sqlite_url, tmp_path, clock) as g:
        chatter = await g.h.sandbox.send_text(g.liaison, "大家好，今天开会吗？", chat_id=g.chat_id)
        assert chatter.update_id is None  # Telegram never hands it to the bot
        mention = await g.h.sandbox.send_text(
            g.liaison, "@dutybot_sandbox_bot 在吗", chat_id=g.chat_id
        )
        assert mention.update_id is not None


async def test_in_a_group_the_blocked_reason_is_taken_from_the_reply_to_the_question(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with liaison_in_a_group(sqlite_url, tmp_path, clock) as g:
        card = await g.card()
        assert "回复" in card["text"]  # the card says how evidence reaches the bot here
        question = await g.press(card, "s:b:")
        assert question["reply_markup"] == FORCE_REPLY
        assert question["entities"][0]["type"] == "text_mention"  # names who is asked
        unseen = await g.h.sandbox.send_text(g.liaison, "等统计局数据", chat_id=g.chat_id)
        assert unseen.update_id is None
        confirmation = await g.reply(question, "等统计局数据")
        assert "已记录" in confirmation["text"]
        assert any(d.startswith("u:") for d in buttons(confirmation))
        assert await assignment_status(g.h, assignment_of(card, "s:b:")) is AssignmentStatus.BLOCKED


async def test_in_a_group_a_new_date_is_taken_from_the_reply_and_a_bad_one_is_asked_again(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with liaison_in_a_group(sqlite_url, tmp_path, clock) as g:
        card = await g.card()
        question = await g.press(card, "s:m:")
        assert question["reply_markup"] == FORCE_REPLY
        again = await g.reply(question, "过几天")
        assert again["reply_markup"] == FORCE_REPLY and "日期" in again["text"]
        answered = await g.reply(again, "2027-02-20 需要年度数据")
        assert "2027" in answered["text"]
        async with g.h.services.sessions() as session:
            report = await session.scalar(
                select(StatusReport).where(
                    StatusReport.assignment_id == assignment_of(card, "s:m:")
                )
            )
        assert report is not None


async def test_in_a_group_a_count_is_taken_from_the_reply_to_the_question(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with liaison_in_a_group(sqlite_url, tmp_path, clock) as g:
        counted = assignment_of(g.tasks, "c:")
        async with g.h.services.sessions() as session, session.begin():
            assignment = await session.get(Assignment, counted)
            assert assignment is not None
            occurrence = await session.get(Occurrence, assignment.occurrence_id)
            assert occurrence is not None
            occurrence.target_count = 2  # a duty held twice a year
        card = await g.card(f"c:{counted}")
        question = await g.press(card, "s:c:")
        assert question["reply_markup"] == FORCE_REPLY and "今天" in question["text"]
        confirmation = await g.reply(question, "今天")
        assert "已记录" in confirmation["text"]
        async with g.h.services.sessions() as session:
            assignment = await session.get(Assignment, counted)
            assert assignment is not None and assignment.progress_count == 1


async def test_in_a_group_evidence_is_taken_as_a_reply_to_the_duty_card(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with liaison_in_a_group(sqlite_url, tmp_path, clock) as g:
        card = await g.card()
        loose = await g.h.sandbox.upload(g.liaison, b"%PDF-1.4 a", "无关.pdf", chat_id=g.chat_id)
        assert loose.update_id is None
        after = await g.h.last_seq(g.chat_id)
        await g.h.sandbox.upload(
            g.liaison,
            b"%PDF-1.4 report",
            "执法统计.pdf",
            chat_id=g.chat_id,
            reply_to_message_id=card["message_id"],
        )
        [saved] = (await g.h.sandbox.wait_for(g.chat_id, 1, after=after, kinds=["message"]))[:1]
        assert "已为" in saved["text"]
        async with g.h.services.sessions() as session:
            names = list(await session.scalars(select(StatusReport.evidence_name)))
        assert names == ["执法统计.pdf"]


async def test_a_press_answered_too_late_still_saves_and_confirms_with_undo(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        await h.say(liaison, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
        tasks = await h.say(liaison, "/mytasks")
        card = await press_and_reply(
            h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
        )
        await h.sandbox.set_callback_timeout(0)  # every answer comes too late from now on
        confirmation = await press_and_reply(
            h, liaison, card, next(d for d in buttons(card) if d.startswith("s:d:"))
        )
        assert "已记录" in confirmation["text"] and "已完成" in confirmation["text"]
        assert await assignment_status(h, assignment_of(card, "s:d:")) is AssignmentStatus.DONE
        undone = await press_and_reply(
            h, liaison, confirmation, next(d for d in buttons(confirmation) if d.startswith("u:"))
        )
        assert "已撤销" in undone["text"]
        assert await assignment_status(h, assignment_of(card, "s:d:")) is AssignmentStatus.OPEN
        texts = [m["text"] or "" for m in await h.sandbox.messages(liaison)]
        assert not any("出了点问题" in text for text in texts)
        assert await h.sandbox.callback_answers() != []  # the card's press, before the change


async def test_in_a_group_a_coordinator_names_a_new_unit_group_by_replying(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        coordinator = await h.user("王协调")
        chat_id = int((await h.sandbox.create_group("依法治区办", [coordinator]))["id"])
        token = await invite_token(h.services, None, Role.COORDINATOR)
        await h.say(coordinator, f"/start {token}", chat_id=chat_id)
        listing = await h.say(coordinator, "/groups", chat_id=chat_id)
        new_group = next(d for d in buttons(listing) if d.startswith("og:n"))
        question = await press_and_reply(h, coordinator, listing, new_group, chat=chat_id)
        assert question["reply_markup"] == FORCE_REPLY
        assert question["entities"][0]["type"] == "text_mention"
        g = Group(h, coordinator, chat_id, listing)
        created = await g.reply(question, "区执法部门联络组")
        assert "区执法部门联络组" in created["text"]
        async with h.services.sessions() as session:
            names = set(await session.scalars(select(UnitGroup.name)))
        assert "区执法部门联络组" in names
