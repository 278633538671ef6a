"""The outbox dispatcher with a recording sender: claims, collapses, records, retries."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.services import Services
from scheduling.delivery.pacing import Limits, Pacer
from scheduling.delivery.sender import Outcome, RecordingSender, SendResult
from storage.models import (
    AssignmentStatus,
    DeliveryAttempt,
    Member,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
)
from tests.factories import WeekendCalendar, add_member, build_assignment, reminder

ZONE = ZoneInfo("Asia/Shanghai")


def _dispatcher(services: Services, sender: RecordingSender, worker: str = "w1") -> Dispatcher:
    return Dispatcher(
        services.sessions,
        sender,
        services.clock,
        WeekendCalendar(),
        DispatchConfig(worker=worker, zone=ZONE, default_locale="zh_CN"),
        pacer=Pacer(Limits(per_second=10_000, private_interval=0, group_per_minute=10_000)),
    )


async def _states(services: Services) -> dict[ReminderState, int]:
    async with services.sessions() as session:
        rows = await session.execute(select(Reminder.state, func.count()).group_by(Reminder.state))
        return {state: count for state, count in rows}


async def test_due_reminder_is_sent_once_with_buttons(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit)
        session.add(reminder(built.assignment, liaison, now - timedelta(minutes=1)))
        session.add(reminder(built.assignment, liaison, now + timedelta(days=1), ReminderKind.DUE))
    sender = RecordingSender()
    dispatcher = _dispatcher(services, sender)
    report = await dispatcher.tick()
    assert report.messages_sent == 1 and report.reminders_sent == 1
    [message] = sender.sent
    assert message.chat_id == 10_001
    assert "区司法局" in message.text and "2027年1月31日 星期日" in message.text
    assert {b.data for row in message.buttons for b in row} == {
        f"s:{a}:{built.assignment.id}" for a in "dpbmn"
    }
    assert (await dispatcher.tick()).messages_sent == 0, "a sent reminder never goes again"
    assert await _states(services) == {ReminderState.SENT: 1, ReminderState.PLANNED: 1}
    clock.advance(timedelta(days=1, minutes=1))
    assert (await dispatcher.tick()).messages_sent == 1
    assert len(sender.sent) == 2


async def test_catch_up_collapses_stale_reminders_per_assignment(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit, language="en")
        for days in (3, 2, 1):
            session.add(reminder(built.assignment, liaison, now - timedelta(days=days)))
    sender = RecordingSender()
    report = await _dispatcher(services, sender).tick()
    assert report.messages_sent == 1 and report.collapsed == 2
    [message] = sender.sent
    assert "2 earlier reminders for this were missed" in message.text
    assert await _states(services) == {ReminderState.SENT: 1, ReminderState.COLLAPSED: 2}


async def test_several_assignments_for_one_liaison_share_a_message(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        first = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, first.unit)
        session.add(reminder(first.assignment, liaison, now))
        ids = [first.assignment.id]
        for n in range(2, 31):
            other = await build_assignment(session, now, unit_name=f"单位{n}", number=str(n))
            session.add(reminder(other.assignment, liaison, now))
            ids.append(other.assignment.id)
    sender = RecordingSender()
    report = await _dispatcher(services, sender).tick()
    assert report.reminders_sent == 30
    assert 1 < len(sender.sent) < 30
    assert all(len(m.text) <= 4096 for m in sender.sent)
    # each listed duty has one button, a row of its own, that opens its card
    assert all(len(row) == 1 for m in sender.sent for row in m.buttons)
    opened = [b.data for m in sender.sent for row in m.buttons for b in row]
    assert sorted(opened) == sorted(f"c:{aid}" for aid in ids)


async def test_closed_assignment_is_not_reminded(services: Services, clock: SettableClock) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        built.assignment.status = AssignmentStatus.DONE
        liaison = await add_member(session, now, 10_001, built.unit)
        session.add(reminder(built.assignment, liaison, now))
    sender = RecordingSender()
    report = await _dispatcher(services, sender).tick()
    assert report.cancelled == 1 and sender.sent == []


async def test_rate_limit_is_waited_out_and_not_counted_lost(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit)
        session.add(reminder(built.assignment, liaison, now))
    sender = RecordingSender(scripted=[SendResult(Outcome.RATE_LIMITED, retry_after=0.01)])
    dispatcher = _dispatcher(services, sender)
    dispatcher.pacer.pause = lambda seconds: None  # type: ignore[method-assign]
    report = await dispatcher.tick()
    assert report.rate_limited == 1 and report.messages_sent == 1
    async with services.sessions() as session:
        outcomes = list(
            await session.scalars(select(DeliveryAttempt.outcome).order_by(DeliveryAttempt.id))
        )
    assert outcomes == ["rate_limited", "sent"]


async def test_blocked_member_is_marked_and_coordinators_told(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit)
        await add_member(session, now, 20_001, None, role=Role.COORDINATOR, language="en")
        session.add(reminder(built.assignment, liaison, now))
    sender = RecordingSender(
        scripted=[SendResult(Outcome.UNREACHABLE, error="Forbidden: bot was blocked by the user")]
    )
    report = await _dispatcher(services, sender).tick()
    assert report.failed == 1 and report.unreachable_members
    [notice] = sender.sent
    assert notice.chat_id == 20_001
    assert "user10001" in notice.text and "bot was blocked" in notice.text
    async with services.sessions() as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == 10_001))
        assert member is not None and member.reachable is False


async def test_transient_faults_back_off_then_deliver(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit)
        session.add(reminder(built.assignment, liaison, now))
    faults = [SendResult(Outcome.TRANSIENT, error="502 Bad Gateway")] * 3
    sender = RecordingSender(scripted=list(faults))
    dispatcher = _dispatcher(services, sender)
    report = await dispatcher.tick()
    assert report.retried == 1 and sender.sent == []
    clock.advance(timedelta(minutes=30))
    report = await dispatcher.tick()
    assert report.messages_sent == 1
    assert await _states(services) == {ReminderState.SENT: 1}


async def test_expired_claim_of_a_dead_worker_returns(
    services: Services, clock: SettableClock
) -> None:
    now = clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now)
        liaison = await add_member(session, now, 10_001, built.unit)
        row = reminder(built.assignment, liaison, now)
        row.state = ReminderState.CLAIMED
        row.claimed_by = "dead-worker"
        row.claimed_until = now + timedelta(minutes=2)
        session.add(row)
    sender = RecordingSender()
    dispatcher = _dispatcher(services, sender)
    assert (await dispatcher.tick()).messages_sent == 0
    clock.advance(timedelta(minutes=3))
    assert (await dispatcher.tick()).messages_sent == 1
