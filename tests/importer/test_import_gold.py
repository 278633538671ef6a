"""The importer against hand-written gold files (tests/gold/seed_00N.json), item by item."""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path

import pytest

from bot.importing import ParsedDocument, ParsedItem, parse_document
from bot.importing.accuracy import report, run

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT / "tests" / "gold"
GOLD_FILES = sorted(GOLD.glob("seed_*.json"))

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


def _gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_document(SEEDS / name)


def _ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


def test_gold_files_hold_the_counts_the_brief_states() -> None:
    """The gold files themselves: 37; 50+32+56; 94 in 9/33 sections; 45; 38 — 352 in all."""
    counts = {path.stem: [len(p["items"]) for p in _gold(path)["plans"]] for path in GOLD_FILES}
    assert counts == {
        "seed_000": [37],
        "seed_001": [50, 32, 56],
        "seed_002": [94],
        "seed_003": [45],
        "seed_004": [38],
    }
    ledger = _gold(GOLD / "seed_002.json")["plans"][0]["sections"]
    assert len({path[0] for path in ledger}) == 9
    assert len(ledger) == 33
    for path in GOLD_FILES:
        gold = _gold(path)
        assert gold["notes"], f"{path.name} must say how it was written"
        for plan in gold["plans"]:
            assert plan["item_count"] == len(plan["items"])
            used = {item["s"] for item in plan["items"]}
            assert used == set(range(len(plan["sections"]))), "every section holds items"


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_plan_metadata(gold_path: Path) -> None:
    gold = _gold(gold_path)
    document = _parsed(gold["file"])
    assert len(document.plans) == len(gold["plans"])
    for plan, expected in zip(document.plans, gold["plans"], strict=True):
        assert plan.title == expected["title"]
        assert plan.issuer == expected["issuer"]
        assert plan.jurisdiction == expected["jurisdiction"]
        assert plan.jurisdiction_name == expected["jurisdiction_name"]
        assert (plan.year_from, plan.year_to) == (expected["year_from"], expected["year_to"])
        assert plan.plan_year == expected["plan_year"]
        assert len(plan.items) == expected["item_count"]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_every_item_matches_gold(gold_path: Path) -> None:
    """Number, section path, lead and responsible units, text start and review codes."""
    gold = _gold(gold_path)
    document = _parsed(gold["file"])
    problems: list[str] = []
    for plan, expected_plan in zip(document.plans, gold["plans"], strict=True):
        for item, expected in zip(plan.items, expected_plan["items"], strict=True):
            got = {
                "n": item.number,
                "section": item.section_path,
                "lead": item.lead_units,
                "resp": item.responsible_units,
                "review": item.review_codes,
                "head": item.text[: len(expected["head"])],
            }
            want = {
                "n": expected["n"],
                "section": expected_plan["sections"][expected["s"]],
                "lead": expected["lead"],
                "resp": expected["resp"],
                "review": expected.get("review", []),
                "head": expected["head"],
            }
            if got != want:
                problems.append(f"{plan.title} {expected['n']}: got {got}, want {want}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=_ids(GOLD_FILES))
def test_every_printed_name_resolves_as_gold_says(gold_path: Path) -> None:
    """Each printed name is a unit or a group; the gold table covers every name printed."""
    gold = _gold(gold_path)
    document = _parsed(gold["file"])
    resolved: dict[str, str] = {}
    for item in document.items:
        for ref in [*item.lead, *item.responsible]:
            resolved[ref.printed] = f"{ref.kind}:{ref.name}"
    assert resolved == gold["names"]


def _item(document: ParsedDocument, plan: int, number: str, section: str = "") -> ParsedItem:
    matches = [
        item
        for item in document.plans[plan].items
        if item.number == number and item.section_path[0].startswith(section)
    ]
    assert len(matches) == 1
    return matches[0]


def test_known_facts() -> None:
    """The facts the brief names, checked directly rather than through the gold files."""
    statistics = _item(_parsed("002_12f87d2dbc5014d3.txt"), 0, "49")
    assert "每年131日前" in statistics.text
    assert statistics.lead_units == ["区司法局", "区委网信办", "区发展改革委"]
    assert [(r.kind, r.name) for r in statistics.responsible] == [
        ("group", "其他部门"),
        ("group", "各街道"),
    ]
    lawyers = _item(_parsed("001_7b0fa0002b4ed437.txt"), 0, "52")
    assert (lawyers.lead_units, lawyers.responsible_units) == (["区司法局"], [])
    first = _item(_parsed("000_88f7ea10d4537cb9.txt"), 0, "1")
    assert first.lead_units == ["区委编办"]
    assert [(r.kind, r.name) for r in first.responsible] == [
        ("group", "区政府各部门"),
        ("group", "各镇办"),
    ]
    county = _item(_parsed("004_ac129a74929e7d6a.txt"), 0, "1", section="四、")
    assert county.lead_units == ["县委编办", "县司法局"]
    assert [r.name for r in county.lead] == ["县委编办", "县司法局"]


def test_ledger_continuation_lines_join_the_item_text() -> None:
    ledger = _parsed("002_12f87d2dbc5014d3.txt").plans[0]
    by_number = {item.number: item for item in ledger.items}
    assert by_number["36"].text.endswith("充分发挥法律顾问在法治政府中的作用。")
    assert "同时，严格落实《天津市市场主体信用风险分类修复程序规定》" in by_number["14"].text
    assert by_number["25"].unit_source == "inherited"
    assert by_number["24"].unit_lines == by_number["25"].unit_lines


def test_chrome_never_becomes_an_item() -> None:
    for name in (
        "000_88f7ea10d4537cb9.txt",
        "001_7b0fa0002b4ed437.txt",
        "003_d7e16aec22055f20.txt",
    ):
        for item in _parsed(name).items:
            for marker in ("设为首页", "http", "首页/", "来源", "..."):
                assert marker not in item.text


def test_accuracy_figure(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the per-seed accuracy (shown with `pytest -s`); every item must be exact."""
    scores, elapsed = run(SEEDS, GOLD)
    text = report(scores, elapsed, verbose=True)
    with capsys.disabled():
        print("\n" + text)
    assert sum(seed.total for seed in scores) == 352
    assert [seed.exact for seed in scores] == [seed.total for seed in scores], text


def test_parse_speed_is_printed() -> None:
    """Parsing all five seeds takes well under a second; printed, not asserted on."""
    started = time.perf_counter()
    documents = [parse_document(path) for path in sorted(SEEDS.glob("*.txt"))]
    elapsed = time.perf_counter() - started
    print(f"\nparsed {len(documents)} seeds in {elapsed * 1000:.0f} ms")
    assert sum(len(document.items) for document in documents) == 352
