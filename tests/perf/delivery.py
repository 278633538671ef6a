"""Delivery measured end to end: the due set goes out through the real bot to the sandbox; the
sandbox's clock says how fast, its log says what was lost or doubled.

Rate = (messages − 1) / (last message − first message), both stamped by the sandbox when it
accepted the sendMessage. Reminders for one chat in one claimed batch travel as one message,
so the table gives messages (what Telegram limits) and reminders apart.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from storage.db import create_engine, session_factory
from storage.models import DeliveryAttempt, Reminder, ReminderState
from tests.perf.processes import SandboxProcess

TELEGRAM_LIMIT = 30.0
DONE_BUTTON = re.compile(r"^(?:s:d|c):(\d+)$")  # done on one duty, open in a list
SETTLED = (
    ReminderState.SENT,
    ReminderState.FAILED,
    ReminderState.COLLAPSED,
    ReminderState.CANCELLED,
)


@dataclass(frozen=True)
class DeliveryResult:
    reminders: int
    messages: int
    seconds: float
    messages_per_second: float
    reminders_per_second: float
    percent_of_limit: float
    lost: int
    duplicated: int
    answered_429: int
    rate_limited_attempts: int
    states: dict[str, int]
    first_message_after_spawn: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def due_pairs(db_url: str, due_ids: list[int]) -> set[tuple[int, int]]:
    """(chat, assignment) of every due reminder: what the sandbox must show exactly once."""
    engine = create_engine(db_url)
    pairs: set[tuple[int, int]] = set()
    try:
        async with session_factory(engine)() as session:
            for start in range(0, len(due_ids), 2_000):
                rows = await session.execute(
                    select(Reminder.chat_id, Reminder.assignment_id).where(
                        Reminder.id.in_(due_ids[start : start + 2_000])
                    )
                )
                pairs.update((int(chat), int(aid)) for chat, aid in rows)
    finally:
        await engine.dispose()
    return pairs


async def _settled(db_url: str, due_ids: list[int]) -> tuple[Counter[str], int]:
    engine = create_engine(db_url)
    counts: Counter[str] = Counter()
    try:
        async with session_factory(engine)() as session:
            for start in range(0, len(due_ids), 2_000):
                chunk = due_ids[start : start + 2_000]
                rows = await session.execute(
                    select(Reminder.state, func.count())
                    .where(Reminder.id.in_(chunk))
                    .group_by(Reminder.state)
                )
                counts.update({state.value: n for state, n in rows})
            limited = await session.scalar(
                select(func.count())
                .select_from(DeliveryAttempt)
                .where(DeliveryAttempt.outcome == "rate_limited")
            )
    finally:
        await engine.dispose()
    return counts, int(limited or 0)


async def wait_settled(db_url: str, due_ids: list[int], timeout: float) -> tuple[Counter[str], int]:
    deadline = time.monotonic() + timeout
    while True:
        counts, limited = await _settled(db_url, due_ids)
        if sum(counts[s.value] for s in SETTLED) >= len(due_ids):
            return counts, limited
        if time.monotonic() > deadline:
            raise TimeoutError(f"the due set did not settle in {timeout:.0f}s: {dict(counts)}")
        await asyncio.sleep(0.5)


async def census(
    sandbox: SandboxProcess,
    pairs: set[tuple[int, int]],
    due_ids: list[int],
    db_url: str,
    spawned_at: float,
    timeout: float,
    grace: float = 1.0,
) -> DeliveryResult:
    """Wait until the due set settled, then count what the sandbox received (after `grace`
    seconds more: nothing may arrive after the rows settled, and a duplicate would)."""
    counts, limited = await wait_settled(db_url, due_ids, timeout)
    await asyncio.sleep(grace)
    chats = {chat for chat, _aid in pairs}
    times: list[float] = []
    seen: Counter[tuple[int, int]] = Counter()
    for _seq, kind, chat, at, data in await sandbox.log():
        if kind != "message" or chat not in chats:
            continue
        times.append(at)
        for item in data:
            if match := DONE_BUTTON.match(item):
                seen[(chat, int(match.group(1)))] += 1
    stats = await sandbox.client.stats()
    messages = len(times)
    span = max(times) - min(times) if messages > 1 else 0.0
    rate = (messages - 1) / span if span > 0 else 0.0
    reminders = sum(1 for pair in pairs if seen[pair] > 0)
    return DeliveryResult(
        reminders=reminders,
        messages=messages,
        seconds=span,
        messages_per_second=rate,
        reminders_per_second=reminders / span if span > 0 else 0.0,
        percent_of_limit=100 * rate / TELEGRAM_LIMIT,
        lost=sum(1 for pair in pairs if seen[pair] == 0),
        duplicated=sum(n - 1 for pair, n in seen.items() if n > 1 and pair in pairs),
        answered_429=int(stats.get("answered_429", 0)),
        rate_limited_attempts=limited,
        states=dict(counts),
        first_message_after_spawn=(min(times) - spawned_at) if times else 0.0,
    )
