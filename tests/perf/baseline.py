"""The naive design beside ours: an APScheduler job per reminder, measured in child processes
(`tests/perf/baseline_child.py`) so each peak RSS is clean."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.perf.processes import ROOT

CHUNK = 5_000


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def build_store(path: Path, jobs: int) -> float:
    """The SQLAlchemyJobStore table with `jobs` jobs, written in bulk: the same rows
    `add_job` writes (id, next_run_time, the pickled job state), without a transaction each."""
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
            spec = job_kwargs(n, now)
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
