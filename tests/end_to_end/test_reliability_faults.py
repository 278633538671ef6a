"""The fault suite: a broadcast through every fault the sandbox can inject, nothing lost.

One broadcast of 600 reminders runs through a 429 storm with growing retry_after, 500 and 502
bursts, hanging calls, connection resets, a liaison who blocks the bot halfway, a group that
becomes a supergroup and a chat that no longer exists, while other people keep talking to the
bot. Printed with -s: faults injected, messages attempted, delivered, lost (0), duplicated (0).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import SettableClock
from storage.models import Binding, DeliveryAttempt, Member, Reminder, ReminderState, Role
from tests.bulk import bulk_due_reminders
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_delivery import ASSIGNMENT_IN_BUTTON, buttons
from tests.factories import add_member, build_assignment, reminder
from tests.reliability import wait_until

CHATS = list(range(80_001, 80_601))
GROUP_CHAT = -500_001
SUPERGROUP_CHAT = -1_000_000_000_077
MISSING_CHAT = CHATS[3]
BLOCKER_CHAT = CHATS[-2]  # late in the broadcast's order, blocked when it is half done
STORM = (
    {"flood_next": 2, "flood_retry_after": 1},
    {"flood_next": 2, "flood_retry_after": 2},
    {"flood_next": 2, "flood_retry_after": 3},
    {"error_next": 8, "error_code": 500},
    {"error_next": 8, "error_code": 502},
    {"timeout_next": 2, "hang_seconds": 1.0},
    {"reset_next": 6},
)
SPREAD = 70  # messages between two phases of the storm
COUNTED = ("flood_next", "error_next", "timeout_next", "reset_next")


def _injected(h: Harness) -> int:
    return sum(h.server.state.stats.faults_injected.values())


async def _settled(h: Harness) -> bool:
    async with h.services.sessions() as session:
        open_rows = await session.scalar(
            select(Reminder.id)
            .where(
                Reminder.assignment_id.is_not(None),
                Reminder.state.in_([ReminderState.PLANNED, ReminderState.CLAIMED]),
            )
            .limit(1)
        )
    return open_rows is None


async def _storm(h: Harness, log: list[str]) -> None:
    """Each phase's counted faults, one after another, while the broadcast goes on."""
    for number, knobs in enumerate(STORM, start=1):

        async def spread(number: int = number) -> bool:  # phases spread over the broadcast
            return h.server.state.stats.sent_messages >= (number - 1) * SPREAD

        await wait_until(spread, 60, f"the broadcast to reach phase {number}")
        if await _settled(h):
            log.append(f"phase {number}: broadcast already done")
            return
        target = _injected(h) + sum(knobs.get(name, 0) for name in COUNTED)
        await h.sandbox.set_faults(**knobs)

        async def consumed(target: int = target) -> bool:
            return _injected(h) >= target or await _settled(h)

        await wait_until(consumed, 60, f"storm phase {number}")
        if number == 4:  # halfway: a liaison blocks the bot
            await h.sandbox.set_faults(blocked_chats=[BLOCKER_CHAT])
        log.append(f"phase {number} {knobs}: done at {h.server.state.stats.sent_messages} sent")


async def _advance_clock(clock: SettableClock, stop: asyncio.Event) -> None:
    """Retries wait in clock time (backoff, retry_after): keep the clock moving."""
    while not stop.is_set():
        clock.advance(timedelta(seconds=20))
        await asyncio.sleep(0.3)


async def _ask(
    h: Harness, user: int, text: str, timeout: float = 45
) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    reply = await h.say(user, text, timeout=timeout)
    return reply, time.perf_counter() - started


async def _bystander(
    h: Harness, user: int, latencies: list[float], storm_over: asyncio.Event
) -> int:
    """Someone with nothing to do with the broadcast asks again and again while it storms and
    is answered each time; returns how many of their questions began during the storm."""
    began = 0
    while not storm_over.is_set():
        began += 1
        reply, seconds = await _ask(h, user, "/start")
        assert reply["text"], "an answer"
        latencies.append(seconds)
        await asyncio.sleep(0.4)
    return began


async def _delivered(h: Harness, chats: list[int]) -> Counter[tuple[int, int]]:
    """How often each (chat, assignment) appeared in a delivered message."""
    seen: Counter[tuple[int, int]] = Counter()
    for chat in chats:
        for entry in h.server.state.chat_log(chat):
            if entry.kind != "message":
                continue
            for data in buttons({"reply_markup": entry.reply_markup}):
                if match := ASSIGNMENT_IN_BUTTON.match(data):
                    seen[(chat, int(match.group(1)))] += 1
    return seen


async def test_a_broadcast_survives_every_fault_and_loses_nothing(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(
        sqlite_url, tmp_path, clock, send_rate=100, private_chat_interval=0
    ) as h:
        for chat in CHATS:
            h.server.state.add_user(f"联络员{chat}", user_id=chat)
        coordinator = await h.user("协调员")
        group_liaison = await h.user("群联络员")
        bystanders = [await h.user(f"路人{n}") for n in range(4)]
        await h.sandbox.create_group("区司法局工作群", [group_liaison], chat_id=GROUP_CHAT)
        due = clock.now() + timedelta(minutes=1)  # due once the clock starts moving
        await bulk_due_reminders(h.services, CHATS, 1, due)
        async with h.services.sessions() as session, session.begin():
            await add_member(session, clock.now(), coordinator, None, role=Role.COORDINATOR)
            built = await build_assignment(session, clock.now(), unit_name="区司法局")
            liaison = await add_member(
                session, clock.now(), group_liaison, built.unit, chat_id=GROUP_CHAT
            )
            session.add(reminder(built.assignment, liaison, due, chat_id=GROUP_CHAT))
            group_assignment = built.assignment.id
        await h.sandbox.set_faults(
            missing_chats=[MISSING_CHAT], migrated_chats={GROUP_CHAT: SUPERGROUP_CHAT}
        )
        storm_log: list[str] = []
        latencies: list[float] = []
        stop = asyncio.Event()
        advancer = asyncio.create_task(_advance_clock(clock, stop))
        try:
            storm_over = asyncio.Event()

            async def storm() -> None:
                try:
                    await _storm(h, storm_log)
                finally:
                    storm_over.set()

            _, *asked = await asyncio.gather(
                storm(), *(_bystander(h, user, latencies, storm_over) for user in bystanders)
            )
            await wait_until(lambda: _settled(h), 120, "every reminder settled")
        finally:
            stop.set()
            await advancer
        await h.sandbox.clear_faults()
        # after the migration the group's liaison answers from the supergroup
        [migrated] = [e for e in h.server.state.chat_log(SUPERGROUP_CHAT) if e.kind == "message"]
        after = await h.last_seq(SUPERGROUP_CHAT)
        await h.sandbox.press(
            group_liaison, migrated.message_id, f"s:d:{group_assignment}", chat_id=SUPERGROUP_CHAT
        )
        confirmed = await h.sandbox.wait_for(SUPERGROUP_CHAT, 1, after=after, kinds=["message"])

        async with h.services.sessions() as session:
            rows = list(
                await session.execute(
                    select(
                        Reminder.id, Reminder.assignment_id, Reminder.chat_id, Reminder.state
                    ).where(Reminder.assignment_id.is_not(None))
                )
            )
            outcomes = Counter(await session.scalars(select(DeliveryAttempt.outcome)))
            unreachable = set(
                await session.scalars(
                    select(Member.telegram_user_id).where(Member.reachable.is_(False))
                )
            )
            binding_chat = await session.scalar(
                select(Binding.chat_id).where(Binding.unit_id == built.unit.id)
            )
        notices = "\n".join(
            e.text or "" for e in h.server.state.chat_log(coordinator) if e.kind == "message"
        )
        stats = h.server.state.stats
        seen = await _delivered(h, [*CHATS, GROUP_CHAT, SUPERGROUP_CHAT])

    expected_undeliverable = {MISSING_CHAT, BLOCKER_CHAT}
    delivered = lost = 0
    for _rid, assignment_id, chat_id, state in rows:
        copies = seen[(chat_id, assignment_id)]
        if chat_id in expected_undeliverable:
            assert state is ReminderState.FAILED and copies == 0
            continue
        delivered += copies > 0
        lost += copies == 0
    duplicated = sum(count - 1 for count in seen.values() if count > 1)
    faults = dict(stats.faults_injected)
    attempted = stats.per_method["sendMessage"]
    print(
        "\nfault suite: "
        + "; ".join(storm_log)
        + f"\n  faults injected {sum(faults.values())} {faults}"
        + f"\n  messages attempted {attempted} (sendMessage calls), delivered {delivered} of "
        f"{len(rows)} reminders, lost {lost}, duplicated {duplicated}, undeliverable "
        f"{len(expected_undeliverable)} (blocked + deleted chat, coordinator told)"
        + f"\n  delivery attempts recorded {dict(outcomes)}"
        + f"\n  bystanders: {len(latencies)} × /start during the storm, all answered, in "
        f"{min(latencies):.2f}–{max(latencies):.2f}s (median {sorted(latencies)[len(latencies) // 2]:.2f}s)"
    )
    assert lost == 0 and duplicated == 0
    assert delivered == len(rows) - len(expected_undeliverable)
    for kind in ("flood", "error", "timeout", "reset", "blocked", "missing_chat", "migrated"):
        assert faults.get(kind, 0) >= 1, f"the {kind} fault was exercised"
    assert unreachable == expected_undeliverable
    assert "联络员80004" in notices and f"联络员{BLOCKER_CHAT}" in notices
    assert binding_chat == SUPERGROUP_CHAT, "the binding followed the group to its supergroup"
    assert seen[(SUPERGROUP_CHAT, group_assignment)] == 1
    assert seen[(GROUP_CHAT, group_assignment)] == 0
    assert confirmed[0]["text"].startswith("已记录"), confirmed[0]["text"]
    assert min(asked) >= 1, f"everyone asked during the storm and was answered: {asked}"
