"""Reminder messages: one or several entries per chat, split by entries under Telegram's
4096-character limit, each entry with its status buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.i18n import Translator, _
from bot.render.labels import period_label, status_label
from bot.text import shorten
from scheduling.delivery.ports import RenderedMessage
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus, ReminderKind

TELEGRAM_LIMIT = 4096
MESSAGE_BUDGET = 3900
DUTY_TEXT_LIMIT = 700
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


def render_entry(entry: ReminderEntry, t: Translator, index: int | None = None) -> str:
    prefix = f"{index}. " if index is not None else ""
    lines = [
        prefix + _headline(entry, t),
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
    if entry.calendar_fallback:
        lines.append(
            t.gettext(_("(Working days for this year are counted without official holiday data.)"))
        )
    return "\n".join(lines)


def entry_buttons(
    assignment_id: int, t: Translator, index: int | None = None
) -> tuple[tuple[Button, ...], ...]:
    """done / in progress / blocked / more time / note, as callback data `s:<action>:<id>`."""
    if index is not None:
        tag = str(index)
        return (
            (
                Button(f"✅{tag}", f"s:d:{assignment_id}"),
                Button(f"🔄{tag}", f"s:p:{assignment_id}"),
                Button(f"⛔{tag}", f"s:b:{assignment_id}"),
                Button(f"⏳{tag}", f"s:m:{assignment_id}"),
                Button(f"📝{tag}", f"s:n:{assignment_id}"),
            ),
        )
    return (
        (
            Button("✅ " + t.gettext(_("Done")), f"s:d:{assignment_id}"),
            Button("🔄 " + t.gettext(_("In progress")), f"s:p:{assignment_id}"),
        ),
        (
            Button("⛔ " + t.gettext(_("Blocked")), f"s:b:{assignment_id}"),
            Button("⏳ " + t.gettext(_("More time")), f"s:m:{assignment_id}"),
            Button("📝 " + t.gettext(_("Note")), f"s:n:{assignment_id}"),
        ),
    )


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
        buttons = (
            () if entry.kind is ReminderKind.ESCALATION else entry_buttons(entry.assignment_id, t)
        )
        return [RenderedMessage(render_entry(entry, t), buttons, list(entry.reminder_ids))]
    messages: list[RenderedMessage] = []
    header = t.ngettext(
        "You have {count} duty reminder:", "You have {count} duty reminders:", len(entries)
    )
    current: list[str] = [header]
    buttons: list[tuple[Button, ...]] = []
    ids: list[int] = []
    size = len(header)
    count = 0
    for entry in entries:
        index = count + 1
        block = render_entry(entry, t, index)
        if count and (size + len(block) + 2 > MESSAGE_BUDGET or count >= MAX_ENTRIES_PER_MESSAGE):
            messages.append(RenderedMessage("\n\n".join(current), tuple(buttons), ids))
            current, buttons, ids, size, count = [], [], [], 0, 0
            index = 1
            block = render_entry(entry, t, index)
        current.append(block)
        size += len(block) + 2
        count += 1
        ids.extend(entry.reminder_ids)
        if entry.kind is not ReminderKind.ESCALATION:
            buttons.extend(entry_buttons(entry.assignment_id, t, index))
    if current:
        messages.append(RenderedMessage("\n\n".join(current), tuple(buttons), ids))
    return messages
