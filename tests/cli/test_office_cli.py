"""`dutybot digest --preview`, `dutybot export` and `dutybot ics` through the command line."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from bot.services import build_services
from bot.settings import load_settings
from tests.cli_support import migrated_cli_database, run
from tests.digest_fixtures import fixture_week

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A migrated SQLite database holding the fixture week."""
    migrated_cli_database(monkeypatch, tmp_path)

    async def fill() -> None:
        services = build_services(load_settings())
        try:
            async with services.sessions() as session, session.begin():
                await fixture_week(session, NOW)
        finally:
            await services.close()

    asyncio.run(fill())
    return tmp_path


def test_digest_preview_of_a_week_with_its_chart(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    chart = database / "digest.png"
    code, out, err = run(
        capsys, "digest", "--preview", "--week", "2026-11-25", "--lang", "en", "--chart", str(chart)
    )
    assert code == 0, err
    assert "Weekly digest, week of 23 November 2026" in out
    assert "As of Monday, 23 November 2026." in out, "as of that week's digest time"
    assert "2 of 4 assignments due by now are done (50%)" in out
    assert "区司法局: 45 days overdue" in out
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_digest_without_preview_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "digest")
    assert code == 2 and out == ""
    assert err.strip() == "dutybot: nothing to do: use --preview (the running bot sends the digest)"


def test_export_the_whole_ledger_and_one_unit(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    path = database / "台账.xlsx"
    code, out, err = run(capsys, "export", str(path))
    assert code == 0, err
    assert "1 plans, 9 duties" in out
    assert load_workbook(path).sheetnames[0] == "红桥区2026年法治政府建设年度计划任务台账"

    code, out, err = run(capsys, "export", "--unit", "区司法局", "--plan", "任务台账", str(path))
    assert code == 0, err
    assert "1 plans, 4 duties" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--unit", "区司法", "x.xlsx"], "did you mean: 区司法局?"),
        (["export", "--plan", "不存在", "x.xlsx"], "no plan matches 不存在"),
        (["export", "x.csv"], "x.csv should end in .xlsx"),
        (["ics", "区司法局", "missing/x.ics"], "the directory missing does not exist"),
        (["ics", "区司法局", "x" * 300 + ".ics"], "File name too long"),
        (["digest", "--preview", "--week", "0001-01-01"], "--week must be between 1990 and 2100"),
        (["digest", "--preview", "--week", "9999-12-31"], "--week must be between 1990 and 2100"),
    ],
)
def test_bad_choices_end_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_ics_of_a_unit(capsys: pytest.CaptureFixture[str], database: Path) -> None:
    path = database / "justice.ics"
    code, out, err = run(capsys, "ics", "区司法局", str(path))
    assert code == 0, err
    assert "4 events" in out
    feed = Calendar.from_ical(path.read_bytes())
    uids = [str(event["UID"]) for event in feed.walk("VEVENT")]
    assert len(uids) == 4 and all(uid.startswith("assignment-") for uid in uids)


def test_an_output_that_is_not_a_file_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    """A directory, or a pipe (writing would wait for a reader forever), in one line."""
    (database / "folder.xlsx").mkdir()
    (database / "folder.png").mkdir()
    os.mkfifo(database / "pipe.ics")
    for argv in (
        ["export", "folder.xlsx"],
        ["digest", "--preview", "--chart", "folder.png"],
        ["ics", "区司法局", "pipe.ics"],
    ):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, ""), err
        assert err.startswith("dutybot: ") and "is not a regular file" in err, err
        assert len(err.strip().splitlines()) == 1
