"""The status dialogue's replies in words: confirmations, questions, refusals, help."""

from __future__ import annotations

from bot.i18n import Translator, _
from bot.render.labels import held_this_year, status_label
from bot.text import quoted, shorten
from bot.usecases.status.changes import ChangeKind, ChangeResult, Refusal
from bot.usecases.status.dialogue import Reply, ReplyKind
from bot.usecases.status.extensions import Decision
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus, ExtensionState

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
    Refusal.NEWER_CHANGE: _(
        "This change cannot be undone: a newer change was made after this one. "
        "Only the latest change of a duty can be undone."
    ),
    Refusal.REMOVED: _("The plan no longer has this duty, so nothing can be reported on it."),
    Refusal.ONLY_COORDINATORS: _("Only coordinators can approve or refuse an extension."),
}
PLAIN = {
    ReplyKind.NEED_REASON: _("Please reply with the reason in words."),
    ReplyKind.UNREADABLE_DATE: _(
        "I could not read a date. Please reply like 2026-12-20 or 12月20日."
    ),
    ReplyKind.PAST_DATE: _(
        "That date is not ahead (or is more than two years away). I am still waiting: "
        "please reply with a later date, e.g. 2026-12-20."
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
    if reply.kind in (ReplyKind.DECIDED, ReplyKind.ALREADY_DECIDED):
        assert reply.decision is not None
        return render_decision(reply.decision, t), ()
    assert reply.result is not None
    return _after_change(reply, reply.result, t)


def _after_change(reply: Reply, result: ChangeResult, t: Translator) -> tuple[str, Buttons]:
    duty = quoted(shorten(reply.duty_text, DUTY_SHOWN, one_line=True))
    if reply.kind is ReplyKind.UNDONE:
        return undone_text(result, duty, t), ()
    if reply.kind is ReplyKind.NOTED:
        text = t.gettext(_("Note saved for “{duty}”."), duty=duty) + "\n" + _undo_hint(t)
    elif reply.kind is ReplyKind.REQUESTED:
        text = _requested(result, duty, t)
    else:
        text = confirmation(result, duty, t)
    return text, ((Button("↩️ " + t.gettext(_("Undo")), f"u:{result.report_id}"),),)


def _requested(result: ChangeResult, duty: str, t: Translator) -> str:
    assert result.requested_due is not None
    asked = t.gettext(
        _(
            "Asked for a new date for “{duty}”: {date}. The coordinators decide; you will be "
            "told. Until then it stays due {due}."
        ),
        duty=duty,
        date=t.date(result.requested_due),
        due=t.date(result.due) if result.due else "—",
    )
    return asked + "\n" + _undo_hint(t)


UNDONE_TEXTS = {
    ChangeKind.NOTE: _("Undone: the note “{label}” on “{duty}” is removed."),
    ChangeKind.FILE: _("Undone: the file “{label}” on “{duty}” is removed."),
    ChangeKind.LINK: _("Undone: the link {label} on “{duty}” is removed."),
    ChangeKind.STATUS: _("Undone: “{duty}” is no longer {undone}; it is back to: {status}."),
    ChangeKind.COUNT: _("Undone: the session on {date} no longer counts for “{duty}”."),
    ChangeKind.EXTENSION: _(
        "Undone: the request for a new date ({date}) on “{duty}” is withdrawn; it is back to: "
        "{status}."
    ),
    ChangeKind.EVENT: _("Undone: the event on {date} for “{duty}”."),
}


def undone_text(result: ChangeResult, duty: str, t: Translator) -> str:
    """What was undone, named: the note's words, the file, the link, the status or count."""
    undone = result.undone
    if undone is None:
        return t.gettext(
            _("Undone. “{duty}” is back to: {status}."),
            duty=duty,
            status=status_label(result.status, t),
        )
    text = t.gettext(
        UNDONE_TEXTS[undone.kind],
        duty=duty,
        label=quoted(shorten(undone.label or "—", DUTY_SHOWN, one_line=True)),
        date=t.date(undone.day) if undone.day else "—",
        undone=status_label(undone.status_set, t) if undone.status_set else "—",
        status=status_label(result.status, t),
    )
    if undone.kind is ChangeKind.COUNT and result.target_count:
        text += "\n" + held_this_year(result.progress_count, result.target_count, t)
    return text


DECISIONS = {
    ExtensionState.APPROVED: _(
        "✅ Approved: “{duty}” ({unit}) is now due {date}. {member} will be told."
    ),
    ExtensionState.REFUSED: _(
        "❌ Refused: “{duty}” ({unit}) stays due {due}. {member} will be told."
    ),
}
DECIDED_BEFORE = {
    ExtensionState.APPROVED: _("This request was already approved by {who}."),
    ExtensionState.REFUSED: _("This request was already refused by {who}."),
    ExtensionState.WITHDRAWN: _("This request was withdrawn by {who}."),
    ExtensionState.PENDING: _("This request is still waiting for a decision."),
}


def render_decision(decision: Decision, t: Translator) -> str:
    """The coordinator's confirmation, or (pressed again) who decided it before."""
    if not decision.decided_now or decision.state not in DECISIONS:
        return t.gettext(DECIDED_BEFORE[decision.state], who=decision.decided_by)
    return t.gettext(
        DECISIONS[decision.state],
        duty=quoted(shorten(decision.duty_text, DUTY_SHOWN, one_line=True)),
        unit=decision.unit_name,
        date=t.date(decision.requested_due),
        due=t.date(decision.due),
        member=decision.requester,
    )


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
