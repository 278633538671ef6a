"""`dutybot calendar` through the real command line: load a holiday file, show a year, set a
Constitution Week, and one line (exit 2) for what it cannot take."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from scheduling.dates import holiday_file
from tests.cli_support import migrated_cli_database, run


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, migrated SQLite database in a clean environment."""
    return migrated_cli_database(monkeypatch, tmp_path)


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
        (["calendar", "week", "2030", "2030-01-01", "2030-01-03"], "includes Constitution Day"),
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
    bad.write_text(json.dumps([{"date": "2031-10-09", "kind": "holiday"}, "x"]), "utf-8")
    code, _out, err = run(capsys, "calendar", "load", str(bad))
    assert code == 2 and "entry 1: expected an object" in err
    code, out, _err = run(capsys, "calendar", "show", "2031")
    assert code == 0 and "2031-10-09" not in out


def holiday_rows(database: Path) -> list[tuple[str, int, str | None]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute("SELECT day, is_workday, name FROM holiday_days"))


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The command's one stderr line, after checking it exits 2 with nothing on stdout."""
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("dutybot: "), err
    return err


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("gbk.csv", "2031-10-01,holiday,国庆节\n".encode("gbk"), "gbk.csv: not UTF-8 text"),
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "logo.png: not UTF-8 text"),
        ("noise.json", bytes(range(128, 256)) * 4, "noise.json: not UTF-8 text"),
        ("deep.json", b"[" * 100_000, "deep.json: not JSON: nested too deeply"),
        ("digits.json", b"1" * 5000, "digits.json: not JSON"),
        (
            "wide.csv",
            b'2031-10-01,holiday,"' + b"x" * 200_000 + b'"\n',
            "wide.csv: line 1: not CSV",
        ),
        ("long.csv", ("2031-10-01,holiday," + "节" * 101 + "\n").encode(), "longer than 100"),
        ("huge.csv", b"#" * (1024 * 1024 + 1), "huge.csv: larger than 1024 KiB"),
    ],
)
def test_a_file_that_is_not_holiday_text_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    database: Path,
    name: str,
    content: bytes,
    says: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert says in refused(capsys, "calendar", "load", str(path))
    assert holiday_rows(database) == []


def test_what_is_not_a_regular_file_is_refused_without_opening_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: Path
) -> None:
    (tmp_path / "holidays").mkdir()
    assert "holidays: is a directory" in refused(capsys, "calendar", "load", "holidays")
    assert "the file name is empty" in refused(capsys, "calendar", "load", "")
    os.mkfifo(tmp_path / "pipe.csv")  # opening it for reading would wait for a writer
    assert "pipe.csv: is not a regular file" in refused(capsys, "calendar", "load", "pipe.csv")
    (tmp_path / "plain.csv").write_text("2031-10-01,holiday\n", "utf-8")
    says = refused(capsys, "calendar", "load", "plain.csv/inner.csv")
    assert "plain.csv/inner.csv: cannot be read: not a directory" in says
    assert holiday_rows(database) == []


def test_an_unreadable_file_is_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """chmod 000 does not stop root, so the refusal to open is simulated."""
    (tmp_path / "secret.csv").write_text("2031-10-01,holiday\n", "utf-8")

    def denied(path: object, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(holiday_file.os, "open", denied)
    says = refused(capsys, "calendar", "load", "secret.csv")
    assert "secret.csv: cannot be read: permission denied" in says
    assert holiday_rows(database) == []


def test_a_good_json_file_still_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: Path
) -> None:
    good = tmp_path / "2032.json"
    rows = [{"date": "2032-10-01", "kind": "holiday", "name": "国庆节"}]
    good.write_bytes(b"\xef\xbb\xbf" + json.dumps({"entries": rows}).encode())
    code, out, _err = run(capsys, "calendar", "load", str(good))
    assert code == 0 and "loaded 1 days for 2032" in out
    assert holiday_rows(database) == [("2032-10-01", 0, "国庆节")]


def test_a_holiday_file_of_impossible_years_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    far = tmp_path / "far.csv"
    far.write_text("date,kind,name\n2031-10-09,holiday,国庆节\n9999-10-01,holiday,x\n", "utf-8")
    code, _out, err = run(capsys, "calendar", "load", str(far))
    assert code == 2 and "9999-10-01 is outside the years 1990-2100" in err, err
    code, out, _err = run(capsys, "calendar", "show", "2031")
    assert code == 0 and "2031-10-09" not in out
