"""The naive design, one process per measurement: one APScheduler job per reminder.

`python -m tests.perf.baseline_child MODE STORE JOBS SPAWNED_AT` prints one JSON line:

- `sql`: an AsyncIOScheduler (what python-telegram-bot's JobQueue runs) with a
  SQLAlchemyJobStore on the SQLite file STORE that already holds the jobs; `ready` is when
  the scheduler has started and finished its first pass over the store;
- `memory`: the default MemoryJobStore, the jobs added at start-up (a bot that keeps its jobs
  in memory registers every reminder again each time it starts);
- `fill`: JOBS `add_job` calls into a fresh SQLAlchemyJobStore, one transaction each, the way
  the naive design writes reminders.

Times are `time.monotonic()` (one clock for every process of the machine), so the parent
subtracts SPAWNED_AT; `rss_mb` is this process's VmHWM.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select

FIRST_CHAT = 7_000_001


BOT: Any = None
"""The python-telegram-bot `Bot` of `tests/perf/naive_bot.py`, when the jobs run in it."""


async def send_reminder(reminder_id: int, chat_id: int) -> None:
    """What each job runs: the reminder as one Bot API call in the naive bot
    (`tests/perf/naive_bot.py`); nothing in this module's own processes, where no job is due."""
    if BOT is not None:
        await BOT.send_message(chat_id, f"提醒 {reminder_id}")


class _Scheduler(AsyncIOScheduler):
    """Notes when its first pass over the job stores has finished."""

    first_pass: asyncio.Event

    def _process_jobs(self) -> Any:
        wait = super()._process_jobs()
        self.first_pass.set()
        return wait


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def job_kwargs(n: int, now: datetime, due: int = 0) -> dict[str, Any]:
    """The n-th reminder as a job: a date trigger hours ahead, like the outbox rows; the
    first `due` came due in the ten minutes before `now` (the morning's reminders, after a
    restart)."""
    if n < due:
        run_date = now - timedelta(minutes=10) + timedelta(seconds=n * 300 / due)
    else:
        run_date = now + timedelta(hours=3, seconds=n)
    return {
        "func": send_reminder,
        "trigger": "date",
        "run_date": run_date,
        "args": [n + 1, FIRST_CHAT + n % 3_000],
        "id": f"reminder-{n + 1}",
        "misfire_grace_time": None,
        "coalesce": True,
    }


async def run(mode: str, store: str, jobs: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    if mode == "sql":
        stores = {"default": SQLAlchemyJobStore(url=f"sqlite:///{store}")}
    elif mode == "memory":
        stores = {"default": MemoryJobStore()}
    else:
        stores = {"default": SQLAlchemyJobStore(url=f"sqlite:///{store}")}
    scheduler = _Scheduler(jobstores=stores, timezone="UTC")
    scheduler.first_pass = asyncio.Event()
    started = time.monotonic()
    if mode == "fill":
        scheduler.start(paused=True)
        for n in range(jobs):
            scheduler.add_job(**job_kwargs(n, now))
        seconds = time.monotonic() - started
        scheduler.shutdown(wait=False)
        return {"jobs": jobs, "seconds": seconds, "jobs_per_second": jobs / seconds}
    if mode == "memory":
        for n in range(jobs):
            scheduler.add_job(**job_kwargs(n, now))
    scheduler.start()
    await scheduler.first_pass.wait()
    ready = time.monotonic()
    jobs_held = _count(stores["default"])
    scheduler.shutdown(wait=False)
    return {"ready": ready, "start_seconds": ready - started, "jobs": jobs_held}


def _count(store: Any) -> int:
    """How many jobs the store holds (after the measurement, as a sanity check)."""
    if isinstance(store, SQLAlchemyJobStore):
        with store.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(store.jobs_t)).scalar())
    return len(store.get_all_jobs())


def main(argv: list[str]) -> None:
    mode, store, jobs, spawned_at = argv[0], argv[1], int(argv[2]), float(argv[3])
    result = asyncio.run(run(mode, store, jobs))
    if "ready" in result:
        result["ready_after_spawn"] = result["ready"] - spawned_at
    result["rss_mb"] = peak_rss_mb()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
