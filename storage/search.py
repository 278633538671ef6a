"""Substring search with the user's text taken literally.

`%` and `_` are wildcards in SQL LIKE: unescaped, `/status %` matched every unit (issue 18).
The backslash is the escape character on every backend we run (SQLite and PostgreSQL both
accept `ESCAPE '\\'`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """The text with LIKE's wildcards and the escape character itself made literal."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains_literally(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """`column` contains `text` as typed: no character of it acts as a wildcard."""
    return column.like(f"%{escape_like(text)}%", escape=ESCAPE)
