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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

HolidayKind = Literal["holiday", "workday"]
KINDS: tuple[HolidayKind, ...] = ("holiday", "workday")


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
    return HolidayEntry(day=day, kind=typed, name=str(raw.get("name") or "").strip())


def parse_holiday_csv(text: str) -> list[HolidayEntry]:
    """Rows of date,kind,name; the header row and blank or #-comment lines are optional."""
    entries: list[HolidayEntry] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() == "date":
            continue
        if len(cells) < 2:
            raise HolidayFileError(f"line {number}: expected date,kind[,name]")
        raw = {"date": cells[0], "kind": cells[1], "name": ",".join(cells[2:])}
        entries.append(_entry(raw, f"line {number}"))
    return _checked(entries)


def parse_holiday_json(text: str) -> list[HolidayEntry]:
    """A list of {"date", "kind", "name"} objects, or {"entries": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
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


def load_holiday_file(path: str | Path) -> list[HolidayEntry]:
    """Read a .csv or .json holiday file (UTF-8, a BOM is tolerated)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        return parse_holiday_json(text)
    return parse_holiday_csv(text)
