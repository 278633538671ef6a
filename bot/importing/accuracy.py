"""Importer accuracy against the hand-written gold files: `python -m bot.importing.accuracy DIR`.

An item counts as exact when its number, section path, lead units and responsible units all
equal the gold item at the same position (plan by plan, item by item).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.importing.model import ParsedDocument, ParsedItem
from bot.importing.parser import parse_document

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "gold"


@dataclass(slots=True)
class SeedScore:
    """How one seed compares with its gold file."""

    file: str
    exact: int
    total: int
    mismatches: list[str] = field(default_factory=list)


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """Gold files keyed by the seed file name they describe."""
    golds: dict[str, dict] = {}
    for path in sorted(gold_dir.glob("seed_*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        golds[gold["file"]] = gold
    return golds


def gold_items(gold: dict) -> list[tuple[int, dict, list[str]]]:
    """(plan index, gold item, expanded section path) for every gold item."""
    rows: list[tuple[int, dict, list[str]]] = []
    for plan_index, plan in enumerate(gold["plans"]):
        for item in plan["items"]:
            rows.append((plan_index, item, list(plan["sections"][item["s"]])))
    return rows


def _difference(item: ParsedItem | None, expected: dict, section: list[str]) -> str | None:
    if item is None:
        return "missing"
    problems = []
    if item.number != expected["n"]:
        problems.append(f"number {item.number!r} != {expected['n']!r}")
    if item.section_path != section:
        problems.append(f"section {item.section_path} != {section}")
    if item.lead_units != expected["lead"]:
        problems.append(f"lead {item.lead_units} != {expected['lead']}")
    if item.responsible_units != expected["resp"]:
        problems.append(f"responsible {item.responsible_units} != {expected['resp']}")
    return "; ".join(problems) or None


def score(document: ParsedDocument, gold: dict) -> SeedScore:
    """Compare a parsed document with its gold file, item by item."""
    result = SeedScore(gold["file"], 0, 0)
    counters: dict[int, int] = {}
    for plan_index, expected, section in gold_items(gold):
        result.total += 1
        position = counters.get(plan_index, 0)
        counters[plan_index] = position + 1
        plans = document.plans
        items = plans[plan_index].items if plan_index < len(plans) else []
        item = items[position] if position < len(items) else None
        problem = _difference(item, expected, section)
        if problem is None:
            result.exact += 1
        else:
            label = f"plan {plan_index + 1} item #{position + 1} ({expected['n']})"
            result.mismatches.append(f"{label}: {problem}")
    for plan_index, plan in enumerate(document.plans):
        extra = len(plan.items) - counters.get(plan_index, 0)
        if extra > 0:
            result.mismatches.append(f"plan {plan_index + 1}: {extra} items not in the gold file")
    return result


def run(seeds_dir: Path, gold_dir: Path = DEFAULT_GOLD) -> tuple[list[SeedScore], float]:
    """Score every seed that has a gold file; also return the total parse time in seconds."""
    golds = load_gold(gold_dir)
    scores: list[SeedScore] = []
    elapsed = 0.0
    for name, gold in golds.items():
        path = seeds_dir / name
        started = time.perf_counter()
        document = parse_document(path)
        elapsed += time.perf_counter() - started
        scores.append(score(document, gold))
    return scores, elapsed


def report(scores: list[SeedScore], elapsed: float, verbose: bool = False) -> str:
    """Human-readable per-seed figures and the total."""
    lines = []
    for seed in scores:
        lines.append(f"{seed.file}: items exact {seed.exact}/{seed.total}")
        if verbose:
            lines.extend(f"    {mismatch}" for mismatch in seed.mismatches)
    exact = sum(seed.exact for seed in scores)
    total = sum(seed.total for seed in scores)
    lines.append(f"total: {exact}/{total} items exact (number + section + lead + responsible)")
    lines.append(f"parse time for {len(scores)} seeds: {elapsed * 1000:.0f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the accuracy figures; exit 1 if any item differs from the gold files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seeds", type=Path, help="directory holding the seed documents")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold files directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    scores, elapsed = run(args.seeds, args.gold)
    print(report(scores, elapsed, args.verbose))
    return 0 if all(seed.exact == seed.total for seed in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
