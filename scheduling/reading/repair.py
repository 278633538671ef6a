"""Repair of dates that lost their "月" on the way to a web page.

"每年131日前" can only be 1月31日 (there is no 13th month); "124日国家宪法日" could be 1月24日
or 12月4日 and only the context (National Constitution Day is 4 December) decides. A digit run
that splits no valid way, or several ways with no deciding context, is left alone.
"""

from __future__ import annotations

from datetime import date

CONSTITUTION_DAY = (12, 4)


def month_day_splits(digits: str) -> list[tuple[int, int]]:
    """Every (month, day) a 3- or 4-digit run could be, valid in a leap year."""
    splits: list[tuple[int, int]] = []
    for cut in (1, 2):
        month_text, day_text = digits[:cut], digits[cut:]
        if not day_text or len(day_text) > 2 or day_text.startswith("0"):
            continue
        if month_text.startswith("0"):
            continue
        month, day = int(month_text), int(day_text)
        if not 1 <= month <= 12:
            continue
        try:
            date(2000, month, day)
        except ValueError:
            continue
        splits.append((month, day))
    return splits


def repair_month_day(digits: str, context: str = "") -> tuple[int, int] | None:
    """The (month, day) a garbled run stands for, or None when it cannot be told."""
    splits = month_day_splits(digits)
    if len(splits) == 1:
        return splits[0]
    if "宪法日" in context and CONSTITUTION_DAY in splits:
        return CONSTITUTION_DAY
    return None
