"""Limits that keep a hostile document from eating memory or time before parsing starts.

.docx and .xlsx are ZIP archives: a few hundred kilobytes can inflate to gigabytes (a zip
bomb), and a tiny .xlsx can claim a sheet of seventeen billion cells. The archive's directory
says how large each part unpacks (Python's zipfile never inflates past that size), so it is
checked before any part is read; a sheet's grid is checked before it is walked.
"""

from __future__ import annotations

import zipfile

from bot.importing.model import DocumentError

MAX_ENTRIES = 5_000
MAX_UNPACKED = 64 * 1024 * 1024  # all parts together
MAX_XML_PART = 8 * 1024 * 1024  # one document.xml or sheet: a plan needs far less
MAX_RATIO = 100  # inflation of one part; Office XML compresses 5–20×
RATIO_FLOOR = 1024 * 1024  # small parts may compress as well as they like
MAX_SHEET_CELLS = 500_000

TOO_LARGE = "too_large"


def check_archive(archive: zipfile.ZipFile) -> None:
    """Raise `DocumentError` when the archive would unpack to far more than a plan."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise DocumentError(TOO_LARGE, "The Office file holds too many parts to be a plan.")
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise DocumentError(
            TOO_LARGE, "The Office file unpacks to more than 64 MB, far more than a plan needs."
        )
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels")) and entry.file_size > MAX_XML_PART:
            raise DocumentError(
                TOO_LARGE, "The Office file's text unpacks to more than 8 MB, too much for a plan."
            )
        compressed = max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and entry.file_size / compressed > MAX_RATIO:
            raise DocumentError(
                TOO_LARGE, "The Office file is packed suspiciously tightly (a zip bomb?)."
            )


def check_sheet(rows: int, columns: int, title: str) -> None:
    """Raise `DocumentError` when a sheet's grid is too large to walk cell by cell."""
    if rows * columns > MAX_SHEET_CELLS:
        raise DocumentError(
            TOO_LARGE,
            f"The sheet “{title}” spans {rows} rows × {columns} columns, "
            "far more than a plan table.",
        )
