"""/status: a liaison's unit counts, or every unit as traffic lights for coordinators.

Who may see which unit is `bot.usecases.status.overview`'s decision; this renders it.
"""

from __future__ import annotations

import re

from telegram import Update

from bot.i18n import _
from bot.render.tasks import render_office_status, render_status_view
from bot.usecases.jurisdictions.scope import office_rows, office_scope
from bot.usecases.status.overview import Shows, status_view
from bot.usecases.tasks.lists import UnitCounts
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.edits import edit_in_place
from handlers.telegram_sender import keyboard

OFFICE_PAGE = re.compile(r"o:(?:j(\d{1,10}):)?(\d{1,4})")


async def status(update: Update, context: BotContext) -> None:
    asked = " ".join(context.args or []).strip()
    services = context.services
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        today = services.today()
        view = await status_view(tr.session, tr.member.id, asked, today, services.calendar)
    markup = None
    if view.shows is Shows.OFFICE:  # counted now that this turn has given its connection back
        rows = await _office_counts(context)
        if view.scope is not None:
            rows = office_rows(rows, view.scope, view.opened)
        text, buttons = render_office_status(rows, t, opened=view.opened)
        markup = keyboard(buttons)
    else:
        text = render_status_view(view, today, t)
    await update.effective_message.reply_text(text[:4096], reply_markup=markup)


async def _office_counts(context: BotContext) -> list[UnitCounts]:
    """Shared with the coordinators asking at the same time; called outside a turn, as the
    count needs a connection of its own."""
    services = context.services
    return await context.runtime.city_counts.get(services.today(), services.calendar)


async def office_page_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    match = read_button(OFFICE_PAGE, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        scope = await office_scope(tr.session, tr.member.id)
        t = tr.t
    if match is None or scope is None:
        await query.answer(t.gettext(_("Only coordinators can see other units.")), show_alert=True)
        return
    opened = int(match.group(1)) if match.group(1) else None
    if opened is not None and not scope.sees(opened):
        opened = None  # a forged button: the office's own view
    rows = office_rows(await _office_counts(context), scope, opened)
    text, buttons = render_office_status(rows, t, int(match.group(2)), opened)
    await query.answer()
    await edit_in_place(query, text, keyboard(buttons))
