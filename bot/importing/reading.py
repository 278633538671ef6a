"""Bytes → text blocks and tables: encodings, HTML, .docx and .xlsx.

Every format is reduced to the same two things: lines of text in document order, and tables
whose cells know whether they continue a merged cell. `tables.py` then flattens tables to lines
so one parser serves all formats.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from typing import Any

from bot.importing.blocks import Block, RawDocument, TableBlock, TableCell, TextBlock
from bot.importing.guards import check_archive, check_sheet
from bot.importing.model import (
    DECLARED_PLANS_PROPERTY,
    SKIPPED_SHEETS_PROPERTY,
    DeclaredPlan,
    DocumentError,
)
from bot.importing.pdf import read_pdf
from bot.importing.pipes import split_pipes

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_READABLE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2010-\u2027\x20-\x7e\s]")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn"}


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return b"\x00" in head or controls > len(head) // 20


def _readable(text: str) -> bool:
    """Decoded text must be mostly Chinese, ASCII or common punctuation to be believed."""
    sample = text[:20000]
    if not sample.strip():
        return True
    return len(_READABLE.findall(sample)) >= 0.9 * len(sample)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes as UTF-8, GBK or GB18030 (in that order), else ask charset-normalizer.

    GBK is tried before GB18030 only to report the narrower name; GB18030 is its superset.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    candidates = ["utf-8", "gbk", "gb18030"]
    if declared and declared.lower() in _GB_FAMILY:
        candidates = ["gbk", "gb18030", "utf-8"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _readable(text) and _CJK.search(text):
            return text, best.encoding
    raise DocumentError(
        "undecodable",
        "The file's bytes are not valid UTF-8, GBK or GB18030 text and no other encoding fits.",
    )


class _HtmlText(HTMLParser):
    """Collects visible text, breaking lines at block elements and table cells."""

    _BREAKS = re.compile(
        r"^(p|div|br|tr|t[dh]|li|[uo]l|h[1-6]|table|section|article|header|footer|nav|title"
        r"|d[td]|blockquote|pre|hr)$"
    )
    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif self._BREAKS.match(tag):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif self._BREAKS.match(tag):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def html_to_lines(html: str) -> list[str]:
    """Visible text of an HTML page, one block element or table cell per line."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).split("\n")


def _text_blocks(lines: list[str], origin: str) -> list[Block]:
    return [TextBlock(text, f"{origin} {index}") for index, text in enumerate(lines, start=1)]


def _read_text(data: bytes, is_html: bool) -> RawDocument:
    declared = None
    if is_html:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii", "replace") if match else None
    text, encoding = decode_text(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    if is_html:
        blocks = _text_blocks(html_to_lines(text), "html line")
        return RawDocument("html", encoding, split_pipes(blocks))
    return RawDocument("txt", encoding, split_pipes(_text_blocks(text.split("\n"), "line")))


def _docx_table(table_element: object, number: int) -> TableBlock:
    rows: list[list[TableCell]] = []
    for tr in table_element.tr_lst:  # type: ignore[attr-defined]
        row: list[TableCell] = []
        column = tr.grid_before
        row.extend(TableCell("", merged_left=True) for _ in range(column))
        for tc in tr.tc_lst:
            text = "\n".join(_paragraph_text(p) for p in tc.p_lst)
            if tc.vMerge == "continue":
                above = rows[-1][column].text if rows and column < len(rows[-1]) else ""
                cell = TableCell(above, merged_up=True)
            else:
                cell = TableCell(text)
            row.append(cell)
            row.extend(
                TableCell(cell.text, merged_up=cell.merged_up, merged_left=True)
                for _ in range(tc.grid_span - 1)
            )
            column += tc.grid_span
        rows.append(row)
    return TableBlock(rows, f"table {number}")


def _paragraph_text(p: object) -> str:
    """A paragraph's text with line breaks kept (python-docx's .text does the same)."""
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text  # type: ignore[arg-type]


def _read_docx(data: bytes) -> RawDocument:
    from docx import Document
    from docx.oxml.ns import qn

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError("corrupt", "The .docx file is damaged and cannot be opened.") from exc
    blocks: list[Block] = []
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            for part in _paragraph_text(child).split("\n"):
                blocks.append(TextBlock(part, f"paragraph {paragraphs}"))
        elif child.tag == qn("w:tbl"):
            tables += 1
            blocks.append(_docx_table(child, tables))
    return RawDocument("docx", None, blocks)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> RawDocument:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise DocumentError("corrupt", "The .xlsx file is damaged and cannot be opened.") from exc
    blocks: list[Block] = []
    skipped = _skipped_sheets(workbook)
    for sheet in workbook.worksheets:
        if sheet.title in skipped:
            continue
        check_sheet(sheet.max_row, sheet.max_column, sheet.title)
        anchors: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in sheet.merged_cells.ranges:
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    anchors[(row, col)] = (merged.min_row, merged.min_col)
        rows: list[list[TableCell]] = []
        for row_index in range(1, sheet.max_row + 1):
            row: list[TableCell] = []
            for col_index in range(1, sheet.max_column + 1):
                anchor = anchors.get((row_index, col_index), (row_index, col_index))
                text = _cell_text(sheet.cell(*anchor).value)
                row.append(
                    TableCell(
                        text,
                        merged_up=anchor[0] < row_index and anchor[1] == col_index,
                        merged_left=anchor[1] < col_index,
                    )
                )
            if any(cell.text.strip() for cell in row):
                rows.append(row)
        if rows:
            last = get_column_letter(max(1, sheet.max_column))
            blocks.append(TableBlock(rows, f"sheet {sheet.title}!A1:{last}{sheet.max_row}"))
    declared = _declared_plans(workbook)
    return RawDocument("xlsx", None, blocks, declared, exact_units=_is_ledger(workbook))


def _is_ledger(workbook: Any) -> bool:
    return any(p.name == DECLARED_PLANS_PROPERTY for p in workbook.custom_doc_props)


def _skipped_sheets(workbook: Any) -> set[str]:
    """The sheets a dutybot ledger says are not plans (its summary); none for others."""
    found = [p.value for p in workbook.custom_doc_props if p.name == SKIPPED_SHEETS_PROPERTY]
    try:
        names = json.loads(found[0]) if found else []
    except (ValueError, TypeError):
        return set()
    return {name for name in names if isinstance(name, str)} if isinstance(names, list) else set()


def _declared_plans(workbook: Any) -> dict[str, DeclaredPlan]:
    """The plans a dutybot ledger declares in its properties, by title; {} for any other
    workbook, and for a declaration that is not the expected shape (it is only a hint)."""
    found = [p.value for p in workbook.custom_doc_props if p.name == DECLARED_PLANS_PROPERTY]
    try:
        entries = json.loads(found[0]) if found else []
        declared = [
            DeclaredPlan(
                title=str(entry["title"]),
                issuer=_text_or_none(entry.get("issuer")),
                place=_text_or_none(entry.get("place")),
                year_from=_year_or_none(entry.get("year_from")),
                year_to=_year_or_none(entry.get("year_to")),
                statutory=entry.get("statutory") is True,
            )
            for entry in entries
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {plan.title: plan for plan in declared}


def _text_or_none(value: object) -> str | None:
    return value[:200] if isinstance(value, str) and value.strip() else None


def _year_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and 1900 <= value <= 2200 else None


def _zip_kind(data: bytes) -> str | None:
    """docx, xlsx or zip; None when damaged. Raises `DocumentError` for a zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def read_bytes(data: bytes, filename: str) -> RawDocument:
    """Read any supported file into blocks; raise `DocumentError` saying why if we cannot."""
    if not data or not data.strip():
        raise DocumentError("empty", "The file is empty.")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind == "docx":
            return _read_docx(data)
        if kind == "xlsx":
            return _read_xlsx(data)
        if kind is None:
            raise DocumentError("corrupt", "The file starts like a ZIP/Office file but is damaged.")
        raise DocumentError(
            "unsupported_format", "The file is a ZIP archive but not a .docx or .xlsx document."
        )
    if suffix in {"docx", "xlsx"}:
        raise DocumentError("corrupt", f"The .{suffix} file is not a valid Office document.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(
            "legacy_office",
            "Old binary .doc, .wps and .xls files cannot be read; open the file in WPS or Word "
            "and save it as .docx (or .xlsx, or PDF), then send that.",
        )
    if data.startswith(b"%PDF"):
        return read_pdf(data)
    if _looks_binary(data):
        raise DocumentError("binary", "The file is binary data, not a text or Office document.")
    head = data[:2048].lstrip().lower()
    is_html = suffix in {"html", "htm", "xhtml"} or head.startswith((b"<!doctype html", b"<html"))
    return _read_text(data, is_html)
