"""Bad input fails with a `DocumentError` whose reason code and one-sentence message say why."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.importing import DocumentError, parse_bytes, parse_document

CASES = [
    ("empty", b"", "plan.txt"),
    ("empty", b" \r\n\t\n", "plan.txt"),
    ("binary", bytes(range(256)) * 8, "plan.txt"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "scan.png"),
    ("undecodable", b"\x80\xff\xfe\x80" * 300, "plan.txt"),
    ("no_items", "关于做好有关工作的通知\n请各单位认真贯彻落实。\n".encode(), "notice.txt"),
    (
        "no_items",
        "一、总体要求\n坚持依法行政。\n二、保障措施\n加强组织领导。".encode("gbk"),
        "a.txt",
    ),
    (
        "no_items",
        b"<html><body><p>\xe8\xae\xbe\xe4\xb8\xba\xe9\xa6\x96\xe9\xa1\xb5</p></body></html>",
        "a.html",
    ),
    ("corrupt", b"PK\x03\x04 this is not really a zip archive", "plan.docx"),
    ("corrupt", b"just some text pretending to be a workbook", "ledger.xlsx"),
    ("corrupt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "plan.pdf"),
    ("legacy_office", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "plan.doc"),
]


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(("reason", "data", "filename"), CASES)
def test_bad_input_raises_document_error(reason: str, data: bytes, filename: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_bytes(data, filename)
    error = caught.value
    assert error.reason == reason
    assert error.message.endswith(".")
    assert error.message.count(". ") == 0, "one sentence"
    assert str(error) == f"{reason}: {error.message}"


def test_a_zip_that_is_not_an_office_document_is_unsupported() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_bytes(_zip("readme.txt"), "archive.docx")
    assert caught.value.reason == "unsupported_format"


@pytest.mark.parametrize("member", ["word/document.xml", "xl/workbook.xml"])
def test_a_damaged_office_document_is_corrupt(member: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_bytes(_zip(member), "damaged")
    assert caught.value.reason == "corrupt"


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(tmp_path / "missing.txt")
    assert caught.value.reason == "unreadable"
