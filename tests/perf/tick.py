"""What one outbox tick costs with the whole outbox in the table: the real Dispatcher, timed
in this process with time.perf_counter.

- idle: nothing due — releasing expired claims and the claim query, what every tick pays;
- small: `SMALL_DUE` reminders due — claim, load, render, "send" to a recording sender with
  no pacing, group commit (whose 20 ms batching window is part of the figure).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from bot.clock import SystemClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from scheduling.dates.workdays import WorkdayCalendar
from scheduling.delivery.pacing import Limits, Pacer
from scheduling.delivery.sender import RecordingSender
from storage.db import create_engine, session_factory
from storage.models import Reminder, ReminderState
from tests.perf.deployment import ZONE
from tests.perf.latency import percentile

SMALL_DUE = 10


@dataclass(frozen=True)
class TickResult:
    samples: int
    idle_p50_ms: float
    idle_p99_ms: float
    idle_max_ms: float
    small_due: int
    small_p50_ms: float
    small_p99_ms: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def measure_tick(db_url: str, due_ids: list[int], samples: int) -> TickResult:
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    clock = SystemClock()
    dispatcher = Dispatcher(
        sessions,
        RecordingSender(),
        clock,
        WorkdayCalendar(),
        DispatchConfig(worker="bench-tick", zone=ZONE, default_locale="zh_CN"),
        pacer=Pacer(Limits(per_second=100_000, private_interval=0)),
    )
    try:
        for _ in range(5):  # warm the statement caches and the pool
            await dispatcher.tick()
        idle: list[float] = []
        for _ in range(samples):
            started = time.perf_counter()
            report = await dispatcher.tick()
            idle.append((time.perf_counter() - started) * 1000)
            assert report.claimed == 0, "the idle tick found due rows"
        small: list[float] = []
        rounds = max(1, min(samples // 5, len(due_ids) // SMALL_DUE))
        for n in range(rounds):
            chunk = due_ids[n * SMALL_DUE : (n + 1) * SMALL_DUE]
            await _make_due(sessions, chunk, clock.now() - timedelta(seconds=30))
            started = time.perf_counter()
            report = await dispatcher.tick()
            small.append((time.perf_counter() - started) * 1000)
            assert report.reminders_sent == len(chunk), report
    finally:
        await engine.dispose()
    return TickResult(
        samples=len(idle),
        idle_p50_ms=percentile(idle, 50),
        idle_p99_ms=percentile(idle, 99),
        idle_max_ms=max(idle),
        small_due=SMALL_DUE,
        small_p50_ms=percentile(small, 50),
        small_p99_ms=percentile(small, 99),
    )


async def _make_due(sessions: Any, ids: list[int], when: Any) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(
                state=ReminderState.PLANNED,
                planned_at=when,
                send_after=when,
                claimed_by=None,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
