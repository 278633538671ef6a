"""One-off notices to coordinators (a liaison became unreachable, asked for more time …)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import Translator, _
from storage.models import ReminderKind

NOTICE_TEXTS: dict[str, str] = {
    "unreachable": _(
        "⚠️ Reminders cannot reach {member}: Telegram answered “{error}”. "
        "Please contact them another way and ask them to open the bot again."
    ),
    "more_time": _(
        "⏳ {member} ({unit}) asks for more time on “{duty}”: new date {date}. Reason: {note}"
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
    values.setdefault("note", "—")
    values.setdefault("unit", "—")
    values.setdefault("duty", "—")
    values.setdefault("date", "—")
    values.setdefault("member", "—")
    values.setdefault("error", "—")
    return t.gettext(template, **values)
