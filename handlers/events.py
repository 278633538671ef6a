"""Duties that count from an event: list them, and take the event's date."""

from __future__ import annotations

import re

from telegram import Update

from bot.i18n import _
from bot.usecases.members import pending
from bot.usecases.planning.events import event_duties
from bot.usecases.tasks.lists import liaison_unit_ids
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.tasks import not_bound_text
from handlers.telegram_sender import keyboard
from scheduling.delivery.sender import Button

LIST_LIMIT = 20
REPORT_PRESS = re.compile(r"ev:r:(\d{1,12}):(\d{1,12})")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def list_pressed(update: Update, context: BotContext) -> None:
    """ev:l — the unit's event duties, each with a button to report its event."""
    query = update.callback_query
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        unit_ids = await liaison_unit_ids(tr.session, tr.member.id)
        if not unit_ids:
            text, rows = not_bound_text(t), ()
        else:
            duties = (await event_duties(tr.session, unit_ids))[:LIST_LIMIT]
            lines = [t.gettext(_("Duties that count from an event (report it when it happens):"))]
            buttons = []
            for index, duty in enumerate(duties, start=1):
                lines.append(
                    f"{index}. {_clip(duty.text, 90)}\n    “{duty.phrase}” · {duty.unit_name}"
                )
                buttons.append(Button(f"📅 {index}", f"ev:r:{duty.duty_id}:{duty.unit_id}"))
            if not duties:
                lines.append(t.gettext(_("Nothing here.")))
            text = "\n".join(lines)
            rows = tuple(tuple(buttons[i : i + 5]) for i in range(0, len(buttons), 5))
    await query.answer()
    await context.bot.send_message(
        chat_id=update.effective_chat.id, text=text[:4096], reply_markup=keyboard(rows)
    )


async def report_pressed(update: Update, context: BotContext) -> None:
    """ev:r:<duty>:<unit> — ask for the event's date (checked again when it is answered)."""
    query = update.callback_query
    match = read_button(REPORT_PRESS, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        mine = await liaison_unit_ids(tr.session, tr.member.id)
        if match is None or int(match.group(2)) not in mine:
            alert: str | None = t.gettext(_("You cannot report for this unit."))
        else:
            alert = None
            await pending.expect(
                tr.session,
                tr.member.id,
                tr.sender.chat_id,
                "event",
                {"duty": int(match.group(1)), "unit": int(match.group(2))},
                context.services.clock.now(),
            )
            reply = t.gettext(
                _("On which date did the event happen (e.g. the document was published)?")
            )
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(chat_id=update.effective_chat.id, text=reply)
