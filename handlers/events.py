"""Duties that count from an event: list them, and take the event's date."""

from __future__ import annotations

import re
from functools import partial

from telegram import Update

from bot.render.tasks import not_bound_text, render_event_list
from bot.usecases.status import dialogue
from bot.usecases.status.changes import Refusal
from bot.usecases.status.dialogue import Reply
from bot.usecases.status.events import event_duties
from bot.usecases.tasks.lists import liaison_unit_ids
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.status_actions import Step, answer_press
from handlers.telegram_sender import keyboard

LIST_LIMIT = 20
REPORT_PRESS = re.compile(r"ev:r:(\d{1,12}):(\d{1,12})")


async def list_pressed(update: Update, context: BotContext) -> None:
    """ev:l — the unit's event duties, each with a button to report its event."""
    query = update.callback_query
    async with turn(update, context) as tr:
        if tr is None:
            return
        unit_ids = await liaison_unit_ids(tr.session, tr.member.id)
        if not unit_ids:
            text, rows = not_bound_text(tr.t), ()
        else:
            duties = (await event_duties(tr.session, unit_ids))[:LIST_LIMIT]
            text, rows = render_event_list(duties, tr.t)
    await query.answer()
    await context.bot.send_message(
        chat_id=update.effective_chat.id, text=text[:4096], reply_markup=keyboard(rows)
    )


async def _not_allowed(_turn: dialogue.Turn) -> Reply:
    return dialogue.refused(Refusal.NOT_ALLOWED, alert=True)


async def report_pressed(update: Update, context: BotContext) -> None:
    """ev:r:<duty>:<unit> — ask on which day the event happened."""
    match = read_button(REPORT_PRESS, update.callback_query.data)
    step: Step = _not_allowed
    if match is not None:
        duty_id, unit_id = int(match.group(1)), int(match.group(2))
        step = partial(dialogue.press_report_event, duty_id=duty_id, unit_id=unit_id)
    await answer_press(update, context, step)
