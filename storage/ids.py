"""Ids typed by people or carried in forgeable button data, read only where a column can hold
them: past its range PostgreSQL refuses the parameter and SQLite overflows, and "²" is a digit
to `str.isdigit` but not to `int`."""

from __future__ import annotations

# the largest id an INTEGER primary key holds (PostgreSQL's int4; SQLite's is wider)
ROW_ID_MAX = 2**31 - 1
# the largest Telegram user or chat id a BIGINT column holds
BIG_ID_MAX = 2**63 - 1


def parse_id(text: str, maximum: int = ROW_ID_MAX) -> int | None:
    """The id written in `text` (ASCII digits, at most `maximum`), else None."""
    if not (text.isascii() and text.isdigit()) or int(text) > maximum:
        return None
    return int(text)
