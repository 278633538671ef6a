"""Issue 18 through the sandbox: one date format per locale in a whole conversation, no unit
names for strangers, and an old invite link that tells the truth."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.clock import SettableClock
from storage.models import Role
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import (
    buttons,
    invite_token,
    next_reminder_time,
    press_and_reply,
    seed_units,
)

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Anything that reads as a date: digits with separators, Chinese dates, English month names.
DATE_LIKE = re.compile(
    r"\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}年\d{1,2}月\d{1,2}日"
    rf"|(?:\d{{1,2}} )?\b(?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
    r"(?: \d{1,2}\b,?)?(?: \d{4})?"
)
ONE_FORMAT = {
    "zh_CN": re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"),
    "en": re.compile(rf"\d{{1,2}} (?:{MONTHS}) \d{{4}}"),
}
YEARLESS = {  # a day of every year ("1–7 December"), the same pattern without the year
    "zh_CN": re.compile(r"\d{1,2}月\d{1,2}日"),
    "en": re.compile(rf"\d{{1,2}} (?:{MONTHS})"),
}
TIME_LIKE = re.compile(r"\d{1,2}:\d{2}(?:\s*(?:AM|PM|am|pm))?|[上下]午\s*\d{1,2}:\d{2}")


async def _conversation(h: Harness, clock: SettableClock, language: str) -> list[str]:
    """Everything the bot says to a coordinator and a liaison in one language: an invite,
    the task list, a duty card, a reminder, a change and the status."""
    boss = await h.user("王协调")
    await h.say(boss, f"/lang {language}")
    await h.say(boss, f"/start {await invite_token(h.services, None, Role.COORDINATOR)}")
    invite = await h.say(boss, "/invite 区司法局")
    token = re.search(r"start=([\w-]+)", invite["text"])
    assert token is not None
    liaison = await h.user("李联络")
    await h.say(liaison, f"/lang {language}")
    await h.say(liaison, f"/start {token.group(1)}")
    tasks = await h.say(liaison, "/mytasks")
    card = await press_and_reply(
        h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
    )
    due_at = await next_reminder_time(h.services, liaison)
    assert due_at is not None
    after = await h.last_seq(liaison)
    clock.set(due_at)
    [reminder] = (await h.sandbox.wait_for(liaison, 1, after=after, timeout=15, kinds=["message"]))[
        :1
    ]
    more_time = next(d for d in buttons(reminder) if d.startswith("s:p:"))
    await press_and_reply(h, liaison, reminder, more_time)
    await h.say(liaison, "/status")
    await h.say(boss, "/status 区司法局")
    texts: list[str] = []
    for chat in (boss, liaison):
        texts.extend(
            m.get("text") or m.get("caption") or "" for m in await h.sandbox.messages(chat)
        )
    assert card["text"] in texts and reminder["text"] in texts
    return texts


def _formats(texts: list[str], language: str) -> tuple[set[str], set[str]]:
    """Dates that are not in the locale's one format, and times not on the 24-hour clock."""
    odd_dates = {
        found.strip()
        for text in texts
        for found in DATE_LIKE.findall(text)
        if not ONE_FORMAT[language].fullmatch(found.strip())
        and not YEARLESS[language].fullmatch(found.strip())
    }
    odd_times = {
        found
        for text in texts
        for found in TIME_LIKE.findall(text)
        if not re.fullmatch(r"[0-2]\d:[0-5]\d", found)
    }
    return odd_dates, odd_times


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_conversation_shows_dates_one_way_per_locale_in_24_hour_time(
    sqlite_url: str, tmp_path: Path, clock: SettableClock, language: str
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        texts = await _conversation(h, clock, "zh" if language == "zh_CN" else "en")
    dates = [d for t in texts for d in ONE_FORMAT[language].findall(t)]
    assert len(dates) >= 5, "the conversation shows dates"
    odd_dates, odd_times = _formats(texts, language)
    assert not odd_dates, f"{language}: dates in another format: {sorted(odd_dates)}"
    assert not odd_times, f"{language}: times not on the 24-hour clock: {sorted(odd_times)}"
    if language == "zh_CN":
        assert not [t for t in texts if re.search(r"\bDue\b", t)], "no English in Chinese"


def _text(message: dict[str, Any]) -> str:
    return message.get("text") or ""


async def test_strangers_get_no_unit_names_from_status_or_calendar(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        stranger = await h.user("路人")
        replies = [
            _text(await h.say(stranger, asked))
            for asked in ("/status %", "/status _", "/status 区", "/calendar _", "/calendar 局")
        ]
        for reply in replies:
            assert "您是不是要找" not in reply and "区司法局" not in reply, reply
            assert "局" not in reply.replace("/calendar 局", ""), reply
            assert "还不是任何单位的联络员" in reply, reply


async def test_a_liaison_unbound_since_is_told_their_old_invite_was_used(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        boss = await h.user("王协调")
        await h.say(boss, f"/start {await invite_token(h.services, None, Role.COORDINATOR)}")
        liaison = await h.user("李联络")
        token = await invite_token(h.services, "区司法局", Role.LIAISON)
        assert "区司法局" in _text(await h.say(liaison, f"/start {token}"))
        assert "1" in _text(await h.say(boss, f"/unbind {liaison}"))
        reopened = _text(await h.say(liaison, f"/start {token}"))
        assert "使用过此邀请链接" in reopened and "已被解除" in reopened, reopened
        assert "新链接" in reopened
        assert "您已绑定" not in reopened and "您已是" not in reopened
        assert "还不是任何单位的联络员" in _text(await h.say(liaison, "/mytasks"))


async def test_a_bound_liaison_reopening_their_own_invite_is_told_they_are_bound(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        token = await invite_token(h.services, "区司法局", Role.LIAISON)
        await h.say(liaison, f"/start {token}")
        reopened = _text(await h.say(liaison, f"/start {token}"))
        assert "您已是 区司法局 的联络员" in reopened, reopened
        other = _text(await h.say(await h.user("冒用者"), f"/start {token}"))
        assert "已被使用" in other and "区司法局" not in other
