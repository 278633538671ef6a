"""Office-wide /status counts: shared by coordinators asking at once, never staler than a
count made for the request alone."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.clock import SettableClock
from bot.services import Services, build_services
from bot.settings import Settings
from bot.usecases.tasks.lists import SharedCityCounts, unit_counts
from scheduling.dates.workdays import WorkdayCalendar
from storage.db import create_engine
from storage.models import Assignment, AssignmentStatus
from storage.schema import upgrade
from tests.factories import build_assignment

TODAY = date(2026, 11, 23)


async def _one_open_assignment(services: Services, clock: SettableClock) -> int:
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, clock.now())
        return built.assignment.id


async def _mark_done(services: Services, assignment_id: int) -> None:
    """A status change committed by another connection, as a liaison's press would be."""
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id)
            .values(status=AssignmentStatus.DONE)
        )


async def test_twenty_at_once_share_two_counts_with_the_same_answer(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        for n in range(3):
            await build_assignment(session, clock.now(), unit_name=f"单位{n}", number=str(n + 1))
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions, services.change_marker)
    answers = await asyncio.gather(*(shared.get(TODAY, calendar) for _ in range(20)))
    async with services.sessions() as session:
        alone = await unit_counts(session, TODAY, calendar)
    assert all(answer == alone for answer in answers)
    assert len(alone) == 3
    assert shared.computed <= 2


async def test_a_change_committed_before_asking_is_always_counted(
    services: Services, clock: SettableClock
) -> None:
    assignment_id = await _one_open_assignment(services, clock)
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions, services.change_marker)
    first = asyncio.create_task(shared.get(TODAY, calendar))
    await asyncio.sleep(0)  # the first count is under way
    await _mark_done(services, assignment_id)
    second = await shared.get(TODAY, calendar)
    await first
    assert [(c.done, c.open) for c in second] == [(1, 0)]


async def test_a_change_after_a_count_is_counted_by_the_next_request(
    services: Services, clock: SettableClock
) -> None:
    """The case a kept count must never get wrong: asked, changed, asked again."""
    assignment_id = await _one_open_assignment(services, clock)
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions, services.change_marker)
    before = await shared.get(TODAY, calendar)
    await _mark_done(services, assignment_id)
    after = await shared.get(TODAY, calendar)
    assert [(c.done, c.open) for c in before] == [(0, 1)]
    assert [(c.done, c.open) for c in after] == [(1, 0)]
    assert shared.computed == 2


async def test_an_unmoved_marker_answers_from_the_last_count(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        await build_assignment(session, clock.now())
    marker = ["m1"]

    async def read_marker() -> str | None:
        return marker[0]

    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions, marker=read_marker)
    first = await shared.get(TODAY, calendar)
    again = await shared.get(TODAY, calendar)
    assert (shared.computed, shared.reused) == (1, 1) and again == first
    tomorrow = await shared.get(date(2026, 11, 24), calendar)  # another day: counted anew
    assert shared.computed == 2 and len(tomorrow) == 1
    marker[0] = "m2"  # something committed
    await shared.get(date(2026, 11, 24), calendar)
    assert (shared.computed, shared.reused) == (3, 1)


async def test_the_change_marker_moves_on_every_commit_and_only_then(
    services: Services,
) -> None:
    read = services.change_marker
    first = await read()
    assert first is not None, services.engine.dialect.name
    if services.engine.dialect.name == "sqlite":  # PostgreSQL's WAL also moves by itself
        async with services.sessions() as session:
            await session.execute(select(Assignment.id))  # reading commits nothing
        assert await read() == first
    async with services.sessions() as session, session.begin():
        await build_assignment(session, datetime(2026, 11, 23, tzinfo=UTC))
    assert await read() != first


async def test_the_default_marker_keeps_a_count_until_something_commits(
    services: Services, clock: SettableClock
) -> None:
    """The real marker of each backend: reused while nothing commits, counted again after."""
    assignment_id = await _one_open_assignment(services, clock)
    calendar = WorkdayCalendar()
    shared = SharedCityCounts(services.sessions, services.change_marker)
    await shared.get(TODAY, calendar)
    if services.engine.dialect.name == "sqlite":
        await shared.get(TODAY, calendar)
        assert (shared.computed, shared.reused) == (1, 1)
    await _mark_done(services, assignment_id)
    after = await shared.get(TODAY, calendar)
    assert [(c.done, c.open) for c in after] == [(1, 0)]


def _open_files(path: Path) -> int:
    """Descriptors of this process open on `path` (Linux /proc)."""
    target = path.resolve()
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += Path(os.readlink(fd)) == target
        except OSError:
            continue
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
async def test_closing_the_services_releases_the_markers_own_connection(tmp_path: Path) -> None:
    """SQLite's marker reads through a private connection; it must not outlive the bot."""
    database = tmp_path / "marker.db"
    url = f"sqlite+aiosqlite:///{database}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    services = build_services(Settings(database_url=url, data_dir=tmp_path))
    assert await services.change_marker() is not None
    assert _open_files(database) == 1  # the marker's connection; the pool holds none now
    await services.close()
    assert _open_files(database) == 0
