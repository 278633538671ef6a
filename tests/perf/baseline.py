"""The naive design beside ours: an APScheduler job per reminder, measured in child processes
(`tests/perf/baseline_child.py`) so each peak RSS is clean."""

from __future__ import annotations

import asyncio
import json
import pickle
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.perf.baseline_child import FIRST_CHAT
from tests.perf.processes import (
    ROOT,
    SandboxProcess,
    first_message_after,
    peak_rss_mb,
    start_sandbox,
    stop_process,
)

CHUNK = 5_000


@dataclass(frozen=True)
class NaiveBotRun:
    """The naive bot (`tests/perf/naive_bot.py`) started on a store of `jobs` jobs, `due` of
    them due: seconds from spawn to its first getUpdates and to its answer to a /start the
    user sent before the spawn (None: not within `waited` seconds), and its peak RSS then."""

    jobs: int
    due: int
    waited: float
    ready_seconds: float | None
    answered_seconds: float | None
    rss_mb: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BaselineResult:
    jobs: int
    store_build_seconds: float
    sql_ready_seconds: float
    sql_start_seconds: float
    sql_rss_mb: float
    sql_jobs_seen: int
    memory_ready_seconds: float
    memory_start_seconds: float
    memory_rss_mb: float
    memory_jobs_seen: int
    fill_jobs: int
    fill_jobs_per_second: float
    bots: tuple[NaiveBotRun, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def build_store(path: Path, jobs: int, due: int = 0) -> float:
    """The SQLAlchemyJobStore table with `jobs` jobs (the first `due` of them due), written in
    bulk: the same rows `add_job` writes (id, next_run_time, the pickled job state), without a
    transaction each."""
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.util import datetime_to_utc_timestamp

    from tests.perf.baseline_child import job_kwargs

    started = time.perf_counter()
    path.unlink(missing_ok=True)
    store = SQLAlchemyJobStore(url=f"sqlite:///{path}")
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone="UTC")
    store.jobs_t.create(store.engine, checkfirst=True)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    with store.engine.begin() as connection:
        for n in range(jobs):
            spec = job_kwargs(n, now, due)
            job = Job(
                scheduler,
                id=spec["id"],
                func=spec["func"],
                trigger=DateTrigger(spec["run_date"], timezone=UTC),
                executor="default",
                args=tuple(spec["args"]),
                kwargs={},
                name="send_reminder",
                misfire_grace_time=spec["misfire_grace_time"],
                coalesce=spec["coalesce"],
                max_instances=1,
                next_run_time=spec["run_date"],
            )
            rows.append(
                {
                    "id": job.id,
                    "next_run_time": datetime_to_utc_timestamp(job.next_run_time),
                    "job_state": pickle.dumps(job.__getstate__(), store.pickle_protocol),
                }
            )
            if len(rows) == CHUNK:
                connection.execute(store.jobs_t.insert(), rows)
                rows = []
        if rows:
            connection.execute(store.jobs_t.insert(), rows)
    store.engine.dispose()
    return time.perf_counter() - started


def run_child(mode: str, store: Path, jobs: int, timeout: float = 900) -> dict[str, Any]:
    spawned = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.perf.baseline_child",
            mode,
            str(store),
            str(jobs),
            str(spawned),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"baseline {mode} failed: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_baseline(work_dir: Path, jobs: int) -> BaselineResult:
    store = work_dir / "apscheduler_jobs.db"
    build_seconds = build_store(store, jobs)
    sql = run_child("sql", store, jobs)
    memory = run_child("memory", store, jobs)
    fill_jobs = max(50, min(1_000, jobs // 10))
    fill_store = work_dir / "apscheduler_fill.db"
    fill_store.unlink(missing_ok=True)
    fill = run_child("fill", fill_store, fill_jobs)
    fill_store.unlink(missing_ok=True)
    return BaselineResult(
        jobs=jobs,
        store_build_seconds=build_seconds,
        sql_ready_seconds=sql["ready_after_spawn"],
        sql_start_seconds=sql["start_seconds"],
        sql_rss_mb=sql["rss_mb"],
        sql_jobs_seen=sql["jobs"],
        memory_ready_seconds=memory["ready_after_spawn"],
        memory_start_seconds=memory["start_seconds"],
        memory_rss_mb=memory["rss_mb"],
        memory_jobs_seen=memory["jobs"],
        fill_jobs=fill_jobs,
        fill_jobs_per_second=fill["jobs_per_second"],
    )


NAIVE_TOKEN = "808080:naive-benchmark-token"
ASKER = 6_999_999


async def measure_naive_bot(work_dir: Path, jobs: int, due: int, wait: float) -> NaiveBotRun:
    """One start of the naive bot against a sandbox of its own enforcing Telegram's limits, in
    the state ours is measured in: the store holds `jobs` jobs and the first `due` are due."""
    store = work_dir / f"naive_bot_{due}.db"
    await asyncio.to_thread(build_store, store, jobs, due)
    sandbox = await start_sandbox(True, work_dir / "sandbox-naive.log")
    log = (work_dir / "naive-bot.log").open("ab")
    try:
        people = [(FIRST_CHAT + n, f"联络员{n + 1}") for n in range(min(jobs, 3_000))]
        await sandbox.add_people([*people, (ASKER, "协调员")])
        await sandbox.client.send_text(ASKER, "/start")
        spawned = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.perf.naive_bot", sandbox.url, str(store), NAIVE_TOKEN],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            ready, answered = await _watch(sandbox, process, spawned, wait)
            rss = peak_rss_mb(process.pid)
        finally:
            stop_process(process)
    finally:
        log.close()
        await sandbox.stop()
        store.unlink(missing_ok=True)
    return NaiveBotRun(jobs, due, wait, ready, answered, rss)


async def _watch(
    sandbox: SandboxProcess, process: subprocess.Popen[bytes], spawned: float, wait: float
) -> tuple[float | None, float | None]:
    """Seconds to the first getUpdates and to the first message in the asker's chat (None:
    not within `wait`)."""
    ready: float | None = None
    while time.monotonic() < spawned + wait:
        if process.poll() is not None:
            raise RuntimeError(f"the naive bot exited with {process.returncode}")
        if ready is None:
            first = (await sandbox.first_calls()).get("getUpdates")
            ready = None if first is None else first - spawned
        answered = await first_message_after(sandbox, ASKER, spawned)
        if answered is not None and ready is not None:
            return ready, answered
        await asyncio.sleep(0.05)
    return ready, None
