"""Make a PDF of a text document the way offices do: paragraphs, and ruled tables for the
rows printed with "|" between cells (reportlab's built-in CID font, so no font file)."""

from __future__ import annotations

import io
import re

CELL = re.compile(r"\s*[|｜]\s*")


def _rows(lines: list[str]) -> list[list[str]]:
    rows = [[cell for cell in CELL.split(line) if cell.strip()] for line in lines]
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def text_to_pdf(text: str) -> bytes:
    """The text as an A4 landscape PDF: runs of "|" lines become one ruled table."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from xml.sax.saxutils import escape

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
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
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
