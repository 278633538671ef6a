"""An administrator's holiday file, for years the bundled calendar does not know yet.

The State Council publishes next year's holidays each November; until chinese-calendar ships
them, an administrator can add them from a small file, CSV or JSON, one day per row:

    date,kind,name
    2027-02-06,holiday,Spring Festival
    2027-02-14,workday,Spring Festival make-up day

`kind` is "holiday" (a day off, even on a weekday) or "workday" (a make-up working day, even on
a weekend). JSON is a list of objects with the same keys, or {"entries": [...]}. Storage of the
file's content is someone else's job; the calendar takes the parsed entries.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

HolidayKind = Literal["holiday", "workday"]
KINDS: tuple[HolidayKind, ...] = ("holiday", "workday")
# A year's notice is a few dozen rows; a file far bigger than that is the wrong file.
MAX_FILE_BYTES = 1024 * 1024
# Names are kept in a column of this many characters.
NAME_MAX = 100


class HolidayFileError(ValueError):
    """The file cannot be read as holiday entries; the message names the row."""


@dataclass(frozen=True)
class HolidayEntry:
    """One day whose working status differs from the weekend rule."""

    day: date
    kind: HolidayKind
    name: str = ""

    @property
    def is_workday(self) -> bool:
        return self.kind == "workday"


def _entry(raw: dict[str, Any], where: str) -> HolidayEntry:
    try:
        day = date.fromisoformat(str(raw["date"]).strip())
    except KeyError as exc:
        raise HolidayFileError(f"{where}: no date") from exc
    except ValueError as exc:
        raise HolidayFileError(f"{where}: {raw['date']!r} is not a YYYY-MM-DD date") from exc
    kind = str(raw.get("kind", "")).strip().lower()
    if kind not in KINDS:
        raise HolidayFileError(f"{where}: kind must be holiday or workday, not {kind!r}")
    typed: HolidayKind = "holiday" if kind == "holiday" else "workday"
    name = str(raw.get("name") or "").strip()
    if len(name) > NAME_MAX:
        raise HolidayFileError(f"{where}: the name is longer than {NAME_MAX} characters")
    return HolidayEntry(day=day, kind=typed, name=name)


def parse_holiday_csv(text: str) -> list[HolidayEntry]:
    """Rows of date,kind,name; the header row and blank or #-comment lines are optional."""
    entries: list[HolidayEntry] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(reader, start=1):
            cells = [cell.strip() for cell in row]
            if not cells or not any(cells) or cells[0].startswith("#"):
                continue
            if number == 1 and cells[0].lower() == "date":
                continue
            if len(cells) < 2:
                raise HolidayFileError(f"line {number}: expected date,kind[,name]")
            raw = {"date": cells[0], "kind": cells[1], "name": ",".join(cells[2:])}
            entries.append(_entry(raw, f"line {number}"))
    except csv.Error as exc:  # a field past csv's size limit, a stray NUL …
        raise HolidayFileError(f"line {reader.line_num}: not CSV ({exc})") from exc
    return _checked(entries)


def parse_holiday_json(text: str) -> list[HolidayEntry]:
    """A list of {"date", "kind", "name"} objects, or {"entries": [...]}."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise HolidayFileError("not JSON: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4300 digits
        raise HolidayFileError(f"not JSON: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list):
        raise HolidayFileError("expected a list of entries")
    entries = []
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise HolidayFileError(f"entry {index}: expected an object")
        entries.append(_entry(raw, f"entry {index}"))
    return _checked(entries)


def _checked(entries: Iterable[HolidayEntry]) -> list[HolidayEntry]:
    seen: dict[date, HolidayEntry] = {}
    for entry in entries:
        earlier = seen.get(entry.day)
        if earlier is not None and earlier.kind != entry.kind:
            raise HolidayFileError(f"{entry.day} is listed both as holiday and as workday")
        seen[entry.day] = entry
    return sorted(seen.values(), key=lambda e: e.day)


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes; anything but a regular file is refused before it is opened, so a
    FIFO cannot hang the command and a directory or device is named as such.

    FileNotFoundError is left to the caller (it has its own words for a missing file)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise HolidayFileError("is a directory")
        if not stat.S_ISREG(mode):
            raise HolidayFileError("is not a regular file")
        # O_NONBLOCK: should the path become a FIFO after the check, opening it cannot hang.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise HolidayFileError("is not a regular file")
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:  # permission denied, a name too long, a file within a file …
        reason = (exc.strerror or type(exc).__name__).lower()
        raise HolidayFileError(f"cannot be read: {reason}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise HolidayFileError(f"larger than {MAX_FILE_BYTES // 1024} KiB; not a holiday file")
    return data


def load_holiday_file(path: str | Path) -> list[HolidayEntry]:
    """Read a .csv or .json holiday file (UTF-8, a BOM is tolerated).

    Raises HolidayFileError for a file that is not a regular, readable UTF-8 file of entries,
    and FileNotFoundError when there is no such file."""
    path = Path(path)
    try:
        text = _read_regular_file(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # Excel's default CSV in China is GBK
        raise HolidayFileError("not UTF-8 text; save it as UTF-8") from exc
    if path.suffix.lower() == ".json":
        return parse_holiday_json(text)
    return parse_holiday_csv(text)
