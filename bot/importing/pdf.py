"""PDF plans: the text layer and the ruled tables of every page, in reading order.

pdfplumber finds ruled tables; the text outside them is read line by line from the top of
the page, so a task table between two paragraphs stays between them. Scanned pages without a
text layer yield nothing, and the document is then refused with a sentence saying so.
"""

from __future__ import annotations

import io
import logging

from bot.importing.blocks import Block, RawDocument, TableBlock, TableCell, TextBlock
from bot.importing.model import DocumentError

log = logging.getLogger(__name__)
MAX_PAGES = 300


def _cell(text: str | None) -> TableCell:
    """A cell's text: its line breaks are where the PDF wrapped it, not paragraph marks."""
    return TableCell((text or "").replace("\n", ""))


def _page_blocks(page: object, number: int) -> list[tuple[float, Block]]:
    tables = page.find_tables()  # type: ignore[attr-defined]
    boxes = [table.bbox for table in tables]

    def outside(obj: dict) -> bool:
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        return not any(
            x0 >= bx0 - 1 and x1 <= bx1 + 1 and top >= btop - 1 and bottom <= bbottom + 1
            for bx0, btop, bx1, bbottom in boxes
        )

    placed: list[tuple[float, Block]] = []
    text_page = page.filter(outside) if boxes else page  # type: ignore[attr-defined]
    for index, (top, text) in enumerate(_paragraphs(text_page.extract_text_lines()), start=1):
        placed.append((top, TextBlock(text, f"page {number} paragraph {index}")))
    for index, table in enumerate(tables, start=1):
        rows = [[_cell(text) for text in row] for row in table.extract() if row]
        if rows:
            origin = f"page {number} table {index}"
            placed.append((table.bbox[1], TableBlock(rows, origin)))
    placed.sort(key=lambda pair: pair[0])
    return placed


def _paragraphs(lines: list[dict]) -> list[tuple[float, str]]:
    """Physical lines joined into paragraphs: a line that runs to the text's right edge
    goes on in the next one (a PDF keeps no paragraph marks, only positions)."""
    if not lines:
        return []
    right = max(line["x1"] for line in lines)
    left = min(line["x0"] for line in lines)
    joined: list[tuple[float, str]] = []
    carry = False
    for line in lines:
        size = max(line["bottom"] - line["top"], 1.0)
        indented = line["x0"] > left + size  # official text indents a paragraph's first line
        if carry and not indented:
            top, text = joined[-1]
            joined[-1] = (top, text + line["text"])
        else:
            joined.append((line["top"], line["text"]))
        carry = line["x1"] >= right - 1.5 * size
    return joined


def read_pdf(data: bytes) -> RawDocument:
    """The PDF's pages as text lines and tables; `DocumentError` when there is no text."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise DocumentError("corrupt", "The PDF file is damaged and cannot be opened.") from exc
    blocks: list[Block] = []
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise DocumentError("too_large", f"The PDF has more than {MAX_PAGES} pages.")
        for number, page in enumerate(pdf.pages, start=1):
            try:
                blocks.extend(block for _top, block in _page_blocks(page, number))
            except Exception as exc:  # one unreadable page must not hide the others
                log.debug("page %d of a PDF could not be read", number, exc_info=True)
                blocks.append(TextBlock("", f"page {number} (unreadable: {type(exc).__name__})"))
    if not any(isinstance(block, TableBlock) or block.text.strip() for block in blocks):
        raise DocumentError(
            "no_text",
            "The PDF has no text layer (a scan?); send the original document or a text PDF.",
        )
    return RawDocument("pdf", None, blocks)
