"""One-off notices to coordinators (a liaison became unreachable, asked for more time …)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import Translator, _
from scheduling.delivery.sender import Button
from storage.models import ReminderKind

NOTICE_TEXTS: dict[str, str] = {
    "unreachable": _(
        "⚠️ Reminders cannot reach {member}: Telegram answered “{error}”. "
        "Please contact them another way and ask them to open the bot again."
    ),
    "more_time": _(
        "⏳ {member} ({unit}) asks for more time on “{duty}”: new date {date}. Reason: {note}"
    ),
    "extension_request": _(
        "⏳ Extension request: {member} ({unit}) asks to move “{duty}” from {due} to {date}. "
        "Reason: {note}"
    ),
    "extension_approved": _("✅ {member} approved your request: “{duty}” is now due {date}."),
    "extension_refused": _(
        "❌ {member} refused your request for {date}: “{duty}” stays due {due}."
    ),
    "blocked": _("⛔ {member} ({unit}) reports “{duty}” is blocked: {note}"),
    "revived": _(
        "🔔 “{duty}” is open again, so its reminders are back on. Report its status when "
        "there is news."
    ),
}


def render_notice(kind: ReminderKind, payload: dict[str, Any], t: Translator) -> str:
    """Render a queued notice in the reader's language from its stored values."""
    name = str(payload.get("notice", ""))
    template = NOTICE_TEXTS.get(name)
    if template is None:
        return str(payload.get("text", "")) or t.gettext(_("(empty notice)"))
    values = {key: value for key, value in payload.items() if key != "notice"}
    if payload.get("date_iso"):
        values["date"] = t.date(date.fromisoformat(str(payload["date_iso"])))
    if payload.get("due_iso"):
        values["due"] = t.date(date.fromisoformat(str(payload["due_iso"])))
    values.setdefault("due", "—")
    values.setdefault("note", "—")
    values.setdefault("unit", "—")
    values.setdefault("duty", "—")
    values.setdefault("date", "—")
    values.setdefault("member", "—")
    values.setdefault("error", "—")
    return t.gettext(template, **values)


def notice_buttons(payload: dict[str, Any], t: Translator) -> tuple[tuple[Button, ...], ...]:
    """An extension request carries its decision buttons, in words with their icon."""
    if payload.get("notice") != "extension_request" or not payload.get("request_id"):
        return ()
    request_id = int(str(payload["request_id"]))
    return (
        (
            Button("✅ " + t.gettext(_("Approve")), f"x:a:{request_id}"),
            Button("❌ " + t.gettext(_("Refuse")), f"x:r:{request_id}"),
        ),
    )
