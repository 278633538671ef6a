"""End to end through the sandbox Bot API: the weekly digest from the outbox (chart and text),
/digest, /export, /calendar, and no second digest after a restart."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from pathlib import Path
from typing import Any

from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.usecases.digest.schedule import schedule_digests
from storage.models import DigestSent, Reminder, ReminderKind, ReminderState, Role
from tests.e2e import Harness, running_bot
from tests.factories import add_member, build_assignment


async def _setup(h: Harness, coordinator: int, liaison: int) -> int:
    now = h.clock.now()
    async with h.services.sessions() as session, session.begin():
        built = await build_assignment(session, now, due=date(2026, 11, 10))
        await build_assignment(session, now, unit_name="区公安分局", number="50")
        await add_member(session, now, liaison, built.unit)
        await add_member(session, now, coordinator, None, role=Role.COORDINATOR)
        inserted = await schedule_digests(session, now, h.services.settings, h.services.calendar)
        assert inserted == 2, "this week's, due now, and next week's"
        return built.assignment.id


async def _digest_counts(h: Harness) -> tuple[int, int]:
    async with h.services.sessions() as session:
        sent = await session.scalar(
            select(func.count()).where(
                Reminder.kind == ReminderKind.DIGEST, Reminder.state == ReminderState.SENT
            )
        )
        records = await session.scalar(select(func.count()).select_from(DigestSent))
    return int(sent or 0), int(records or 0)


async def _settled_counts(h: Harness, expected: tuple[int, int]) -> tuple[int, int]:
    """The counts once the dispatcher's group commit has recorded what it sent."""
    counts = await _digest_counts(h)
    for _ in range(50):
        if counts == expected:
            break
        await asyncio.sleep(0.1)
        counts = await _digest_counts(h)
    return counts


async def _files(h: Harness, user: int, command: str, count: int = 1) -> list[dict[str, Any]]:
    after = await h.last_seq(user)
    await h.sandbox.send_text(user, command)
    return await h.sandbox.wait_for(user, count, after=after, timeout=15)


async def test_digest_export_and_calendar_end_to_end(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock, digests=True) as h:
        coordinator = await h.user("赵协调")
        liaison = await h.user("李联络")
        assignment_id = await _setup(h, coordinator, liaison)

        photo, text = (await h.sandbox.wait_for(coordinator, 2, timeout=20))[:2]
        assert photo["photo"] and photo["photo"]["mime_type"] == "image/png"
        assert "📊" in photo["caption"]
        assert "区司法局" in text["text"] and "2026年11月23日" in text["text"]
        png = await h.sandbox.download(photo["photo"]["file_id"])
        assert png.startswith(b"\x89PNG")
        assert await _settled_counts(h, (1, 1)) == (1, 1)

        now_photo, now_text = await _files(h, coordinator, "/digest", 2)
        assert now_photo["photo"] and "区司法局" in now_text["text"]
        assert await _digest_counts(h) == (1, 1), "/digest records nothing"

        [ledger] = await _files(h, coordinator, "/export")
        assert ledger["document"]["file_name"].endswith(".xlsx")
        workbook = load_workbook(
            io.BytesIO(await h.sandbox.download(ledger["document"]["file_id"]))
        )
        plan_sheet = workbook.worksheets[0]
        assert plan_sheet["D3"].value.startswith("行政执法机关")
        assert "13" in plan_sheet["H3"].value, "overdue since 10 November"

        [feed] = await _files(h, liaison, "/calendar")
        assert feed["document"]["file_name"] == "区司法局.ics"
        events = Calendar.from_ical(await h.sandbox.download(feed["document"]["file_id"]))
        assert [str(e["UID"]) for e in events.walk("VEVENT")] == [
            f"assignment-{assignment_id}@dutybot"
        ]

        [refused] = await _files(h, liaison, "/export")
        assert refused["text"] == "只有协调员可以执行此操作。"
        [other_unit] = await _files(h, liaison, "/calendar 区公安分局")
        assert other_unit["text"] == "只有协调员可以查看其他单位。"

    async with running_bot(
        sqlite_url, tmp_path, clock, digests=True
    ) as h:  # the same database, restarted
        assert await h.user("赵协调") == coordinator
        async with h.services.sessions() as session, session.begin():
            await schedule_digests(session, clock.now(), h.services.settings, h.services.calendar)
        await asyncio.sleep(2)  # ten outbox ticks
        history = await h.sandbox.messages(coordinator)
        assert not [m for m in history if m.get("photo") or "📊" in (m.get("text") or "")]
        assert await _digest_counts(h) == (1, 1)
