"""`dutybot calendar` through the real command line: load a holiday file, show a year, set a
Constitution Week, and one line (exit 2) for what it cannot take."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, migrated SQLite database in a clean environment."""
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["db", "upgrade"]) == 0
    return tmp_path / "data" / "dutybot.db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_loaded_holiday_file_shows_in_the_year(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    holidays = tmp_path / "2031.csv"
    holidays.write_text(
        "date,kind,name\n2031-10-01,holiday,国庆节\n2031-10-11,workday,国庆节调休\n",
        encoding="utf-8",
    )
    code, out, _err = run(capsys, "calendar", "load", str(holidays))
    assert code == 0 and "loaded 2 days for 2031" in out
    code, out, _err = run(capsys, "calendar", "show", "2031")
    assert code == 0
    assert "2031-10-01" in out and "holiday 国庆节" in out
    assert "2031-10-11" in out and "make-up working day" in out


def test_a_constitution_week_is_set_and_shown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "calendar", "week", "2030", "2030-12-02", "2030-12-08")
    assert code == 0 and "2030-12-02 – 2030-12-08" in out
    code, out, _err = run(capsys, "calendar", "show", "2030")
    assert code == 0 and "Constitution Week 2030: 2030-12-02 – 2030-12-08" in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["calendar", "show", "99999"], "the year must be between 1990 and 2100"),
        (["calendar", "show", "0"], "the year must be between 1990 and 2100"),
        (["calendar", "week", "1900", "1900-12-01", "1900-12-07"], "between 1990 and 2100"),
        (["calendar", "week", "2030", "2030-12-08", "2030-12-02"], "first day before last"),
        (["calendar", "week", "2030", "2030-12-01", "2030-12-31"], "at most two weeks"),
        (["calendar", "load", "nope.csv"], "no such file: nope.csv"),
    ],
)
def test_what_it_cannot_take_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("dutybot: ") and says in err, err


def test_a_malformed_holiday_file_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"date": "2031-10-01", "kind": "holiday"}, "x"]), "utf-8")
    code, _out, err = run(capsys, "calendar", "load", str(bad))
    assert code == 2 and "entry 1: expected an object" in err
    code, out, _err = run(capsys, "calendar", "show", "2031")
    assert code == 0 and "2031-10-01" not in out
