"""Every dated phrase in the five seed documents, read as the hand-written gold file says.

The gold file (tests/gold/rules_seeds.json) lists each dated phrase of each seed with its
expected rule kind, params and resolved dates, or marks it as not a deadline. Run with
`pytest -s tests/unit/test_rules_seeds.py` to see the coverage figure per seed.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from scheduling.dates.workdays import WorkdayCalendar
from scheduling.reading.coverage import (
    evaluate_seed,
    guess_plan_years,
    main,
    scan_document,
)
from scheduling.reading.extract import PlanYears
from tests import paths

GOLD_PATH = paths.GOLD / "rules_seeds.json"
SEEDS = Path(os.environ.get("DUTYBOT_SEEDS", str(paths.SEEDS)))
GOLD: dict[str, Any] = json.loads(GOLD_PATH.read_text("utf-8"))
SEED_NAMES = [seed["file"] for seed in GOLD["seeds"]]

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not at {SEEDS}")


@pytest.fixture(scope="module")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar()


def _seed(name: str) -> dict[str, Any]:
    return next(seed for seed in GOLD["seeds"] if seed["file"] == name)


def _plan(seed: dict[str, Any]) -> PlanYears:
    return PlanYears(seed["plan_year"], seed["year_from"], seed["year_to"])


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_reads_as_gold(name: str, calendar: WorkdayCalendar) -> None:
    report = evaluate_seed(name, (SEEDS / name).read_text("utf-8"), _seed(name), calendar)
    print(
        f"\n{name}: {report.recognized}/{report.present} dated phrases recognized "
        f"(deadlines {report.rules_recognized}/{report.rules_present}, "
        f"not deadlines {report.ignored_recognized}/{report.ignored_present})"
    )
    assert report.problems == []
    assert report.unexpected == []
    assert report.rules_present > 0
    assert report.recognized == report.present


def test_every_seed_has_gold() -> None:
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == sorted(SEED_NAMES)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_broad_scan_finds_nothing_unread(name: str) -> None:
    """A scan broader than the extractor finds no dated phrase the extractor did not handle."""
    report = scan_document(name, (SEEDS / name).read_text("utf-8"), _plan(_seed(name)))
    print(f"\n{name}: broad scan {report.recognized}/{report.present}")
    assert report.present > 0
    assert report.missed == []


@pytest.mark.parametrize("name", SEED_NAMES)
def test_plan_years_guessed_from_title(name: str) -> None:
    seed = _seed(name)
    guess = guess_plan_years((SEEDS / name).read_text("utf-8"))
    assert (guess.year_from, guess.year_to) == (seed["year_from"], seed["year_to"])


def test_gold_evaluation_reports_a_wrong_reading(calendar: WorkdayCalendar) -> None:
    """The comparison can fail: a wrong due date, a wrong kind, a decoy that is a rule."""
    name = "003_d7e16aec22055f20.txt"
    seed = copy.deepcopy(_seed(name))
    entries = seed["phrases"]
    deadline = next(e for e in entries if e["phrase"] == "2017年6月底前")
    deadline["params"]["due"] = "2017-06-29"
    window = next(e for e in entries if e.get("kind") == "yearly_window")
    window["first_due"] = "2016-03-31"
    entries.append({"line": 12, "phrase": "2016年年底前", "expect": "ignored"})
    removed = entries.pop(next(i for i, e in enumerate(entries) if e.get("kind") == "periodic"))
    report = evaluate_seed(name, (SEEDS / name).read_text("utf-8"), seed, calendar)
    assert report.recognized == report.present - 3
    assert any("2017年6月底前" in p and "2017-06-30" in p for p in report.problems)
    assert any("first due 2017-03-31" in p for p in report.problems)
    assert any("should be ignored" in p for p in report.problems)
    assert any(removed["phrase"][:4] in u for u in report.unexpected)


def test_cli_prints_the_figure_per_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(SEEDS), "--gold", str(GOLD_PATH)])
    out = capsys.readouterr().out
    print(out)
    assert code == 0
    for seed in GOLD["seeds"]:
        total = len(seed["phrases"])
        assert f"{seed['file']}: {total}/{total} phrases recognized" in out


def test_cli_without_gold_scans_and_guesses_years(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(SEEDS)])
    out = capsys.readouterr().out
    assert code == 0
    assert "003_d7e16aec22055f20.txt (plan 2016-2020)" in out
    assert "missed" not in out
