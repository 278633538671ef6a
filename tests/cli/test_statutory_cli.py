"""`dutybot statutory redate|bind` through the real command line: what it cannot take is one
line on stderr, exit 2, and no override saved."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import migrated_cli_database, run

HUGE = "99999999999999999999"  # past a C long: date() overflowed instead of refusing


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, migrated SQLite database in a clean environment."""
    return migrated_cli_database(monkeypatch, tmp_path)


def stored_overrides(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [
            value
            for (value,) in connection.execute(
                "SELECT value FROM config_entries WHERE key = 'statutory_overrides'"
            )
        ]


def overrides(database: Path) -> list[dict[str, Any]]:
    [value] = stored_overrides(database)
    found: list[dict[str, Any]] = json.loads(value)["overrides"]
    return found


def _home(connection: sqlite3.Connection) -> int:
    """The deployment's one jurisdiction, as an import leaves it."""
    found = connection.execute("SELECT min(id) FROM jurisdictions").fetchone()[0]
    if found is not None:
        return int(found)
    cursor = connection.execute(
        "INSERT INTO jurisdictions (name, level, created_at)"
        " VALUES ('某区', 'district', '2026-01-01 00:00:00')"
    )
    return int(cursor.lastrowid or 0)


def add_group(database: Path, name: str, alias: str | None = None) -> None:
    """A unit group as an import leaves it (the CLI has no command that creates one)."""
    with sqlite3.connect(database) as connection:
        home = _home(connection)
        cursor = connection.execute(
            "INSERT INTO unit_groups (name, jurisdiction_id, created_at)"
            " VALUES (?, ?, '2026-01-01 00:00:00')",
            (name, home),
        )
        if alias is not None:
            connection.execute(
                "INSERT INTO unit_group_aliases (group_id, jurisdiction_id, alias) VALUES (?, ?, ?)",
                (cursor.lastrowid, home, alias),
            )


def add_unit(database: Path, name: str) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO units (name, jurisdiction_id, kind, needs_review, created_at)"
            " VALUES (?, ?, 'department', 0, '2026-01-01 00:00:00')",
            (name, _home(connection)),
        )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["enforcement_statistics", "--month", "1", "--day", HUGE],
            f"override of 'enforcement_statistics': yearly_date rule: day {HUGE} out of range",
        ),
        (
            ["enforcement_statistics", "--month", "1", "--day", f"-{HUGE}"],
            "yearly_date rule: day -",
        ),
        (
            ["enforcement_statistics", "--month", HUGE, "--day", "1"],
            f"yearly_date rule: month {HUGE} out of range",
        ),
        (
            ["constitution_day", "--month", "13", "--day", "4"],
            "override of 'constitution_day': yearly_event rule: month 13 out of range",
        ),
        (
            ["constitution_day", "--month", "12", "--day", HUGE],
            f"override of 'constitution_day': yearly_event rule: day {HUGE} out of range",
        ),
        (
            ["constitution_week", "--month", "1", "--day", "2"],
            "constitution_week has no date to move: its rule is yearly_event",
        ),
        (
            ["rule_of_law_annual_report", "--month", "1", "--day", "2"],
            "rule_of_law_annual_report has no date to move: its rule is yearly_window",
        ),
        (["no_such_entry", "--month", "1", "--day", "2"], "no statutory entry 'no_such_entry'"),
    ],
)
def test_a_redate_it_cannot_take_is_one_line_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], database: Path, argv: list[str], says: str
) -> None:
    code, out, err = run(capsys, "statutory", "redate", *argv)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("dutybot: ") and says in err, err
    assert stored_overrides(database) == []


def test_yearly_dates_are_still_redated(capsys: pytest.CaptureFixture[str], database: Path) -> None:
    for key, month, day in (("enforcement_statistics", "2", "28"), ("constitution_day", "12", "5")):
        code, out, _err = run(capsys, "statutory", "redate", key, "--month", month, "--day", day)
        assert code == 0 and f"{key}: saved" in out
    assert [(o["key"], o["params"]) for o in overrides(database)] == [
        ("enforcement_statistics", {"month": 2, "day": 28}),
        ("constitution_day", {"month": 12, "day": 5}),
    ]


@pytest.mark.parametrize("group", ["no_such_group", "", "县司法局"])
def test_binding_a_group_that_does_not_exist_is_one_line_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], database: Path, group: str
) -> None:
    add_unit(database, "县司法局")  # a unit, not a group
    code, out, err = run(capsys, "statutory", "bind", "enforcement_statistics", "全体单位", group)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and err.startswith("dutybot: "), err
    assert f"unknown group {group!r}" in err
    assert stored_overrides(database) == []


def test_existing_and_built_in_groups_are_bound_by_their_own_names(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    add_group(database, "各政法单位", alias="政法各单位")
    argv = ["statutory", "bind", "enforcement_statistics", "全体单位", "政法各单位"]
    code, out, _err = run(capsys, *argv)  # 全体单位 is built in, not yet in the database
    assert code == 0 and "enforcement_statistics: saved" in out
    [override] = overrides(database)
    assert override["groups"] == ["全体单位", "各政法单位"]
