"""Buttons that say what they do (issue 18): words on every button, a reminder for several
duties that lists them and opens the right card in one press, and a card that shows the
new status after a press, end to end through the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import SettableClock
from storage.models import Assignment, AssignmentStatus
from tests.chat_support import DUTIES, has_words, labels, seed_liaison
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import press_and_reply

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
PHONE_ROW = 3  # status buttons a row, so their words fit on a phone


async def next_message(h: Harness, chat: int, after: int = 0) -> dict[str, Any]:
    [message] = (await h.sandbox.wait_for(chat, 1, after=after, timeout=15, kinds=["message"]))[:1]
    return message


async def press_and_see_edit(
    h: Harness, user: int, message: dict[str, Any], data: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press a button; return the edit of the pressed message and the confirmation."""
    after = await h.last_seq(user)
    await h.sandbox.press(user, message["message_id"], data)
    entries = await h.sandbox.wait_for(user, 2, after=after, timeout=15, kinds=["message", "edit"])
    [edit] = [e for e in entries if e["kind"] == "edit"]
    [confirmation] = [e for e in entries if e["kind"] == "message"]
    assert edit["message_id"] == message["message_id"]
    return edit, confirmation


async def test_a_reminder_for_several_duties_lists_them_and_one_press_opens_the_right_card(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await seed_liaison(h, "李联络", "zh_CN", due_now=3)
        listing = await next_message(h, li.user_id)
        text = listing["text"]
        assert "您有 3 项任务提醒" in text
        for index, (_number, duty, _due) in enumerate(DUTIES, start=1):
            assert f"{index}. " in text and duty[:20] in text
        t = h.services.translator("zh_CN")
        assert all(f"截止：{t.date_with_weekday(due)}" in text for _n, _d, due in DUTIES)
        shown = labels(listing)
        assert [data for _label, data in shown] == [f"c:{aid}" for aid in li.assignments]
        assert [label.split(".")[0] for label, _data in shown] == ["1", "2", "3"]
        assert shown[1][0].startswith("2. 组织开展行政执法案卷评查")
        assert len(listing["reply_markup"]["inline_keyboard"]) == 3, "one duty a row"

        card = await press_and_reply(h, li.user_id, listing, shown[1][1])
        assert "组织开展行政执法案卷评查并通报评查结果" in card["text"]
        assert "未开始" in card["text"]
        done = next(data for label, data in labels(card) if label == "✅ 已完成")
        assert done == f"s:d:{li.assignments[1]}"

        edit, confirmation = await press_and_see_edit(h, li.user_id, card, done)
        assert "状态：✅ 已完成" in edit["text"] and "未开始" not in edit["text"]
        assert "已记录" in confirmation["text"]
        async with h.services.sessions() as session:
            rows = await session.execute(select(Assignment.id, Assignment.status))
            statuses = {aid: status for aid, status in rows}
        assert statuses[li.assignments[1]] is AssignmentStatus.DONE
        assert statuses[li.assignments[0]] is AssignmentStatus.OPEN


async def test_the_card_shows_the_new_status_after_a_press_and_again_after_undo(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await seed_liaison(h, "Li", "en", due_now=0)
        tasks = await h.say(li.user_id, "/mytasks")
        opened = next(data for label, data in labels(tasks) if label.startswith("1. "))
        card = await press_and_reply(h, li.user_id, tasks, opened)
        assert "Status: ⚪ not started" in card["text"]
        progress = next(data for label, data in labels(card) if label == "🔄 In progress")

        edit, confirmation = await press_and_see_edit(h, li.user_id, card, progress)
        assert "Status: 🔄 in progress" in edit["text"]
        assert "not started" not in edit["text"]
        after_labels = [label for label, _data in labels(edit)]
        assert "• 🔄 In progress" in after_labels and "✅ Done" in after_labels
        assert confirmation["reply_to_message_id"] == card["message_id"], "it answers the card"

        undo = next(data for label, data in labels(confirmation) if label == "↩️ Undo")
        back, undone = await press_and_see_edit_of(h, li.user_id, confirmation, undo, card)
        assert "Undone" in undone["text"]
        assert "Status: ⚪ not started" in back["text"]
        assert [label for label, _data in labels(back)][:2] == ["✅ Done", "🔄 In progress"]


async def press_and_see_edit_of(
    h: Harness, user: int, pressed: dict[str, Any], data: str, card: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press a button of one message; return the edit of `card` and the new message."""
    after = await h.last_seq(user)
    await h.sandbox.press(user, pressed["message_id"], data)
    entries = await h.sandbox.wait_for(user, 2, after=after, timeout=15, kinds=["message", "edit"])
    [edit] = [e for e in entries if e["kind"] == "edit"]
    [reply] = [e for e in entries if e["kind"] == "message"]
    assert edit["message_id"] == card["message_id"]
    return edit, reply


async def test_a_one_duty_reminder_carries_the_cards_buttons_and_done_edits_it(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await seed_liaison(h, "李联络", "zh_CN", due_now=1)
        single = await next_message(h, li.user_id)
        assert "状态：⚪ 未开始" in single["text"]
        shown = [label for label, _data in labels(single)]
        assert shown == ["✅ 已完成", "🔄 进行中", "⛔ 受阻", "⏳ 需延期", "📝 备注/证据"]
        done = f"s:d:{li.assignments[0]}"
        edit, confirmation = await press_and_see_edit(h, li.user_id, single, done)
        assert "状态：✅ 已完成" in edit["text"] and "未开始" not in edit["text"]
        assert labels(edit)[0] == ("• ✅ 已完成", done), "its status marked"
        assert "撤销" in [label for label, _data in labels(confirmation)][0]


async def test_every_button_the_liaison_sees_has_words_and_short_data(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    """Reminders (several duties, one duty), the task list, cards, confirmations and
    questions, in Chinese and English: every label has words beside its icon."""
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        chats = []
        for name, language, unit in (("李联络", "zh_CN", "区司法局"), ("Li", "en", "区民政局")):
            li = await seed_liaison(h, name, language, due_now=3, unit=unit)
            chats.append(li.user_id)
            listing = await next_message(h, li.user_id)
            card = await press_and_reply(h, li.user_id, listing, labels(listing)[0][1])
            done = next(data for _label, data in labels(card) if data.startswith("s:d:"))
            await press_and_see_edit(h, li.user_id, card, done)
            note = next(data for _label, data in labels(card) if data.startswith("s:n:"))
            await press_and_reply(h, li.user_id, card, note)
            await h.say(li.user_id, "已上传统计表 / uploaded the table")
            await h.say(li.user_id, "/mytasks all")
        busy = await seed_liaison(h, "周联络", "zh_CN", due_now=0, extra=7, unit="区教育局")
        tasks = await h.say(busy.user_id, "/mytasks all")
        after = await h.last_seq(busy.user_id)
        await h.sandbox.press(busy.user_id, tasks["message_id"], "t:all:1")
        [page_two] = await h.sandbox.wait_for(busy.user_id, 1, after=after, kinds=["edit"])
        assert ("◀ 上一页", "t:all:0") in labels(page_two)
        assert ("下一页 ▶", "t:all:1") in labels(tasks)
        chats.append(busy.user_id)
        seen = 0
        for chat in chats:
            for entry in await h.sandbox.messages(chat):
                for label, data in labels(entry):
                    seen += 1
                    assert has_words(label), f"no words on {label!r} ({data})"
                    assert 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT
                for row in (entry.get("reply_markup") or {}).get("inline_keyboard", []):
                    assert len(row) <= PHONE_ROW, [b["text"] for b in row]
        assert seen > 40


async def test_a_press_on_an_old_reminder_with_icons_for_several_duties_leaves_its_list(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    """A reminder sent before buttons had words (a row of icons per duty) still works, and
    a press on it confirms without turning the whole list into one duty's card."""
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await seed_liaison(h, "李联络", "zh_CN", due_now=0)
        first, second = li.assignments[:2]
        old_rows = [
            [InlineKeyboardButton(f"{icon}{n}", callback_data=f"s:{a}:{aid}") for a, icon in OLD]
            for n, aid in ((1, first), (2, second))
        ]
        old = await h.app.bot.send_message(
            li.user_id, "您有 2 项任务提醒：…", reply_markup=InlineKeyboardMarkup(old_rows)
        )
        listing = (await h.sandbox.messages(li.user_id))[-1]
        assert listing["message_id"] == old.message_id
        confirmation = await press_and_reply(h, li.user_id, listing, f"s:d:{first}")
        assert "已记录" in confirmation["text"]
        kinds = [e["kind"] for e in await h.sandbox.messages(li.user_id, after=listing["seq"])]
        assert "edit" not in kinds and confirmation.get("reply_to_message_id") is None


OLD = (("d", "✅"), ("p", "🔄"), ("b", "⛔"), ("m", "⏳"), ("n", "📝"))
