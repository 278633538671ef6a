"""Several delivery workers share the bot's rate (Telegram's 30 messages/s is per bot): each
beats on a roll in the shared database, and a worker sending paces at its share of the rate,
the rate divided by the workers sending now."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from itertools import count
from zoneinfo import ZoneInfo

from bot.clock import SettableClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.services import Services
from scheduling.delivery import outbox
from scheduling.delivery.pacing import Limits, Pacer
from scheduling.delivery.sender import OutgoingMessage, RecordingSender, SendResult
from scheduling.delivery.share import BEAT_SECONDS, LIVE_SECONDS, Roll, WorkerRoll
from tests.factories import WeekendCalendar, add_member, build_assignment, reminder

ZONE = ZoneInfo("Asia/Shanghai")


def _worker(services: Services, name: str, sender: RecordingSender | None = None) -> Dispatcher:
    roll = WorkerRoll(services.sessions, name, services.clock, interval=0.01)
    return Dispatcher(
        services.sessions,
        sender or RecordingSender(),
        services.clock,
        WeekendCalendar(),
        DispatchConfig(worker=name, zone=ZONE, default_locale="zh_CN"),
        pacer=Pacer(Limits(per_second=30)),
        roll=roll,
    )


async def test_the_roll_counts_workers_alive_and_sending_and_forgets_the_stopped_and_the_dead(
    services: Services, clock: SettableClock
) -> None:
    a = WorkerRoll(services.sessions, "a", clock)
    b = WorkerRoll(services.sessions, "b", clock)
    assert await a.beat(sending=True) == Roll(live=1, sending=1)
    assert await b.beat(sending=False) == Roll(live=2, sending=1)
    assert await b.beat(sending=True) == Roll(live=2, sending=2)
    assert await a.beat(sending=False) == Roll(live=2, sending=1), "idle: not counted sending"
    await b.leave()
    assert await a.beat(sending=True) == Roll(live=1, sending=1), "a stopped worker leaves"
    assert await b.beat(sending=True) == Roll(live=2, sending=2)
    clock.advance(timedelta(seconds=LIVE_SECONDS + 1))
    assert await a.beat(sending=True) == Roll(live=1, sending=1), "old beats count no more"


_units = count()


async def _due(services: Services, many: int) -> None:
    """`many` reminders due now, each for a liaison of a unit of its own."""
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        for _ in range(many):
            n = next(_units)
            built = await build_assignment(session, now, unit_name=f"单位{n}")
            liaison = await add_member(session, now, 8_100 + n, built.unit)
            session.add(reminder(built.assignment, liaison, now - timedelta(minutes=1)))


class HeldSender(RecordingSender):
    """Sends only once released: a worker caught in the middle of its sending."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.waiting = 0

    async def send(self, message: OutgoingMessage) -> SendResult:
        self.waiting += 1
        await self.release.wait()
        return await super().send(message)


async def test_two_workers_sending_each_take_half_the_rate_and_one_alone_all_of_it(
    services: Services,
) -> None:
    held = HeldSender()
    first, second = _worker(services, "w1", held), _worker(services, "w2")
    await _due(services, 3)
    sending = asyncio.create_task(first.tick())
    for _ in range(500):  # the first has claimed its rows and is sending them
        if held.waiting:
            break
        await asyncio.sleep(0.01)
    assert held.waiting and first.pacer.share == 1, "alone, the first sends at the whole rate"
    await _due(services, 3)
    await second.tick()
    assert second.pacer.share == 2 and second.pacer.per_second == 15, "both sending: halves"
    held.release.set()
    await sending
    await _due(services, 3)
    await second.tick()
    assert second.pacer.share == 1 and second.pacer.per_second == 30, "the first said it is done"


async def test_a_worker_that_died_sending_stops_counting_within_three_beats(
    services: Services, clock: SettableClock
) -> None:
    a = WorkerRoll(services.sessions, "a", clock)
    b = WorkerRoll(services.sessions, "b", clock)
    await b.beat(sending=True)
    assert await a.beat(sending=True) == Roll(live=2, sending=2)
    clock.advance(timedelta(seconds=3 * BEAT_SECONDS + 0.5))
    assert await a.beat(sending=True) == Roll(live=2, sending=1), "b missed its beats"


async def test_a_batch_takes_every_due_row_of_its_chats_so_no_chat_is_split_between_workers(
    services: Services,
) -> None:
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, now, unit_name="单位甲")
        liaison = await add_member(session, now, 8_050, built.unit)
        for minutes in (3, 2, 1):  # three due rows of one chat
            session.add(reminder(built.assignment, liaison, now - timedelta(minutes=minutes)))
    async with services.sessions() as session, session.begin():
        first = await outbox.claim_due(session, "w1", now, timedelta(seconds=90), limit=2)
    async with services.sessions() as session, session.begin():
        second = await outbox.claim_due(session, "w2", now, timedelta(seconds=90), limit=2)
    assert len(first) == 3 and second == [], "the chat's third row went with the other two"
