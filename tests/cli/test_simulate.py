"""`dutybot simulate` shows the coming reminders without writing anything."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.clock import SettableClock
from bot.services import Services
from bot.usecases.planning.simulation import simulate
from storage.models import Occurrence, Reminder
from tests.end_to_end.test_e2e_conversations import seed_units


async def test_timeline_covers_statutory_dates_and_writes_nothing(
    services: Services, clock: SettableClock
) -> None:
    await seed_units(services)
    async with services.sessions() as session:
        occurrences_before = await session.scalar(select(func.count()).select_from(Occurrence))
        reminders_before = await session.scalar(select(func.count()).select_from(Reminder))
    timeline = await simulate(services, date(2026, 12, 1), date(2027, 4, 30))
    kinds = {event.kind for event in timeline.events}
    assert {"lead", "due", "digest"} <= kinds
    days = {(event.at.date(), event.kind, event.unit) for event in timeline.events}
    assert any(day == date(2027, 1, 29) and kind == "due" for day, kind, _ in days), (
        "31 Jan 2027 is a Sunday: its due-day reminder goes on Friday 29 Jan"
    )
    for event in timeline.events:
        assert services.calendar.is_workday(event.at.date()) or event.kind == "digest"
    assert 2027 in timeline.fallback_years
    assert all(e.approximate for e in timeline.events if e.at.year == 2027)
    async with services.sessions() as session:
        assert (
            await session.scalar(select(func.count()).select_from(Occurrence)) == occurrences_before
        )
        assert await session.scalar(select(func.count()).select_from(Reminder)) == reminders_before


def test_cli_prints_a_readable_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    assert main(["simulate", "--from", "2026-12-01", "--to", "2027-04-30", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out[out.index("{") :])
    assert data["fallback_years"] == [2027]
    assert any(event["kind"] == "digest" for event in data["events"])
    assert main(["simulate", "--from", "2026-12-01", "--to", "2027-04-30"]) == 0
    text = capsys.readouterr().out
    assert "weekly digest" in text and "no official holiday data" in text
    assert main(["simulate", "--from", "2027-01-01", "--to", "2026-01-01"]) == 2
    capsys.readouterr()
    for argv, says in (
        (["--from", "9999-12-31"], "--from must be between 1990 and 2100"),
        (["--to", "0002-01-01"], "--to must be between 1990 and 2100"),
        (["--unit", "不存在的单位"], "unknown unit '不存在的单位'"),
    ):
        assert main(["simulate", *argv]) == 2
        err = capsys.readouterr().err
        assert says in err and len(err.strip().splitlines()) == 1, err
