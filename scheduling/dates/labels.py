"""Locale-aware names for dates and periods: "2026年第一季度" / "Q1 2026".

Dates go through Babel for the reader's locale; words go through the message catalogs, with
English msgids (see locales/*/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from babel.dates import format_date, format_skeleton

from scheduling.dates.wording import _

if TYPE_CHECKING:
    from scheduling.dates.wording import Translator

QUARTER_LABELS = {
    1: _("Q1 {year}"),
    2: _("Q2 {year}"),
    3: _("Q3 {year}"),
    4: _("Q4 {year}"),
}
HALF_LABELS = {1: _("H1 {year}"), 2: _("H2 {year}")}
QUARTER_NAMES = {
    1: _("the first quarter"),
    2: _("the second quarter"),
    3: _("the third quarter"),
    4: _("the fourth quarter"),
}
HALF_NAMES = {1: _("the first half of the year"), 2: _("the second half of the year")}
EVENT_LABELS = {
    "constitution_day": _("Constitution Day {year}"),
    "constitution_week": _("Constitution Week {year}"),
}


def long_date(translator: Translator, day: date) -> str:
    """ "2027年1月31日" / "31 January 2027": the reader's one date format."""
    return translator.date(day)


def month_day(translator: Translator, month: int, day: int) -> str:
    """A day of no particular year, as the full date shows it without the year: "1月31日" /
    "31 January"."""
    pattern = "M月d日" if translator.locale.startswith("zh") else "d MMMM"
    return format_date(date(2000, month, day), pattern, locale=translator.locale)


def month_name(translator: Translator, month: int) -> str:
    """ "12月" / "December" (Babel's Chinese full month name is "十二月", less readable)."""
    if translator.locale.startswith("zh"):
        return format_skeleton("MMMM", date(2000, month, 1), locale=translator.locale)
    return format_date(date(2000, month, 1), "LLLL", locale=translator.locale)


def year_label(translator: Translator, year: int) -> str:
    return translator.gettext(_("Year {year}"), year=year)


def period_label(translator: Translator, period_kind: str, start: date, end: date) -> str:
    """The name of a period an occurrence belongs to, as a user would say it."""
    if period_kind == "year":
        return year_label(translator, start.year)
    if period_kind == "quarter":
        return translator.gettext(QUARTER_LABELS[(start.month - 1) // 3 + 1], year=start.year)
    if period_kind == "half_year":
        return translator.gettext(HALF_LABELS[1 if start.month <= 6 else 2], year=start.year)
    if period_kind == "month":
        return format_skeleton("yMMMM", start, locale=translator.locale)
    if period_kind == "years":
        return translator.gettext(_("Years {start}–{end}"), start=start.year, end=end.year)
    if period_kind in EVENT_LABELS:
        return translator.gettext(EVENT_LABELS[period_kind], year=start.year)
    if period_kind == "once":
        return translator.gettext(_("Due {date}"), date=long_date(translator, end))
    if period_kind == "trigger":
        return translator.gettext(_("Counted from {date}"), date=long_date(translator, start))
    raise ValueError(f"unknown period kind {period_kind!r}")
