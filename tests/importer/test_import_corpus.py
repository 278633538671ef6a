"""The importer on real plans it was not written for: the labelled corpus in tests/corpus.

`python -m tests.corpus.measure -v` prints the same table with every difference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.importing import parse_bytes, parse_document
from tests.corpus import measure
from tests.pdf_support import text_to_pdf

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLDS = measure.load()
LAYOUTS_NEEDED = {
    "h2-items",
    "arabic-items",
    "glued",
    "one-line",
    "unit-paren",
    "unit-paren-labelled",
    "unit-bracket",
    "unit-lines",
    "unit-subject",
    "unit-columns",
    "pipe-table",
    "time-column",
    "merged-cells",
    "traditional",
    "chrome",
    "no-units",
    "no-title",
    "restart-per-section",
}


def test_the_corpus_is_large_and_varied_enough() -> None:
    """At least 40 documents from at least 25 issuers, every layout the importer must read."""
    sources = (CORPUS / "SOURCES.tsv").read_text("utf-8").strip().split("\n")[1:]
    rows = [line.split("\t") for line in sources]
    assert len(GOLDS) >= 40
    assert {row[0] for row in rows} == {gold["id"] for gold in GOLDS}, "every document registered"
    assert len({row[1] for row in rows}) >= 25, "issuers"
    assert len({row[2] for row in rows}) == len(rows), "each source address once"
    layouts = {tag for gold in GOLDS for tag in gold["layout"]}
    assert layouts >= LAYOUTS_NEEDED, LAYOUTS_NEEDED - layouts
    levels = {gold.get("level") for gold in GOLDS}
    assert {"省", "市", "县", "区", "乡镇", "街道"} <= levels


def test_gold_heads_are_in_their_documents() -> None:
    """Gold was written from the text: each item's head can be found in it."""
    for gold in GOLDS:
        text = measure.norm((CORPUS / "docs" / f"{gold['id']}.txt").read_text("utf-8"))
        text = re.sub(r"\s", "", text)
        for plan in gold["plans"]:
            for item in plan["items"]:
                assert measure.norm(item["head"])[:6] in text, (gold["id"], item["head"])


def test_at_least_95_percent_of_corpus_items_are_exact_and_nothing_numbered_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scores = measure.run(GOLDS)
    with capsys.disabled():
        print("\n" + measure.table(scores))
    exact = sum(doc.exact for doc in scores)
    total = sum(doc.total for doc in scores)
    assert total >= 150
    assert exact >= 0.95 * total, measure.table(scores, verbose=True)
    refused = [doc.id for doc in scores if doc.refused and doc.total]
    assert not refused, refused


def test_documents_without_duties_are_refused_with_the_reason() -> None:
    """A page that stops before its first duty (only a preamble and goals) imports nothing."""
    empty = [gold for gold in GOLDS if not any(plan["items"] for plan in gold["plans"])]
    assert empty
    for gold in empty:
        scores = measure.run([gold])
        assert scores[0].extra == 0 or scores[0].refused, gold["id"]


@pytest.mark.parametrize("doc_id", ["e10", "e14"])
def test_a_pdf_of_a_corpus_document_with_a_table_imports_to_the_same_items(doc_id: str) -> None:
    """The same plan as text and as a PDF with a ruled table: the same items, units, text."""
    text = (CORPUS / "docs" / f"{doc_id}.txt").read_text("utf-8")
    from_text = parse_bytes(text.encode("utf-8"), f"{doc_id}.txt")
    from_pdf = parse_bytes(text_to_pdf(text), f"{doc_id}.pdf")
    assert from_pdf.format == "pdf"
    assert [item.key() for item in from_pdf.items] == [item.key() for item in from_text.items]
    assert len(from_text.items) >= 10


def test_the_seeds_as_pdfs_import_to_the_same_items() -> None:
    """Paragraph plans and unit lines survive a PDF's physical line breaks."""
    seeds = sorted((CORPUS.parents[2] / "shared" / "seeds").glob("00[0234]*.txt"))
    if not seeds:
        pytest.skip("seed documents not found")
    for path in seeds:
        text = path.read_text("utf-8")
        pdf = text_to_pdf(text)
        expected = [item.key() for item in parse_document(path).items]
        assert [item.key() for item in parse_bytes(pdf, "plan.pdf").items] == expected, path.name


def test_corpus_gold_files_are_valid() -> None:
    for path in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        assert gold["id"] == path.stem
        assert gold["source"].startswith("http")
        assert gold["notes"], path.name
        for plan in gold["plans"]:
            for item in plan["items"]:
                assert set(item) >= {"n", "section", "head", "lead", "resp"}, path.name
