"""Helpers for the reliability tests: CLI subprocesses, invariants, row census."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services, build_services
from bot.settings import Settings
from handlers.app import build_application, start_application, stop_application
from storage.models import Assignment, Binding, Reminder, ReminderState, Role, StatusReport

CLI_TIMEOUT = 120


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any DUTYBOT_ setting, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_")}
    env.update({f"DUTYBOT_{key.upper()}": value for key, value in values.items()})
    return env


def dutybot_argv(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "dutybot"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "bot.cli", *args]


async def run_cli(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`dutybot ARGS` in a subprocess, without blocking this event loop."""
    return await asyncio.to_thread(
        subprocess.run,
        dutybot_argv(*args),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


async def liaison_pairs(services: Services) -> list[tuple[int, int]]:
    """(member id, assignment id) for every assignment a bound liaison may report on."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(Binding.member_id, Assignment.id)
            .join(Assignment, Assignment.unit_id == Binding.unit_id)
            .where(Binding.role == Role.LIAISON, Binding.active.is_(True))
            .order_by(Assignment.id)
        )
        return [(member_id, assignment_id) for member_id, assignment_id in rows]


async def status_violations(session: AsyncSession) -> list[str]:
    """Assignments whose status is not what their latest standing report says.

    Every status report and its assignment's status are written in one transaction, so after
    any crash the latest report with a status (not undone) must match the assignment.
    """
    latest: dict[int, str] = {}
    rows = await session.execute(
        select(StatusReport.assignment_id, StatusReport.status)
        .where(StatusReport.status.is_not(None), StatusReport.undone_at.is_(None))
        .order_by(StatusReport.id)
    )
    for assignment_id, status in rows:
        latest[assignment_id] = status
    statuses = dict((await session.execute(select(Assignment.id, Assignment.status))).all())
    return [
        f"assignment {aid}: status {statuses.get(aid)} but latest report says {status}"
        for aid, status in latest.items()
        if statuses.get(aid) != status
    ]


@dataclass(frozen=True)
class Census:
    """The ids of the rows that matter, to compare a database before and after."""

    assignments: frozenset[int]
    reports: frozenset[int]
    reminders: frozenset[int]
    sent: frozenset[int]

    def line(self) -> str:
        return (
            f"{len(self.assignments)} assignments, {len(self.reports)} reports, "
            f"{len(self.reminders)} reminders ({len(self.sent)} sent)"
        )


async def census(session: AsyncSession) -> Census:
    return Census(
        assignments=frozenset(await session.scalars(select(Assignment.id))),
        reports=frozenset(await session.scalars(select(StatusReport.id))),
        reminders=frozenset(await session.scalars(select(Reminder.id))),
        sent=frozenset(
            await session.scalars(select(Reminder.id).where(Reminder.state == ReminderState.SENT))
        ),
    )


@asynccontextmanager
async def bot_process_twin(
    api_url: str, db_url: str, data_dir: Path, token: str, worker: str, **overrides: Any
) -> AsyncIterator[Services]:
    """The application `dutybot run` starts, in this process on the real clock: the restart
    after a kill, without paying for a second interpreter's start-up."""
    values: dict[str, Any] = {
        "database_url": db_url,
        "data_dir": data_dir,
        "api_url": api_url,
        "token": token,
        "tick_seconds": 0.2,
        "send_rate": 300,
        "private_chat_interval": 0,
        "worker_id": worker,
        "flood_limit": 10_000,
    }
    values.update(overrides)
    services = build_services(Settings(**values))
    application = build_application(services, token)
    await start_application(application)
    try:
        yield services
    finally:
        await stop_application(application)
