"""Dates typed by people: 2026-12-20, 2026/12/20, 2026年12月20日, 12月20日, 12-20, 今天, tomorrow."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_SHORT = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_RELATIVE = {
    "今天": 0,
    "今日": 0,
    "today": 0,
    "明天": 1,
    "明日": 1,
    "tomorrow": 1,
    "昨天": -1,
    "yesterday": -1,
}


def parse_user_date(text: str, today: date, prefer_future: bool = True) -> date | None:
    """Read a date; a month and day without a year mean the next such day (or the last,
    with prefer_future=False). None when the text holds no valid date."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if not cleaned or len(cleaned) > 40:
        return None
    if cleaned in _RELATIVE:
        return today + timedelta(days=_RELATIVE[cleaned])
    if match := _FULL.fullmatch(cleaned):
        return _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _SHORT.fullmatch(cleaned):
        month, day = int(match.group(1)), int(match.group(2))
        candidate = _safe(today.year, month, day)
        if candidate is None:
            return None
        if prefer_future and candidate < today:
            return _safe(today.year + 1, month, day)
        if not prefer_future and candidate > today:
            return _safe(today.year - 1, month, day)
        return candidate
    return None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
