"""The weekly digest through the outbox: scheduled by the daily planning step, sent by the
dispatcher once per week and coordinator, across restarts, outages and holidays."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import SettableClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.services import Services
from bot.usecases.digest.schedule import (
    digest_day,
    digest_moment,
    schedule_digests,
    weeks_to_schedule,
)
from scheduling.delivery.pacing import Limits, Pacer
from scheduling.delivery.sender import OutgoingMessage, RecordingSender
from storage.models import Binding, DigestSent, Reminder, ReminderKind, ReminderState, Role
from tests.digest_fixtures import fixture_week
from tests.factories import add_member

ZONE = ZoneInfo("Asia/Shanghai")


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def _dispatcher(services: Services, sender: RecordingSender) -> Dispatcher:
    return Dispatcher(
        services.sessions,
        sender,
        services.clock,
        services.calendar,
        DispatchConfig(worker="w1", zone=ZONE, default_locale="zh_CN"),
        pacer=Pacer(Limits(per_second=10_000, private_interval=0, group_per_minute=10_000)),
    )


async def _plan_day(services: Services) -> int:
    """What the daily planning step does for digests."""
    async with services.sessions() as session, session.begin():
        return await schedule_digests(
            session, services.clock.now(), services.settings, services.calendar
        )


def _digests(sent: list[OutgoingMessage]) -> Counter[tuple[int, str]]:
    """(chat, headline) of every digest text message (photos carry the same headline)."""
    return Counter(
        (m.chat_id, m.text.splitlines()[0]) for m in sent if m.photo is None and "📊" in m.text
    )


async def _digest_rows(services: Services) -> list[Reminder]:
    async with services.sessions() as session:
        return list(
            await session.scalars(
                select(Reminder)
                .where(Reminder.kind == ReminderKind.DIGEST)
                .order_by(Reminder.dedupe_key)
            )
        )


def test_holiday_monday_moves_to_the_next_working_day(services: Services) -> None:
    settings, calendar = services.settings, services.calendar
    assert digest_day(date(2026, 11, 23), settings, calendar) == date(2026, 11, 23)
    assert digest_day(date(2026, 10, 5), settings, calendar) == date(2026, 10, 8), "National Day"
    assert digest_moment(date(2026, 10, 5), settings, calendar) == _local(2026, 10, 8, 9)
    assert digest_day(date(2026, 2, 16), settings, calendar) == date(2026, 2, 24)
    assert digest_day(date(2026, 2, 23), settings, calendar) == date(2026, 2, 24)


def test_spring_festival_weeks_give_one_digest_not_two(services: Services) -> None:
    settings, calendar = services.settings, services.calendar
    before = dict(weeks_to_schedule(_local(2026, 2, 20, 12), settings, calendar))
    assert before[date(2026, 2, 16)] == before[date(2026, 2, 23)] == _local(2026, 2, 24, 9)
    assert date(2026, 2, 9) not in before, "eleven days late is too late to write it"
    on_the_day = dict(weeks_to_schedule(_local(2026, 2, 24, 10), settings, calendar))
    assert sorted(on_the_day) == [date(2026, 2, 23), date(2026, 3, 2)], "16 Feb is superseded"


async def test_digest_goes_once_a_week_across_restart_and_two_day_outage(
    services: Services, clock: SettableClock
) -> None:
    clock.set(_local(2026, 11, 20))
    async with services.sessions() as session, session.begin():
        fx = await fixture_week(session, clock.now())
    chats = {fx.members["coord_zh"].chat_id, fx.members["coord_en"].chat_id}
    sender = RecordingSender()
    dispatcher = _dispatcher(services, sender)
    outage = (_local(2026, 11, 29, 12), _local(2026, 12, 1, 12))
    restarted = False
    while clock.now() < _local(2026, 12, 9, 23):
        if outage[0] <= clock.now() < outage[1]:
            clock.set(outage[1])
            dispatcher = _dispatcher(services, sender)  # the process comes back: a new worker
            await _plan_day(services)  # the planning step runs at start-up
        if clock.now().astimezone(ZONE).hour == 0:
            await _plan_day(services)
        if not restarted and clock.now() >= _local(2026, 11, 23, 8):
            dispatcher = _dispatcher(services, sender)  # a restart an hour before the digest
            restarted = True
        await dispatcher.tick()
        clock.advance(timedelta(hours=1))

    received = _digests(sender.sent)
    for chat in chats:
        weeks = sorted(headline for chat_id, headline in received if chat_id == chat)
        assert len(weeks) == 3, weeks
    assert set(received.values()) == {1}, "no digest twice"
    photos = Counter(m.chat_id for m in sender.sent if m.photo is not None)
    assert photos == {chat: 3 for chat in chats}
    rows = await _digest_rows(services)
    sent = [r for r in rows if r.state is ReminderState.SENT]
    assert len(sent) == 6
    by_week = {(r.member_id, r.payload["week"]): r.sent_at for r in sent}
    coord = fx.members["coord_en"].id
    assert by_week[(coord, "2026-11-23")] == _local(2026, 11, 23, 9)
    assert by_week[(coord, "2026-11-30")] == outage[1], "caught up when the bot came back"
    assert by_week[(coord, "2026-12-07")] == _local(2026, 12, 7, 9)
    late = [m.text for m in sender.sent if m.chat_id == 20_002 and "sent late" in m.text]
    assert len(late) == 1 and "30 November 2026" in late[0]
    async with services.sessions() as session:
        records = list(await session.scalars(select(DigestSent)))
    assert len(records) == 6 and all(r.summary and "overdue" in r.summary for r in records)


async def test_outage_over_the_digest_day_inserts_and_sends_it_late(
    services: Services, clock: SettableClock
) -> None:
    """The rows were never written before the outage: the start-up planning writes them."""
    clock.set(_local(2026, 12, 1, 12))
    async with services.sessions() as session, session.begin():
        await add_member(session, clock.now(), 20_001, None, role=Role.COORDINATOR, language="en")
    assert await _plan_day(services) == 2, "this week's (late) and next week's"
    assert await _plan_day(services) == 0, "idempotent"
    sender = RecordingSender()
    await _dispatcher(services, sender).tick()
    assert list(_digests(sender.sent)) == [(20_001, "📊 Weekly digest, week of 30 November 2026")]
    assert await _dispatcher(services, sender).tick() == await _dispatcher(services, sender).tick()
    assert len(_digests(sender.sent)) == 1


async def test_a_digest_left_behind_by_a_long_outage_is_superseded(
    services: Services, clock: SettableClock
) -> None:
    clock.set(_local(2026, 11, 22, 0, 30))
    async with services.sessions() as session, session.begin():
        await add_member(session, clock.now(), 20_001, None, role=Role.COORDINATOR, language="en")
    await _plan_day(services)  # writes the row of 23 November
    clock.set(_local(2026, 12, 2, 10))  # down for nine days
    sender = RecordingSender()
    dispatcher = _dispatcher(services, sender)
    report = await dispatcher.tick()
    assert report.cancelled == 1 and sender.sent == [], "a week late is too late"
    await _plan_day(services)  # the start-up planning writes this week's (late) row
    await dispatcher.tick()
    assert list(_digests(sender.sent)) == [(20_001, "📊 Weekly digest, week of 30 November 2026")]
    states = {r.payload["week"]: (r.state, r.last_error) for r in await _digest_rows(services)}
    assert states["2026-11-23"] == (ReminderState.CANCELLED, "superseded by a newer digest")
    assert states["2026-11-30"][0] is ReminderState.SENT


async def test_spring_festival_sends_the_newer_of_two_digests_due_together(
    services: Services, clock: SettableClock
) -> None:
    clock.set(_local(2026, 2, 20, 12))
    async with services.sessions() as session, session.begin():
        await add_member(session, clock.now(), 20_001, None, role=Role.COORDINATOR, language="en")
    await _plan_day(services)
    clock.set(_local(2026, 2, 24, 9))
    sender = RecordingSender()
    report = await _dispatcher(services, sender).tick()
    assert report.cancelled == 1
    assert list(_digests(sender.sent)) == [(20_001, "📊 Weekly digest, week of 23 February 2026")]


async def test_a_removed_coordinator_gets_no_digest(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        member = await add_member(session, clock.now(), 20_001, None, role=Role.COORDINATOR)
    await _plan_day(services)
    async with services.sessions() as session, session.begin():
        binding = await session.scalar(select(Binding).where(Binding.member_id == member.id))
        assert binding is not None
        binding.active = False
    sender = RecordingSender()
    report = await _dispatcher(services, sender).tick()
    assert sender.sent == [] and report.cancelled == 1
    [row, _next_week] = await _digest_rows(services)
    assert (row.state, row.last_error) == (ReminderState.CANCELLED, "no longer a coordinator")


async def test_only_coordinators_get_digest_rows_one_per_member(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        fx = await fixture_week(session, clock.now())
        admin = await add_member(session, clock.now(), 20_003, None, role=Role.ADMIN)
        session.add(
            Binding(member_id=admin.id, role=Role.COORDINATOR, chat_id=-500, created_at=clock.now())
        )
    assert await _plan_day(services) == 6, "three coordinators, this week and next"
    rows = await _digest_rows(services)
    members = {r.member_id for r in rows}
    assert members == {fx.members["coord_zh"].id, fx.members["coord_en"].id, admin.id}
    assert {r.dedupe_key for r in rows} >= {
        f"digest:{admin.id}:2026-11-23",
        f"digest:{admin.id}:2026-11-30",
    }
    assert {r.payload["week"] for r in rows} == {"2026-11-23", "2026-11-30"}
    first = min(rows, key=lambda r: r.planned_at)
    assert first.planned_at == _local(2026, 11, 23, 9) and first.send_after == first.planned_at
