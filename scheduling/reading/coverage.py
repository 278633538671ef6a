"""How many dated phrases the rule extractor reads, per document.

Two measures:

* against a hand-written gold file (tests/gold/rules_seeds.json): each listed phrase is
  recognized when a rule of the right kind and params covers it (and its first due date or
  event example comes out right), or, for a phrase listed as not a deadline, when no rule
  covers it. Rules the gold file does not expect are reported as unexpected.
* without gold: a deliberately broad scan finds every dated-looking phrase; each is
  recognized when the extractor either read a rule from it or knowingly passed over it (a
  title, a document number…). This catches phrases the extractor does not know at all.

    python -m scheduling.reading.coverage /work/shared/seeds [--gold tests/gold/rules_seeds.json]
        [--plan 000_88f7ea10d4537cb9.txt=2019 --plan 001_7b0fa0002b4ed437.txt=2021-2025]

Seeds are split into paragraphs by line; plan years come from the gold file, `--plan`, or a
guess from the document's title (five-year-plan names, "(2021-2025年)", "2019年度…计划").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scheduling.dates.model import Rule, RuleKind
from scheduling.dates.occurrences import occurrence_for_event, occurrences
from scheduling.dates.workdays import WorkdayCalendar
from scheduling.reading.extract import Extraction, PlanYears, Span, scan
from scheduling.reading.textnorm import normalize

CANDIDATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,8}\s*[年月日]"
    r"|\d+\s*个?\s*工作日"
    r"|每\s*(?:年|季度?|月|半年|[两二三四五]\s*年)"
    r"|第?[一二三四1-4]\s*季度"
    r"|宪法(?:日|宣传周)"
    r"|(?:不少于|至少|不低于)\s*[^,;。\d]{0,8}?[\d一二两三四五六七八九十]+\s*"
    r"(?:次|期|场|批|学时|课时|天|日|个工作日)"
    r"|年度[^,;。]{0,12}?(?:不少于|至少)"
    r'|(?:十[一二三四五六七八九]|[六七八九])五(?=规划|普法|时期|期间|")'
    r"|[日周月季](?:排查|调度|汇总|分析)"
)
FIVE_YEAR_PLANS = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025)}


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their 1-based numbers: one paragraph per line in the seeds."""
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def guess_plan_years(text: str) -> PlanYears:
    """A best guess at a plan's years from its first lines (for the CLI only)."""
    head = [line for _, line in paragraphs(text)[:30]]
    for line in head[:5]:
        for name, (first, last) in FIVE_YEAR_PLANS.items():
            if name in line:
                return PlanYears(None, first, last)
    for line in head:
        norm = normalize(line)
        m = re.search(r"(\d{4})\s*-\s*(\d{4})", norm)
        if m and re.search("规划|方案|计划", norm) and "纲要" not in norm[: m.start()][-12:]:
            return PlanYears(None, int(m[1]), int(m[2]))
    for line in head:
        m = re.search(r"(\d{4})\s*年度?[^。]{0,20}?(?:计划|台账|要点|方案)", line)
        if m:
            return PlanYears(int(m[1]), int(m[1]), int(m[1]))
    for line in head:
        m = re.search(r"(\d{4})\s*[-年]", line)
        if m:
            return PlanYears(int(m[1]), int(m[1]), int(m[1]))
    return PlanYears()


# ---------------------------------------------------------------------------------------------
# Without gold: a broad scan.


@dataclass
class ScanReport:
    """Candidate dated phrases in one document and what the extractor made of them."""

    name: str
    plan: PlanYears
    present: int = 0
    read_as_rules: int = 0
    passed_over: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def recognized(self) -> int:
        return self.read_as_rules + self.passed_over


def _candidate_spans(line: str) -> list[Span]:
    spans: list[Span] = []
    for m in CANDIDATE.finditer(normalize(line)):
        if spans and m.start() <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
        else:
            spans.append((m.start(), m.end()))
    return spans


def scan_document(name: str, text: str, plan: PlanYears) -> ScanReport:
    report = ScanReport(name, plan)
    for number, line in paragraphs(text):
        extraction = scan(line, plan)
        rule_spans = [s for spans in extraction.spans for s in spans]
        ignored_spans = [(i.start, i.end) for i in extraction.ignored]
        for span in _candidate_spans(line):
            report.present += 1
            if any(_overlaps(span, s) for s in rule_spans):
                report.read_as_rules += 1
            elif any(_overlaps(span, s) for s in ignored_spans):
                report.passed_over += 1
            else:
                report.missed.append(f"line {number}: {line[span[0] : span[1]]!r}")
    return report


# ---------------------------------------------------------------------------------------------
# Against gold.


@dataclass
class GoldReport:
    """Gold phrases in one document and how many the extractor got right."""

    name: str
    rules_present: int = 0
    rules_recognized: int = 0
    ignored_present: int = 0
    ignored_recognized: int = 0
    problems: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def present(self) -> int:
        return self.rules_present + self.ignored_present

    @property
    def recognized(self) -> int:
        return self.rules_recognized + self.ignored_recognized


def _gold_span(line: str, phrase: str, nth: int) -> Span | None:
    index = -1
    for _ in range(nth + 1):
        index = line.find(phrase, index + 1)
        if index < 0:
            return None
    return index, index + len(phrase)


def first_due(rule: Rule, plan: PlanYears, calendar: WorkdayCalendar) -> date | None:
    """The earliest due date of a rule inside its plan's years (two years' grace after)."""
    first = plan.year_from or plan.plan_year
    last = plan.year_to or plan.plan_year
    if first is None or last is None:
        return None
    found = occurrences(
        rule,
        start=date(first, 1, 1),
        end=date(last + 2, 12, 31),
        calendar=calendar,
        plan_year_from=first,
        plan_year_to=last,
    )
    return found[0].due_date if found else None


def _check_rule(
    entry: dict[str, Any], rule: Rule, plan: PlanYears, calendar: WorkdayCalendar
) -> str | None:
    """Why this rule does not match the gold entry, or None when it does."""
    if str(rule.kind) != entry["kind"]:
        return f"kind {rule.kind}, expected {entry['kind']}"
    wrong = {
        k: rule.params.get(k) for k, v in entry.get("params", {}).items() if rule.params.get(k) != v
    }
    if wrong:
        return f"params {wrong}, expected {entry['params']}"
    if "repaired" in entry and rule.repaired != entry["repaired"]:
        return f"repaired={rule.repaired}"
    if "first_due" in entry:
        due = first_due(rule, plan, calendar)
        if due is None or due.isoformat() != entry["first_due"]:
            return f"first due {due}, expected {entry['first_due']}"
    if "example" in entry and rule.kind is RuleKind.EVENT_RELATIVE:
        event = date.fromisoformat(entry["example"]["event"])
        due = occurrence_for_event(rule, event, calendar).due_date
        if due.isoformat() != entry["example"]["due"]:
            return f"after {event} due {due}, expected {entry['example']['due']}"
    return None


def _located(extraction: Extraction) -> list[tuple[Rule, tuple[Span, ...]]]:
    return [(r, s) for r, s in zip(extraction.rules, extraction.spans, strict=True) if s]


def evaluate_seed(
    name: str, text: str, seed: dict[str, Any], calendar: WorkdayCalendar
) -> GoldReport:
    """Compare the extractor's reading of one document with its gold entries."""
    plan = PlanYears(seed.get("plan_year"), seed.get("year_from"), seed.get("year_to"))
    lines = text.splitlines()
    report = GoldReport(name)
    readings: dict[int, list[tuple[Rule, tuple[Span, ...]]]] = {}
    claimed: set[tuple[int, int]] = set()
    for entry in seed["phrases"]:
        number = entry["line"]
        line = lines[number - 1]
        if number not in readings:
            readings[number] = _located(scan(line, plan))
        span = _gold_span(line, entry["phrase"], entry.get("nth", 0))
        where = f"line {number} {entry['phrase']!r}"
        if span is None:
            report.problems.append(f"{where}: phrase not in the line (gold file error)")
            continue
        covering = [
            (i, rule)
            for i, (rule, spans) in enumerate(readings[number])
            if any(_overlaps(span, s) for s in spans)
        ]
        if entry["expect"] == "ignored":
            report.ignored_present += 1
            if covering:
                report.problems.append(f"{where}: read as {covering[0][1].kind}, should be ignored")
            else:
                report.ignored_recognized += 1
            continue
        report.rules_present += 1
        reasons = [_check_rule(entry, rule, plan, calendar) for _, rule in covering]
        if covering and None in reasons:
            report.rules_recognized += 1
            claimed.add((number, covering[reasons.index(None)][0]))
        else:
            report.problems.append(f"{where}: {'; '.join(r for r in reasons if r) or 'no rule'}")
    for number, line in paragraphs(text):
        located = readings.get(number) or _located(scan(line, plan))
        for i, (rule, _) in enumerate(located):
            if (number, i) not in claimed:
                report.unexpected.append(f"line {number}: {rule.kind} {rule.phrase!r}")
    return report


def evaluate_gold(seeds_dir: Path, gold: dict[str, Any]) -> list[GoldReport]:
    calendar = WorkdayCalendar()
    return [
        evaluate_seed(seed["file"], (seeds_dir / seed["file"]).read_text("utf-8"), seed, calendar)
        for seed in gold["seeds"]
    ]


# ---------------------------------------------------------------------------------------------
# CLI.


def format_gold(reports: Iterable[GoldReport]) -> str:
    rows = []
    for r in reports:
        rows.append(
            f"{r.name}: {r.recognized}/{r.present} phrases recognized "
            f"(deadlines {r.rules_recognized}/{r.rules_present}, "
            f"not deadlines {r.ignored_recognized}/{r.ignored_present}), "
            f"{len(r.unexpected)} unexpected rules"
        )
        rows.extend(f"    problem: {p}" for p in r.problems)
        rows.extend(f"    unexpected: {u}" for u in r.unexpected)
    return "\n".join(rows)


def format_scan(reports: Iterable[ScanReport]) -> str:
    rows = []
    for r in reports:
        years = (
            str(r.plan.plan_year) if r.plan.plan_year else f"{r.plan.year_from}-{r.plan.year_to}"
        )
        rows.append(
            f"{r.name} (plan {years}): {r.recognized}/{r.present} dated phrases recognized "
            f"({r.read_as_rules} read as rules, {r.passed_over} knowingly not deadlines)"
        )
        rows.extend(f"    missed: {m}" for m in r.missed)
    return "\n".join(rows)


def _plan_option(value: str) -> tuple[str, PlanYears]:
    name, _, years = value.partition("=")
    first, _, last = years.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise argparse.ArgumentTypeError(f"expected FILE=YEAR or FILE=YEAR-YEAR, got {value!r}")
    if last:
        return name, PlanYears(None, int(first), int(last))
    return name, PlanYears(int(first), int(first), int(first))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scheduling.reading.coverage", description=__doc__
    )
    parser.add_argument("seeds", type=Path, help="a directory of .txt documents")
    parser.add_argument("--gold", type=Path, help="a gold file (tests/gold/rules_seeds.json)")
    parser.add_argument("--plan", type=_plan_option, action="append", default=[])
    args = parser.parse_args(argv)
    if args.gold:
        reports = evaluate_gold(args.seeds, json.loads(args.gold.read_text("utf-8")))
        print(format_gold(reports))
        complete = all(r.recognized == r.present and not r.unexpected for r in reports)
        return 0 if complete else 1
    plans = dict(args.plan)
    scans = []
    for path in sorted(args.seeds.glob("*.txt")):
        text = path.read_text("utf-8")
        scans.append(scan_document(path.name, text, plans.get(path.name) or guess_plan_years(text)))
    print(format_scan(scans))
    return 0 if all(not s.missed for s in scans) else 1


if __name__ == "__main__":
    sys.exit(main())
