"""Hostile documents for the importer: zip bombs, truncated Office files, odd encodings."""

from __future__ import annotations

import io
import zipfile

DOCX_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SAMPLE_PLAN = "2026年法治政府建设工作计划\n一、工作任务\n1. 每年1月31日前公开上年度行政执法总体情况（牵头单位：区司法局）\n"


def _docx_parts(document_xml: bytes) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": document_xml,
    }


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(text: str = SAMPLE_PLAN) -> bytes:
    """A small valid .docx holding `text`, one paragraph per line."""
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines()
    ).encode("utf-8")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{DOCX_NS}"><w:body>'.encode()
        + paragraphs
        + b"</w:body></w:document>"
    )
    return _zip(_docx_parts(xml))


def _zip_streaming(
    parts: dict[str, bytes], big_name: str, head: bytes, filler: bytes, tail: bytes, megabytes: int
) -> bytes:
    """A zip whose part `big_name` is head + filler repeated to `megabytes` MB + tail, written
    chunk by chunk so the inflated part never exists in this process's memory."""
    buffer = io.BytesIO()
    chunk = filler * (1024 * 1024 // len(filler))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != big_name:
                archive.writestr(name, data)
        with archive.open(big_name, "w", force_zip64=True) as part:
            part.write(head)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(tail)
    return buffer.getvalue()


def docx_bomb(unpacked_mb: int = 400) -> bytes:
    """A .docx whose document.xml inflates to `unpacked_mb` MB of empty paragraphs."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{DOCX_NS}"><w:body>'
    parts = _docx_parts(b"")
    return _zip_streaming(
        parts, "word/document.xml", head.encode(), b"<w:p/>", b"</w:body></w:document>", unpacked_mb
    )


def xlsx_dimension_bomb() -> bytes:
    """A tiny .xlsx with one cell at the sheet's far corner (XFD1048576): 17 billion cells."""
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>1. task</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook,
        "xl/worksheets/sheet1.xml": sheet,
    }
    return _zip(parts)


def xlsx_bomb(unpacked_mb: int = 400) -> bytes:
    """A .xlsx whose sheet inflates to `unpacked_mb` MB (a comment of spaces)."""
    data = xlsx_dimension_bomb()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    head, tail = sheet.split(b"<sheetData>", 1)
    return _zip_streaming(
        parts,
        "xl/worksheets/sheet1.xml",
        head + b"<!--",
        b" ",
        b"-->" + b"<sheetData>" + tail,
        unpacked_mb,
    )


def truncated(data: bytes) -> bytes:
    """The first half of a file, as a broken upload leaves it."""
    return data[: len(data) // 2]


UNKNOWN_ENCODINGS: dict[str, bytes] = {
    "utf16_no_bom": SAMPLE_PLAN.encode("utf-16-le"),
    "shift_jis": "令和8年度 法務計画\n1. 毎年1月31日までに公表する\n".encode("shift_jis"),
    "ebcdic": "Annual plan\n1. Publish the statistics by January 31\n".encode("cp500"),
    "big5_mixed": SAMPLE_PLAN.encode("big5", errors="replace") + bytes(range(128, 256)),
    "random": bytes((i * 7919 + 13) % 251 for i in range(40_000)),
}
