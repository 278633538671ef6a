"""Make a PDF of a text document the way offices do: paragraphs, and ruled tables for the
rows printed with "|" between cells (reportlab's built-in CID font, so no font file)."""

from __future__ import annotations

import io
import re

CELL = re.compile(r"\s*[|｜]\s*")


def _rows(lines: list[str]) -> list[list[str]]:
    """The grid: a short row lacks its leading cells, merged with the rows above."""
    rows = [[cell for cell in CELL.split(line) if cell.strip()] for line in lines]
    rows = [row for row in rows if row]
    width = max(len(row) for row in rows)
    return [[""] * (width - len(row)) + row for row in rows]


def _merged_runs(column: list[str]) -> list[tuple[int, int]]:
    """Runs of a filled cell followed by empty ones: one merged cell in the PDF."""
    runs = []
    start = None
    for index, text in enumerate([*column, "end"]):
        if text:
            if start is not None and index - 1 > start:
                runs.append((start, index - 1))
            start = index
    return runs


def text_to_pdf(text: str) -> bytes:
    """The text as an A4 landscape PDF: runs of "|" lines become one ruled table."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    style = ParagraphStyle("body", parent=cell, firstLineIndent=20)  # two characters, as 公文
    story: list[object] = []
    pending: list[str] = []

    def flush() -> None:
        if not pending:
            return
        rows = _rows(pending)
        width = (landscape(A4)[0] - 80) / len(rows[0])
        table = Table(
            [[Paragraph(escape(text), cell) for text in row] for row in rows],
            colWidths=[width] * len(rows[0]),
        )
        spans = [
            ("SPAN", (column, start), (column, end))
            for column in range(len(rows[0]))
            for start, end in _merged_runs([row[column] for row in rows])
        ]
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), *spans]))
        story.append(table)
        pending.clear()

    for line in text.split("\n"):
        if "|" in line or "｜" in line:
            pending.append(line)
            continue
        flush()
        if line.strip():
            story.append(Paragraph(escape(line), style))
    flush()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4)).build(story)
    return buffer.getvalue()
