"""Names and icons of statuses and periods, in the reader's language."""

from __future__ import annotations

import re
from datetime import date

from bot.i18n import Translator, _
from storage.models import AssignmentStatus

STATUS_ICONS: dict[AssignmentStatus, str] = {
    AssignmentStatus.OPEN: "⚪",
    AssignmentStatus.IN_PROGRESS: "🔄",
    AssignmentStatus.BLOCKED: "⛔",
    AssignmentStatus.MORE_TIME: "⏳",
    AssignmentStatus.DONE: "✅",
    AssignmentStatus.WAIVED: "➖",
    AssignmentStatus.CANCELLED: "✖️",
}

STATUS_NAMES: dict[AssignmentStatus, str] = {
    AssignmentStatus.OPEN: _("not started"),
    AssignmentStatus.IN_PROGRESS: _("in progress"),
    AssignmentStatus.BLOCKED: _("blocked"),
    AssignmentStatus.MORE_TIME: _("needs more time"),
    AssignmentStatus.DONE: _("done"),
    AssignmentStatus.WAIVED: _("waived"),
    AssignmentStatus.CANCELLED: _("cancelled"),
}


def status_label(status: AssignmentStatus, t: Translator) -> str:
    return f"{STATUS_ICONS[status]} {t.gettext(STATUS_NAMES[status])}"


_QUARTERS = {
    "1": _("Q1 {year}"),
    "2": _("Q2 {year}"),
    "3": _("Q3 {year}"),
    "4": _("Q4 {year}"),
}


def held_this_year(count: int, target: int, t: Translator) -> str:
    """A yearly count's progress: "Held this year: 1 of 4"."""
    return t.gettext(_("Held this year: {count} of {target}"), count=count, target=target)


def period_label(period_key: str, t: Translator) -> str:
    """ "2026" → 2026年度, "2026Q1" → 2026年第一季度, "2026-03" → 2026年3月, "2026H1" → 上半年."""
    if match := re.fullmatch(r"(\d{4})", period_key):
        return t.gettext(_("year {year}"), year=match.group(1))
    if match := re.fullmatch(r"(\d{4})Q([1-4])", period_key):
        return t.gettext(_QUARTERS[match.group(2)], year=match.group(1))
    if match := re.fullmatch(r"(\d{4})H([12])", period_key):
        msgid = _("first half of {year}") if match.group(2) == "1" else _("second half of {year}")
        return t.gettext(msgid, year=match.group(1))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", period_key):
        return t.gettext(_("{month}/{year}"), year=match.group(1), month=int(match.group(2)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period_key):
        return t.gettext(_("one-off, by {date}"), date=t.date(date.fromisoformat(period_key)))
    if match := re.fullmatch(r"event-(\d{4}-\d{2}-\d{2})", period_key):
        return t.gettext(
            _("after the event of {date}"), date=t.date(date.fromisoformat(match.group(1)))
        )
    if match := re.fullmatch(r"(\d{4})-(\d{4})", period_key):
        return t.gettext(_("{first}–{last}"), first=match.group(1), last=match.group(2))
    return period_key
