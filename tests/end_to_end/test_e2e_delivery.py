"""Delivery end to end (issue 6): Telegram's limits, faults, catch-up, several workers."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.services import Services
from storage.models import DeliveryAttempt, Member, Reminder, Role
from tests.bulk import bulk_due_reminders
from tests.e2e import Harness, running_bot
from tests.factories import add_member

ASSIGNMENT_IN_BUTTON = re.compile(r"^(?:s:d|c):(\d+)$")  # done on one duty, open in a list


async def states(services: Services) -> Counter[str]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(Reminder.state, func.count())
            .where(Reminder.assignment_id.is_not(None))
            .group_by(Reminder.state)
        )
        return Counter({state.value: count for state, count in rows})


async def wait_settled(
    h: Harness, expected: int, timeout: float = 60, advance: timedelta | None = None
) -> Counter[str]:
    """Until `expected` reminders are sent or failed; optionally moving the clock along."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        counts = await states(h.services)
        if counts["sent"] + counts["failed"] + counts["collapsed"] >= expected:
            return counts
        if loop.time() > deadline:
            raise AssertionError(f"not settled in {timeout}s: {dict(counts)}")
        if advance is not None:
            h.clock.advance(advance)
        await asyncio.sleep(0.25)


async def census(h: Harness, chats: list[int]) -> tuple[int, Counter[tuple[int, int]]]:
    """Messages the sandbox delivered, and how often each (chat, assignment) appeared."""
    messages = 0
    seen: Counter[tuple[int, int]] = Counter()
    for chat in chats:
        for entry in await h.sandbox.messages(chat):
            if entry.get("kind") != "message":
                continue
            messages += 1
            for data in buttons(entry):
                if match := ASSIGNMENT_IN_BUTTON.match(data):
                    seen[(chat, int(match.group(1)))] += 1
    return messages, seen


def buttons(entry: dict[str, Any]) -> list[str]:
    markup = entry.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def add_users(h: Harness, chats: list[int]) -> None:
    for chat in chats:
        h.server.state.add_user(f"联络员{chat}", user_id=chat)


async def test_thousand_reminders_to_300_liaisons_within_telegram_limits(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    chats = list(range(20_001, 20_301))
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        add_users(h, chats)
        await h.sandbox.set_limits(enabled=True)
        deployment = await bulk_due_reminders(h.services, chats, 4, clock.now(), total=1_000)
        assert deployment.reminders == 1_000
        started = asyncio.get_running_loop().time()
        counts = await wait_settled(h, 1_000, timeout=90)
        elapsed = asyncio.get_running_loop().time() - started
        assert counts["sent"] == 1_000, dict(counts)
        messages, seen = await census(h, chats)
        assert len(seen) == 1_000 and set(seen.values()) == {1}, "each reminder exactly once"
        stats = await h.sandbox.stats()
        async with h.services.sessions() as session:
            outcomes = Counter(await session.scalars(select(DeliveryAttempt.outcome)))
        assert set(outcomes) <= {"sent", "rate_limited"}, "no 429 ends as a failure"
        assert stats["answered_429"] == 0, "the bot paces itself under the limits"
        print(
            f"\n1000 reminders in {messages} messages to 300 chats in {elapsed:.1f}s "
            f"({messages / elapsed:.1f} msg/s), {stats['answered_429']} × 429 retried"
        )


async def test_faults_lose_nothing_and_double_nothing(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    chats = list(range(30_001, 30_201))
    blocked = chats[7]
    async with running_bot(
        sqlite_url, tmp_path, clock, send_rate=400, private_chat_interval=0
    ) as h:
        add_users(h, chats)
        coordinator = await h.user("协调员")
        async with h.services.sessions() as session, session.begin():
            await add_member(session, clock.now(), coordinator, None, role=Role.COORDINATOR)
        await h.sandbox.set_faults(
            flood_next=15,
            flood_retry_after=1,
            error_next=12,
            reset_next=6,
            timeout_next=2,
            hang_seconds=7,
            blocked_chats=[blocked],
        )
        await bulk_due_reminders(h.services, chats, 1, clock.now())
        counts = await wait_settled(h, 200, timeout=90, advance=timedelta(minutes=2))
        assert counts["sent"] == 199 and counts["failed"] == 1, dict(counts)
        _messages, seen = await census(h, [c for c in chats if c != blocked])
        assert len(seen) == 199 and set(seen.values()) == {1}, "0 lost, 0 duplicated"
        async with h.services.sessions() as session:
            member = await session.scalar(select(Member).where(Member.telegram_user_id == blocked))
            outcomes = Counter(await session.scalars(select(DeliveryAttempt.outcome)))
        assert member is not None and member.reachable is False
        assert outcomes["rate_limited"] >= 1 and outcomes["transient"] >= 1
        notices = [m for m in await h.sandbox.messages(coordinator) if m.get("kind") == "message"]
        assert any("联络员30008" in (m.get("text") or "") for m in notices)
        print(
            f"\nfaults: attempts {dict(outcomes)}; delivered 199, lost 0, duplicated 0, blocked 1"
        )


async def test_downtime_reminders_arrive_once_collapsed(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    chats = [40_001, 40_002]
    start = clock.now()
    from bot.services import Services as _Services
    from bot.settings import Settings
    from storage.db import create_engine, session_factory
    from storage.schema import upgrade

    engine = create_engine(sqlite_url)
    await upgrade(engine)
    offline = _Services(
        settings=Settings(database_url=sqlite_url, data_dir=tmp_path),
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
    )
    await bulk_due_reminders(offline, chats, 2, start)
    async with offline.sessions() as session, session.begin():
        rows = list(await session.scalars(select(Reminder)))
        for row in rows:
            for day in (1, 2):
                later = start + timedelta(days=day)
                session.add(
                    Reminder(
                        dedupe_key=f"{row.dedupe_key}:+{day}",
                        kind=row.kind,
                        assignment_id=row.assignment_id,
                        member_id=row.member_id,
                        chat_id=row.chat_id,
                        planned_at=later,
                        send_after=later,
                        created_at=start,
                    )
                )
    await offline.close()
    clock.set(start + timedelta(days=2, hours=3))
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        add_users(h, chats)
        counts = await wait_settled(h, 12, timeout=30)
        assert counts["sent"] == 4 and counts["collapsed"] == 8, dict(counts)
        for chat in chats:
            messages = [m for m in await h.sandbox.messages(chat) if m.get("kind") == "message"]
            assert len(messages) == 1, "two assignments, one message per liaison"
            assert "错过了本项的 2 条提醒" in messages[0]["text"]
