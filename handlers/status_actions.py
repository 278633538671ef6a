"""Status buttons (s:…), undo (u:…), evidence (v:…) and the replies they ask for."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType

from bot.i18n import Translator, _
from bot.render.labels import status_label
from bot.usecases.members import pending
from bot.usecases.planning.events import report_event, report_event_from_assignment
from bot.usecases.status.changes import (
    ChangeResult,
    Evidence,
    Refusal,
    StatusRefused,
    add_note,
    change_status,
    count_one_more,
    evidence_files,
    load_assignment,
    may_act,
    undo,
)
from handlers.callback_data import read_button
from handlers.common import Turn, today_of, turn
from handlers.context import BotContext
from handlers.telegram_sender import keyboard
from scheduling.dates.typed import parse_user_date
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus

URL = re.compile(r"https?://\S+")
STATUS_PRESS = re.compile(r"s:([dpbmnce]|ct):(\d{1,12})")
UNDO_PRESS = re.compile(r"u:(\d{1,12})")
EVIDENCE_PRESS = re.compile(r"v:(\d{1,12})")
NOTE_LIMIT = 2000

ACTIONS = {
    "d": AssignmentStatus.DONE,
    "p": AssignmentStatus.IN_PROGRESS,
}
ASKS = {
    "b": ("blocked", _("What is blocking it? Reply with the reason.")),
    "m": ("more_time", _("By which date can it be done? Reply with a date, e.g. 2026-12-20.")),
    "n": ("note", _("Send your note, a link, a document or a photo as evidence.")),
    "c": ("count", _("On which date was it held? Reply with a date, or tap Today.")),
    "e": ("event", _("On which date did the event happen (e.g. the document was published)?")),
}
REFUSALS = {
    Refusal.NOT_FOUND: _("This duty no longer exists."),
    Refusal.NOT_ALLOWED: _("You cannot report for this unit."),
    Refusal.UNDO_EXPIRED: _("Changes can only be undone within 24 hours."),
    Refusal.ALREADY_UNDONE: _("This change was already undone."),
    Refusal.BAD_DATE: _("Please give a date in the future, within two years."),
    Refusal.NOTHING_TO_UNDO: _("There is nothing to undo here."),
}


def refusal_text(reason: Refusal, t: Translator) -> str:
    return t.gettext(REFUSALS[reason])


def confirmation(result: ChangeResult, duty_text: str, t: Translator) -> str:
    short = " ".join(duty_text.split())
    short = short if len(short) <= 60 else short[:59] + "…"
    lines = [
        t.gettext(
            _("Recorded for “{duty}”: {status}."), duty=short, status=status_label(result.status, t)
        )
    ]
    if result.target_count:
        lines.append(
            t.gettext(
                _("Held this year: {count} of {target}"),
                count=result.progress_count,
                target=result.target_count,
            )
        )
    if result.extended_due is not None and result.status is AssignmentStatus.MORE_TIME:
        lines.append(
            t.gettext(
                _("New date: {date}. The coordinator has been told."),
                date=t.date(result.extended_due),
            )
        )
    if result.status is AssignmentStatus.BLOCKED:
        lines.append(t.gettext(_("The coordinator has been told.")))
    lines.append(t.gettext(_("You can undo this within 24 hours.")))
    return "\n".join(lines)


def undo_keyboard(result: ChangeResult, t: Translator):  # noqa: ANN201 - telegram markup
    return keyboard(((Button("↩️ " + t.gettext(_("Undo")), f"u:{result.report_id}"),),))


async def _duty_text(tr: Turn, assignment_id: int) -> str:
    assignment = await load_assignment(tr.session, assignment_id)
    return assignment.occurrence.duty.text if assignment else ""


async def status_pressed(update: Update, context: BotContext) -> None:
    """s:<action>:<assignment id> — authorization is checked again on every press."""
    query = update.callback_query
    match = read_button(STATUS_PRESS, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        reply, markup, alert = None, None, None
        if match is None:
            alert = t.gettext(_("This button is not valid any more."))
        else:
            action, assignment_id = match.group(1), int(match.group(2))
            assignment = await load_assignment(tr.session, assignment_id)
            if assignment is None:
                alert = refusal_text(Refusal.NOT_FOUND, t)
            elif not await may_act(tr.session, tr.member, assignment):
                alert = refusal_text(Refusal.NOT_ALLOWED, t)
            elif action in ACTIONS:
                result = await change_status(
                    tr.session, context.services.clock, tr.member, assignment_id, ACTIONS[action]
                )
                reply = confirmation(result, assignment.occurrence.duty.text, t)
                markup = undo_keyboard(result, t)
            elif action == "ct":
                result = await count_one_more(
                    tr.session, context.services.clock, tr.member, assignment_id, today_of(context)
                )
                reply = confirmation(result, assignment.occurrence.duty.text, t)
                markup = undo_keyboard(result, t)
            else:
                kind, prompt = ASKS[action]
                await pending.expect(
                    tr.session,
                    tr.member.id,
                    tr.sender.chat_id,
                    kind,
                    {"assignment": assignment_id},
                    context.services.clock.now(),
                )
                reply = t.gettext(prompt)
                if action == "c":
                    markup = keyboard(((Button(t.gettext(_("Today")), f"s:ct:{assignment_id}"),),))
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(
        chat_id=update.effective_chat.id, text=reply, reply_markup=markup
    )


async def undo_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    match = read_button(UNDO_PRESS, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        if match is None:
            alert: str | None = t.gettext(_("This button is not valid any more."))
        else:
            try:
                result = await undo(
                    tr.session, context.services.clock, tr.member, int(match.group(1))
                )
            except StatusRefused as exc:
                alert = refusal_text(exc.reason, t)
            else:
                alert = None
                reply = t.gettext(
                    _("Undone. “{duty}” is back to: {status}."),
                    duty=_short(await _duty_text(tr, result.assignment_id)),
                    status=status_label(result.status, t),
                )
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(chat_id=update.effective_chat.id, text=reply)


async def evidence_pressed(update: Update, context: BotContext) -> None:
    """v:<assignment id> — send back the files stored as evidence."""
    query = update.callback_query
    match = read_button(EVIDENCE_PRESS, query.data)
    files: list[tuple[str, str, str | None]] = []
    async with turn(update, context) as tr:
        if tr is None:
            return
        alert = None
        if match is None:
            alert = tr.t.gettext(_("This button is not valid any more."))
        else:
            assignment_id = int(match.group(1))
            assignment = await load_assignment(tr.session, assignment_id)
            if assignment is None or not await may_act(tr.session, tr.member, assignment):
                alert = refusal_text(Refusal.NOT_ALLOWED, tr.t)
            else:
                files = await evidence_files(tr.session, assignment_id)
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    chat_id = update.effective_chat.id
    for kind, file_id, name in files[-10:]:
        if kind == "photo":
            await context.bot.send_photo(chat_id=chat_id, photo=file_id, caption=name)
        else:
            await context.bot.send_document(chat_id=chat_id, document=file_id, caption=name)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evidence_of(message: Message) -> Evidence | None:
    if message.document is not None:
        doc = message.document
        return Evidence(
            kind="document",
            file_id=doc.file_id,
            name=doc.file_name,
            meta={
                "mime_type": doc.mime_type,
                "file_size": doc.file_size,
                "unique_id": doc.file_unique_id,
            },
        )
    if message.photo:
        photo = message.photo[-1]
        return Evidence(
            kind="photo",
            file_id=photo.file_id,
            name=message.caption,
            meta={"width": photo.width, "height": photo.height, "unique_id": photo.file_unique_id},
        )
    text = message.text or message.caption or ""
    if link := URL.search(text):
        return Evidence(kind="link", url=link.group(0)[:1000], name=None)
    return None


async def _answer_pending(
    tr: Turn,
    context: BotContext,
    kind: str,
    assignment_id: int,
    message: Message,
    payload: dict[str, object] | None = None,
) -> tuple[str, object]:
    """Use the member's message as the answer the bot asked for."""
    t = tr.t
    clock = context.services.clock
    payload = payload or {}
    text = (message.text or message.caption or "").strip()[:NOTE_LIMIT]
    today = today_of(context)
    if kind == "blocked":
        if not text:
            return t.gettext(_("Please reply with the reason in words.")), None
        result = await change_status(
            tr.session, clock, tr.member, assignment_id, AssignmentStatus.BLOCKED, note=text
        )
    elif kind == "more_time":
        wanted = parse_user_date(text.split()[0] if text else "", today)
        if wanted is None:
            await pending.expect(
                tr.session,
                tr.member.id,
                tr.sender.chat_id,
                kind,
                dict(payload) or {"assignment": assignment_id},
                clock.now(),
            )
            return t.gettext(
                _("I could not read a date. Please reply like 2026-12-20 or 12月20日.")
            ), None
        note = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else None
        result = await change_status(
            tr.session,
            clock,
            tr.member,
            assignment_id,
            AssignmentStatus.MORE_TIME,
            note=note,
            requested_due=wanted,
        )
    elif kind == "count":
        held = parse_user_date(text, today, prefer_future=False)
        if held is None or held > today:
            await pending.expect(
                tr.session,
                tr.member.id,
                tr.sender.chat_id,
                kind,
                dict(payload) or {"assignment": assignment_id},
                clock.now(),
            )
            return t.gettext(
                _("I could not read a date. Please reply like 2026-12-20 or 12月20日.")
            ), None
        result = await count_one_more(tr.session, clock, tr.member, assignment_id, held)
    elif kind == "event":
        happened = parse_user_date(text, today, prefer_future=False)
        if happened is None or happened > today:
            await pending.expect(
                tr.session,
                tr.member.id,
                tr.sender.chat_id,
                kind,
                dict(payload) or {"assignment": assignment_id},
                clock.now(),
            )
            return t.gettext(
                _("I could not read a date. Please reply like 2026-12-20 or 12月20日.")
            ), None
        if payload.get("duty"):
            outcome = await report_event(
                tr.session,
                context.services,
                tr.member,
                int(payload["duty"]),
                int(payload["unit"]),
                happened,
            )
        else:
            outcome = await report_event_from_assignment(
                tr.session, context.services, tr.member, assignment_id, happened
            )
        return outcome.render(t), None
    else:
        result = await add_note(
            tr.session, clock, tr.member, assignment_id, text or None, evidence_of(message)
        )
        return (
            t.gettext(
                _("Note saved for “{duty}”."), duty=_short(await _duty_text(tr, assignment_id))
            )
            + "\n"
            + t.gettext(_("You can undo this within 24 hours.")),
            undo_keyboard(result, t),
        )
    return confirmation(result, await _duty_text(tr, assignment_id), t), undo_keyboard(result, t)


async def incoming_message(update: Update, context: BotContext) -> None:
    """Plain text, documents and photos: an awaited answer, a reply to a reminder, or help."""
    message = update.effective_message
    if message is None:
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        now = context.services.clock.now()
        markup = None
        waiting = await pending.take(tr.session, tr.member.id, tr.sender.chat_id, now)
        reply: str | None
        if waiting is not None:
            assignment_id = int(waiting.payload.get("assignment", 0))
            try:
                reply, markup = await _answer_pending(
                    tr, context, waiting.kind, assignment_id, message, dict(waiting.payload)
                )
            except StatusRefused as exc:
                reply = refusal_text(exc.reason, t)
        elif (
            message.reply_to_message is not None
            and message.reply_to_message.from_user
            and message.reply_to_message.from_user.is_bot
        ):
            targets = await pending.assignments_of_message(
                tr.session, tr.sender.chat_id, message.reply_to_message.message_id
            )
            if len(targets) == 1:
                try:
                    reply, markup = await _answer_pending(tr, context, "note", targets[0], message)
                except StatusRefused as exc:
                    reply = refusal_text(exc.reason, t)
            elif targets:
                reply = t.gettext(
                    _(
                        "That message is about several duties. Please use the 📝 button of the one you mean."
                    )
                )
            else:
                reply = _help_text(t)
        elif update.effective_chat.type != ChatType.PRIVATE:
            reply = None  # in a group, stay quiet about chatter not meant for the bot
        else:
            reply = _help_text(t)
    if reply:
        await message.reply_text(reply, reply_markup=markup)


def _help_text(t: Translator) -> str:
    return t.gettext(
        _("I read commands and replies to my reminders. Send /help to see what you can ask me.")
    )
