"""`dutybot export --plan P` through the real command line: a plan no id or title matches is
one line on stderr, exit 2, and no file, whatever digits P is made of."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.cli_support import migrated_cli_database, run
from tests.import_support import SEED_004


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, migrated SQLite database in a clean environment, holding one imported plan."""
    database = migrated_cli_database(monkeypatch, tmp_path)
    assert main(["import", str(SEED_004)]) == 0
    return database


@pytest.mark.parametrize(
    "plan",
    [
        "99999999999999999999",  # past SQLite's INTEGER: the query overflowed
        "2147483648",  # ROW_ID_MAX + 1: past PostgreSQL's INTEGER
        "²",  # a digit to isdigit(), not to int()
        "١",  # an Arabic-Indic one: int() takes it, the id column should not
        "不存在的计划",
    ],
)
def test_a_plan_nothing_matches_is_one_line_and_no_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plan: str
) -> None:
    code, out, err = run(capsys, "export", "--plan", plan, "ledger.xlsx")
    assert (code, out) == (2, ""), err
    assert err == f"dutybot: no plan matches {plan}\n"
    assert not (tmp_path / "ledger.xlsx").exists()


def test_a_plan_is_still_found_by_id_and_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for plan, name in (("1", "by-id.xlsx"), (" 1 ", "padded.xlsx"), ("法治政府", "title.xlsx")):
        code, out, err = run(capsys, "export", "--plan", plan, name)
        assert code == 0, err
        assert "1 plans" in out and (tmp_path / name).exists()


@pytest.mark.parametrize("plan", ["", "   "])
def test_an_empty_plan_choice_is_refused_not_taken_as_every_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plan: str
) -> None:
    code, out, err = run(capsys, "export", "--plan", plan, "ledger.xlsx")
    assert (code, out) == (2, ""), err
    assert err == "dutybot: --plan needs a plan id or part of its title\n"
    assert not (tmp_path / "ledger.xlsx").exists()
