"""Reading a button's callback data, which a client can forge: its numbers must be row ids.

A forged id past an INTEGER column's range is refused by PostgreSQL as a bad parameter (SQLite
just finds nothing), so such data is treated like any other stale or foreign button.
"""

from __future__ import annotations

import re

from storage.ids import parse_id


def read_button(pattern: re.Pattern[str], data: str | None) -> re.Match[str] | None:
    """The full match of `pattern` on `data`, or None when it does not match or a number in
    it is larger than any row id."""
    match = pattern.fullmatch(data or "")
    if match is None:
        return None
    numbers = (group for group in match.groups() if group is not None and group.isdigit())
    if any(parse_id(number) is None for number in numbers):
        return None
    return match
