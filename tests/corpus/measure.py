"""The importer against the labelled corpus: `python -m tests.corpus.measure [-v] [ID ...]`.

An item is exact when its number, section path, lead units and responsible units equal the
gold item's. Gold items are found in the parsed document by their head (the first characters
of their text), in order, so a missed or extra item costs only itself. Names, headings and
heads are compared after the importer's own width, space and script normalisation, applied to
both sides (gold may be written in simplified script for a traditional page).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.importing import DocumentError, ParsedDocument, ParsedItem, parse_document
from bot.importing.normalize import tighten
from bot.importing.numbering import bare_number, chinese_value, marker_at
from bot.importing.script import fold_compatibility, to_simplified

CORPUS = Path(__file__).resolve().parent
DOCS = CORPUS / "docs"
GOLD = CORPUS / "gold"
_HEAD = 8  # characters of a head that identify an item
_HEADING = 6  # characters of a heading's title compared after its number


@cache
def norm(text: str) -> str:
    """Both sides of every comparison: one width, no layout spaces, simplified script."""
    return to_simplified(fold_compatibility(tighten(text)))


def load(ids: list[str] | None = None) -> list[dict]:
    """Every gold file (or the named ones), in id order."""
    golds = [json.loads(path.read_text("utf-8")) for path in sorted(GOLD.glob("*.json"))]
    return [gold for gold in golds if not ids or gold["id"] in ids]


def number_value(label: str) -> int | None:
    """The value of a printed number: "（三）" → 3, "12." → 12, "" → None."""
    label = norm(label).strip()
    if not label:
        return None
    if (bare := bare_number(label)) is not None:
        return bare
    if (value := chinese_value(label.removeprefix("第").rstrip("条章节部分篇是"))) is not None:
        return value
    marker = marker_at(label)
    return marker.value if marker else None


def _heading_key(heading: str) -> tuple[int | None, str]:
    text = norm(heading)
    marker = marker_at(text)
    if marker is None:
        return None, text[:_HEADING]
    return marker.value, text[marker.end :][:_HEADING]


def same_sections(got: list[str], want: list[str]) -> bool:
    """Same headings, level by level: the same number and the same first words."""
    return len(got) == len(want) and all(
        _heading_key(a) == _heading_key(b) for a, b in zip(got, want, strict=True)
    )


def _names(names: list[str]) -> list[str]:
    return [norm(name) for name in names]


def difference(item: ParsedItem, gold: dict) -> str | None:
    """What differs between an imported item and its gold item, or None."""
    problems = []
    want_number = number_value(gold["n"])
    got_number = number_value(item.number)
    if want_number != got_number:
        problems.append(f"number {item.number!r} != {gold['n']!r}")
    if not same_sections(item.section_path, gold["section"]):
        problems.append(f"section {item.section_path} != {gold['section']}")
    if _names(item.lead_units) != _names(gold["lead"]):
        problems.append(f"lead {item.lead_units} != {gold['lead']}")
    if _names(item.responsible_units) != _names(gold["resp"]):
        problems.append(f"resp {item.responsible_units} != {gold['resp']}")
    return "; ".join(problems) or None


@dataclass(slots=True)
class DocumentScore:
    """One document against its gold file."""

    id: str
    layout: list[str]
    total: int
    exact: int = 0
    found: int = 0
    extra: int = 0
    refused: str | None = None
    seconds: float = 0.0
    place: bool | None = None  # the plan's place and level as the gold says (None: no gold)
    problems: list[str] = field(default_factory=list)


def _find(items: list[ParsedItem], start: int, head: str) -> int | None:
    key = norm(head)[:_HEAD]
    for index in range(start, len(items)):
        if norm(items[index].text).startswith(key):
            return index
    for index in range(start, len(items)):  # a head printed after a glued heading
        if key in norm(items[index].text)[: len(key) + 40]:
            return index
    return None


def score(gold: dict, document: ParsedDocument) -> DocumentScore:
    """Match gold items to imported items in order and compare each pair."""
    wanted = [item for plan in gold["plans"] for item in plan["items"]]
    result = DocumentScore(gold["id"], gold.get("layout", []), len(wanted))
    items = document.items
    position = 0
    matched: set[int] = set()
    for want in wanted:
        index = _find(items, position, want["head"])
        if index is None:
            result.problems.append(f"{want['n']} {want['head']}: missing")
            continue
        matched.add(index)
        position = index + 1
        result.found += 1
        problem = difference(items[index], want)
        if problem is None:
            result.exact += 1
        else:
            result.problems.append(f"{want['n']} {want['head']}: {problem}")
    result.extra = len(items) - len(matched)
    printed = norm((DOCS / f"{gold['id']}.txt").read_text("utf-8"))
    if gold.get("place") and document.plans and norm(gold["place"]) in printed:
        plan = document.plans[0]
        result.place = norm(plan.jurisdiction_name or "") == norm(gold["place"])
    for index, item in enumerate(items):
        if index not in matched:
            result.problems.append(f"extra item {item.number} {item.text[:20]!r}")
    return result


def run(golds: list[dict]) -> list[DocumentScore]:
    """Parse every corpus document and score it."""
    scores = []
    for gold in golds:
        path = DOCS / f"{gold['id']}.txt"
        started = time.perf_counter()
        try:
            document = parse_document(path)
        except DocumentError as error:
            wanted = sum(len(plan["items"]) for plan in gold["plans"])
            refused = DocumentScore(gold["id"], gold.get("layout", []), wanted, refused=str(error))
            refused.seconds = time.perf_counter() - started
            scores.append(refused)
            continue
        elapsed = time.perf_counter() - started
        result = score(gold, document)
        result.seconds = elapsed
        scores.append(result)
    return scores


def table(scores: list[DocumentScore], verbose: bool = False) -> str:
    """The per-document table and the total, as printed by the script."""
    lines = [f"{'doc':<6}{'exact':>7}{'items':>7}{'extra':>7}  layout"]
    for doc in scores:
        layout = ",".join(doc.layout)
        mark = f"  REFUSED: {doc.refused}" if doc.refused and doc.total else ""
        mark = mark or ("  (no items: refused, as it should be)" if doc.refused else "")
        lines.append(f"{doc.id:<6}{doc.exact:>7}{doc.total:>7}{doc.extra:>7}  {layout}{mark}")
        if verbose:
            lines.extend(f"        {problem}" for problem in doc.problems)
            if doc.place is False:
                lines.append("        place differs")
    exact = sum(doc.exact for doc in scores)
    total = sum(doc.total for doc in scores)
    extra = sum(doc.extra for doc in scores)
    refused = sum(1 for doc in scores if doc.refused and doc.total)
    seconds = sum(doc.seconds for doc in scores)
    share = 100 * exact / total if total else 0.0
    places = [doc.place for doc in scores if doc.place is not None]
    lines.append(
        f"all {len(scores)} documents: {exact}/{total} items exact ({share:.1f}%), "
        f"{extra} extra, {refused} refused, parsed in {seconds:.2f} s; "
        f"place right in {sum(places)}/{len(places)} documents that print it"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 below 95% exact or with a refused document."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ids", nargs="*", help="only these documents (e.g. a01 c03)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = parser.parse_args(argv)
    scores = run(load(args.ids))
    print(table(scores, args.verbose))
    exact = sum(doc.exact for doc in scores)
    total = sum(doc.total for doc in scores)
    refused = any(doc.refused and doc.total for doc in scores)
    return 0 if total and exact >= 0.95 * total and not refused else 1


if __name__ == "__main__":
    sys.exit(main())
