"""The status dialogue's replies in words: confirmations, questions, refusals, help."""

from __future__ import annotations

from bot.i18n import Translator, _
from bot.render.labels import held_this_year, status_label
from bot.text import shorten
from bot.usecases.status.changes import ChangeResult, Refusal
from bot.usecases.status.dialogue import Reply, ReplyKind
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus

Buttons = tuple[tuple[Button, ...], ...]
DUTY_SHOWN = 60  # characters of the duty's text quoted in a confirmation

QUESTIONS = {
    "blocked": _("What is blocking it? Reply with the reason."),
    "more_time": _("By which date can it be done? Reply with a date, e.g. 2026-12-20."),
    "note": _("Send your note, a link, a document or a photo as evidence."),
    "count": _("On which date was it held? Reply with a date, or tap Today."),
    "event": _("On which date did the event happen (e.g. the document was published)?"),
}
REFUSALS = {
    Refusal.NOT_FOUND: _("This duty no longer exists."),
    Refusal.NOT_ALLOWED: _("You cannot report for this unit."),
    Refusal.UNDO_EXPIRED: _("Changes can only be undone within 24 hours."),
    Refusal.ALREADY_UNDONE: _("This change was already undone."),
    Refusal.BAD_DATE: _("Please give a date in the future, within two years."),
    Refusal.NOTHING_TO_UNDO: _("There is nothing to undo here."),
}
PLAIN = {
    ReplyKind.NEED_REASON: _("Please reply with the reason in words."),
    ReplyKind.UNREADABLE_DATE: _(
        "I could not read a date. Please reply like 2026-12-20 or 12月20日."
    ),
    ReplyKind.SEVERAL: _(
        "That message is about several duties. Tap the one you mean to open its card, "
        "then press “📝 Note / evidence” there."
    ),
    ReplyKind.HELP: _(
        "I read commands and replies to my reminders. Send /help to see what you can ask me."
    ),
    ReplyKind.STALE_BUTTON: _("This button is not valid any more."),
}


def render_reply(reply: Reply, t: Translator) -> tuple[str | None, Buttons]:
    """The reply's text (None: say nothing) and its buttons."""
    if reply.kind in PLAIN:
        return t.gettext(PLAIN[reply.kind]), ()
    if reply.kind is ReplyKind.REFUSED:
        assert reply.refusal is not None
        return t.gettext(REFUSALS[reply.refusal]), ()
    if reply.kind is ReplyKind.ASKED:
        assert reply.asked is not None
        if reply.asked == "count":
            today = Button(t.gettext(_("Today")), f"s:ct:{reply.assignment_id}")
            return t.gettext(QUESTIONS[reply.asked]), ((today,),)
        return t.gettext(QUESTIONS[reply.asked]), ()
    if reply.kind is ReplyKind.EVENT:
        assert reply.event is not None
        return reply.event.render(t), ()
    if reply.kind in (ReplyKind.QUIET, ReplyKind.FILES):
        return None, ()
    assert reply.result is not None
    return _after_change(reply, reply.result, t)


def _after_change(reply: Reply, result: ChangeResult, t: Translator) -> tuple[str, Buttons]:
    duty = shorten(reply.duty_text, DUTY_SHOWN, one_line=True)
    if reply.kind is ReplyKind.UNDONE:
        text = t.gettext(
            _("Undone. “{duty}” is back to: {status}."),
            duty=duty,
            status=status_label(result.status, t),
        )
        return text, ()
    if reply.kind is ReplyKind.NOTED:
        text = t.gettext(_("Note saved for “{duty}”."), duty=duty) + "\n" + _undo_hint(t)
    else:
        text = confirmation(result, duty, t)
    return text, ((Button("↩️ " + t.gettext(_("Undo")), f"u:{result.report_id}"),),)


def confirmation(result: ChangeResult, duty: str, t: Translator) -> str:
    """What was recorded, with the count, the new date or who was told."""
    lines = [
        t.gettext(
            _("Recorded for “{duty}”: {status}."), duty=duty, status=status_label(result.status, t)
        )
    ]
    if result.target_count:
        lines.append(held_this_year(result.progress_count, result.target_count, t))
    if result.extended_due is not None and result.status is AssignmentStatus.MORE_TIME:
        lines.append(
            t.gettext(
                _("New date: {date}. The coordinator has been told."),
                date=t.date(result.extended_due),
            )
        )
    if result.status is AssignmentStatus.BLOCKED:
        lines.append(t.gettext(_("The coordinator has been told.")))
    lines.append(_undo_hint(t))
    return "\n".join(lines)


def _undo_hint(t: Translator) -> str:
    return t.gettext(_("You can undo this within 24 hours."))
