"""Reminder messages: one entry with its status buttons, or several listed (split by
entries under Telegram's 4096-character limit) with one button each that opens the duty's
card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.i18n import Translator, _
from bot.render.buttons import open_card_button, rows_of, status_rows
from bot.render.labels import period_label, status_label
from bot.text import shorten
from scheduling.delivery.ports import RenderedMessage
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus, ReminderKind

TELEGRAM_LIMIT = 4096
MESSAGE_BUDGET = 3900
DUTY_TEXT_LIMIT = 700
LISTED_TEXT_LIMIT = 80  # a duty's words in a reminder that lists several
MAX_ENTRIES_PER_MESSAGE = 8


@dataclass(frozen=True)
class ReminderEntry:
    """Everything one reminder says, as plain values."""

    reminder_ids: tuple[int, ...]
    kind: ReminderKind
    assignment_id: int
    unit_name: str
    duty_text: str
    plan_title: str
    duty_number: str
    period_key: str
    due_date: date
    status: AssignmentStatus
    workdays_left: int
    days_overdue: int
    planned_at: datetime
    late: bool = False
    missed: tuple[date, ...] = ()
    calendar_fallback: bool = False


def _headline(entry: ReminderEntry, t: Translator) -> str:
    if entry.kind is ReminderKind.CHECKIN:
        return t.gettext(_("🗓 Progress check-in: how is this ongoing duty going? (no deadline)"))
    if entry.kind is ReminderKind.WINDOW_OPEN:
        return t.gettext(_("🟢 The window for this duty is open"))
    if entry.kind is ReminderKind.ESCALATION:
        return t.gettext(
            _("🔴 Escalation: {unit} is {days} days overdue"),
            unit=entry.unit_name,
            days=entry.days_overdue,
        )
    if entry.kind is ReminderKind.OVERDUE or entry.days_overdue > 0:
        return t.ngettext(
            "🔴 Overdue by {count} day", "🔴 Overdue by {count} days", entry.days_overdue
        )
    if entry.workdays_left <= 0:
        return t.gettext(_("🟠 Due today"))
    return t.ngettext(
        "🟡 Due in {count} working day", "🟡 Due in {count} working days", entry.workdays_left
    )


def _calendar_caveat(t: Translator) -> str:
    return t.gettext(_("(Working days for this year are counted without official holiday data.)"))


def render_entry(entry: ReminderEntry, t: Translator) -> str:
    """A reminder about one duty, in full (its buttons are the card's)."""
    lines = [
        _headline(entry, t),
        shorten(entry.duty_text, DUTY_TEXT_LIMIT, one_line=True),
        t.gettext(_("Unit: {unit}"), unit=entry.unit_name),
        t.gettext(_("Period: {period}"), period=period_label(entry.period_key, t)),
        *(
            []
            if entry.kind is ReminderKind.CHECKIN
            else [t.gettext(_("Due: {date}"), date=t.date_with_weekday(entry.due_date))]
        ),
        t.gettext(
            _("Source: {plan}, item {number}"),
            plan=shorten(entry.plan_title, 120, one_line=True),
            number=entry.duty_number,
        ),
        t.gettext(_("Status: {status}"), status=status_label(entry.status, t)),
    ]
    caveat = [_calendar_caveat(t)] if entry.calendar_fallback else []
    return "\n".join([*lines, *_late_notes(entry, t), *caveat])


def render_listed(entry: ReminderEntry, t: Translator, index: int) -> str:
    """One duty of a reminder about several: its number, how urgent, its words shortened,
    the due date and unit; the rest is on its card, one press away."""
    lines = [
        f"{index}. {_headline(entry, t)}",
        "    " + shorten(entry.duty_text, LISTED_TEXT_LIMIT, one_line=True),
        "    "
        + t.gettext(_("Due: {date}"), date=t.date_with_weekday(entry.due_date))
        + f" · {entry.unit_name} · {status_label(entry.status, t)}",
    ]
    return "\n".join([*lines, *("    " + note for note in _late_notes(entry, t))])


def _late_notes(entry: ReminderEntry, t: Translator) -> list[str]:
    """Why a reminder comes late or replaces missed ones."""
    lines: list[str] = []
    if entry.missed:
        lines.append(
            t.ngettext(
                "While the bot was offline {count} earlier reminder for this was missed; "
                "this message replaces it.",
                "While the bot was offline {count} earlier reminders for this were missed; "
                "this message replaces them.",
                len(entry.missed),
            )
        )
    elif entry.late:
        lines.append(
            t.gettext(
                _("(This reminder was due at {time} and is sent late.)"),
                time=t.datetime(entry.planned_at),
            )
        )
    return lines


def entry_buttons(entry: ReminderEntry, t: Translator) -> tuple[tuple[Button, ...], ...]:
    """A one-duty reminder carries its card's status buttons (an escalation none)."""
    if entry.kind is ReminderKind.ESCALATION:
        return ()
    return status_rows(entry.assignment_id, t, entry.status)


CHECKINS_LISTED = 25
CHECKIN_TEXT = 40


def _asked_after_the_fact(entry: ReminderEntry) -> bool:
    """A check-in about a deadline that passed before the plan was imported."""
    return entry.due_date < entry.planned_at.date()


def render_past(entries: list[ReminderEntry], t: Translator) -> RenderedMessage:
    """The one question about duties whose deadlines passed before the plan was imported."""
    units = sorted({entry.unit_name for entry in entries})
    lines = [
        t.ngettext(
            "⏰ {units}: the deadline of {count} duty passed before this plan reached the bot. "
            "Was it done? One answer is enough; nothing is overdue.",
            "⏰ {units}: the deadlines of {count} duties passed before this plan reached the bot. "
            "Were they done? One answer each is enough; nothing is overdue.",
            len(entries),
            units="、".join(units),
        )
    ]
    for index, entry in enumerate(entries[:CHECKINS_LISTED], start=1):
        lines.append(
            f"{index}. {shorten(entry.duty_text, CHECKIN_TEXT, one_line=True)} · {t.date(entry.due_date)}"
        )
    if len(entries) > CHECKINS_LISTED:
        lines.append(t.gettext(_("… and {count} more."), count=len(entries) - CHECKINS_LISTED))
    button = Button("📋 " + t.gettext(_("Report progress")), "t:ongoing:0")
    ids = [reminder_id for entry in entries for reminder_id in entry.reminder_ids]
    return RenderedMessage("\n".join(lines), ((button,),), ids)


def render_checkins(entries: list[ReminderEntry], t: Translator) -> RenderedMessage:
    """All of a chat's check-ins in one message: the duties without a deadline, listed, and
    one button to report on them one by one (not twenty buttons)."""
    units = sorted({entry.unit_name for entry in entries})
    lines = [
        t.ngettext(
            "🗓 Progress check-in ({period}): {units} has {count} ongoing duty without a "
            "deadline. How is it going?",
            "🗓 Progress check-in ({period}): {units} has {count} ongoing duties without a "
            "deadline. How are they going?",
            len(entries),
            period=period_label(entries[0].period_key, t),
            units="、".join(units),
        )
    ]
    for index, entry in enumerate(entries[:CHECKINS_LISTED], start=1):
        lines.append(f"{index}. {shorten(entry.duty_text, CHECKIN_TEXT, one_line=True)}")
    if len(entries) > CHECKINS_LISTED:
        lines.append(t.gettext(_("… and {count} more."), count=len(entries) - CHECKINS_LISTED))
    lines.append(t.gettext(_("Nothing is overdue here; a word on progress is enough.")))
    button = Button("📋 " + t.gettext(_("Report progress")), "t:ongoing:0")
    ids = [reminder_id for entry in entries for reminder_id in entry.reminder_ids]
    return RenderedMessage("\n".join(lines), ((button,),), ids)


def render_reminders(entries: list[ReminderEntry], t: Translator) -> list[RenderedMessage]:
    """One message for one entry; several entries share messages, split by entries; a
    chat's check-ins go together in one message of their own."""
    checkins = [entry for entry in entries if entry.kind is ReminderKind.CHECKIN]
    if checkins:
        dated = [entry for entry in entries if entry.kind is not ReminderKind.CHECKIN]
        past = [entry for entry in checkins if _asked_after_the_fact(entry)]
        ongoing = [entry for entry in checkins if not _asked_after_the_fact(entry)]
        return [
            *(render_reminders(dated, t) if dated else []),
            *([render_checkins(ongoing, t)] if ongoing else []),
            *([render_past(past, t)] if past else []),
        ]
    if len(entries) == 1:
        entry = entries[0]
        return [
            RenderedMessage(
                render_entry(entry, t), entry_buttons(entry, t), list(entry.reminder_ids)
            )
        ]
    header = t.ngettext(
        "You have {count} duty reminder:", "You have {count} duty reminders:", len(entries)
    )
    parts = _split(entries, t)
    return [_listing(part, t, header if n == 0 else None) for n, part in enumerate(parts)]


def _split(entries: list[ReminderEntry], t: Translator) -> list[list[ReminderEntry]]:
    """Entries in messages of at most MAX_ENTRIES_PER_MESSAGE, each under MESSAGE_BUDGET."""
    parts: list[list[ReminderEntry]] = [[]]
    size = 0
    for entry in entries:
        block = len(render_listed(entry, t, len(parts[-1]) + 1)) + 2
        current = parts[-1]
        if current and (size + block > MESSAGE_BUDGET or len(current) >= MAX_ENTRIES_PER_MESSAGE):
            parts.append([])
            size = 0
        parts[-1].append(entry)
        size += block
    return parts


def _listing(entries: list[ReminderEntry], t: Translator, header: str | None) -> RenderedMessage:
    """Several duties listed, numbered, and one button per duty that opens its card (where
    its status buttons are): one press to the card, one more for done."""
    blocks = [render_listed(entry, t, index) for index, entry in enumerate(entries, start=1)]
    footer = t.gettext(_("Tap a duty below to open its card and report on it."))
    if any(entry.calendar_fallback for entry in entries):
        footer = _calendar_caveat(t) + "\n" + footer
    buttons = [
        open_card_button(index, entry.duty_text, entry.assignment_id)
        for index, entry in enumerate(entries, start=1)
    ]
    ids = [reminder_id for entry in entries for reminder_id in entry.reminder_ids]
    text = "\n\n".join([*([header] if header else []), *blocks, footer])
    return RenderedMessage(text, rows_of(buttons, 1), ids)
