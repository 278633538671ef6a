"""Several delivery workers share the bot's rate (Telegram's 30 messages/s is per bot): each
beats on a roll in the shared database and paces at its share of the rate."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import SettableClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.services import Services
from scheduling.delivery.pacing import Limits, Pacer
from scheduling.delivery.sender import RecordingSender
from scheduling.delivery.share import LIVE_BEATS, WorkerRoll
from tests.factories import WeekendCalendar

ZONE = ZoneInfo("Asia/Shanghai")


class Ticker:
    """A monotonic clock moved by hand, so every call may beat."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _worker(services: Services, name: str, ticker: Ticker) -> Dispatcher:
    roll = WorkerRoll(services.sessions, name, services.clock, interval=0.01, monotonic=ticker)
    return Dispatcher(
        services.sessions,
        RecordingSender(),
        services.clock,
        WeekendCalendar(),
        DispatchConfig(worker=name, zone=ZONE, default_locale="zh_CN"),
        pacer=Pacer(Limits(per_second=30)),
        monotonic=ticker,
        roll=roll,
    )


async def test_the_roll_counts_live_workers_and_forgets_the_stopped_and_the_dead(
    services: Services, clock: SettableClock
) -> None:
    a = WorkerRoll(services.sessions, "a", clock, interval=5.0)
    b = WorkerRoll(services.sessions, "b", clock, interval=5.0)
    assert await a.beat() == 1
    assert await b.beat() == 2
    assert await a.beat() == 2
    await b.leave()
    assert await a.beat() == 1, "a worker that stopped leaves the roll at once"
    assert await b.beat() == 2
    clock.advance(timedelta(seconds=5.0 * LIVE_BEATS + 1))
    assert await a.beat() == 1, "a worker whose beats are old counts no more"
    assert await b.beat() == 2


async def test_two_workers_each_send_at_half_the_bots_rate_and_one_alone_at_all_of_it(
    services: Services,
) -> None:
    ticker = Ticker()
    first, second = _worker(services, "w1", ticker), _worker(services, "w2", ticker)
    await first.tick()
    assert first.pacer.share == 1 and first.pacer.per_second == 30
    ticker.now += 1
    await second.tick()  # joins while the first is alive
    assert second.pacer.share == 2 and second.pacer.per_second == 15
    ticker.now += 1
    await first.tick()
    assert first.pacer.share == 2 and first.pacer.per_second == 15
    await second.leave()
    ticker.now += 1
    await first.tick()
    assert first.pacer.share == 1 and first.pacer.per_second == 30
