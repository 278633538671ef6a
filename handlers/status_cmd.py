"""/status: a liaison's unit counts, or every unit as traffic lights for coordinators."""

from __future__ import annotations

import re

from telegram import Update

from bot.i18n import _
from bot.render.tasks import render_office_status, render_unit_status
from bot.usecases.members.directory import is_coordinator
from bot.usecases.tasks.lists import (
    SharedCityCounts,
    UnitCounts,
    liaison_unit_ids,
    next_deadlines,
    unit_counts,
)
from bot.usecases.units.lookup import find_unit, suggest_units, unit_names
from handlers.callback_data import read_button
from handlers.common import Turn, today_of, turn
from handlers.context import BotContext
from handlers.edits import edit_in_place
from handlers.tasks import not_bound_text
from handlers.telegram_sender import keyboard

CITY_COUNTS_KEY = "city_counts"
OFFICE_PAGE = re.compile(r"o:(\d{1,4})")


def city_counts(context: BotContext) -> SharedCityCounts:
    """The application's shared office-wide counts (see SharedCityCounts)."""
    shared = context.application.bot_data.get(CITY_COUNTS_KEY)
    if shared is None:
        services = context.services
        shared = SharedCityCounts(services.sessions, services.change_marker)
        context.application.bot_data[CITY_COUNTS_KEY] = shared
    return shared


async def _unit_text(tr: Turn, context: BotContext, unit_id: int, unit_name: str) -> str:
    today = today_of(context)
    calendar = context.services.calendar
    counts = await unit_counts(tr.session, today, calendar, [unit_id])
    deadlines = await next_deadlines(tr.session, [unit_id], today)
    return render_unit_status(counts[0] if counts else None, deadlines, today, tr.t, unit_name)


async def status(update: Update, context: BotContext) -> None:
    args = " ".join(context.args or []).strip()
    markup = None
    office = False
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        coordinator = await is_coordinator(tr.session, tr.member.id)
        if args:
            unit = await find_unit(tr.session, args)
            mine = await liaison_unit_ids(tr.session, tr.member.id)
            if unit is None:
                hints = await suggest_units(tr.session, args)
                text = t.gettext(_("I do not know the unit “{unit}”."), unit=args)
                if hints:
                    text += "\n" + t.gettext(_("Did you mean: {names}"), names="、".join(hints))
            elif not coordinator and unit.id not in mine:
                text = t.gettext(_("Only coordinators can see other units."))
            else:
                text = await _unit_text(tr, context, unit.id, unit.name)
        elif coordinator:
            office = True  # counted below, once this turn has given its connection back
        else:
            mine = await liaison_unit_ids(tr.session, tr.member.id)
            if not mine:
                text = not_bound_text(t)
            else:
                names = await unit_names(tr.session, mine)
                text = "\n\n".join([await _unit_text(tr, context, uid, names[uid]) for uid in mine])
    if office:
        text, buttons = render_office_status(await _office_counts(context), t)
        markup = keyboard(buttons)
    await update.effective_message.reply_text(text[:4096], reply_markup=markup)


async def _office_counts(context: BotContext) -> list[UnitCounts]:
    """Shared with the coordinators asking at the same time; called outside a turn, as the
    count needs a connection of its own."""
    return await city_counts(context).get(today_of(context), context.services.calendar)


async def office_page_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    match = read_button(OFFICE_PAGE, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        allowed = await is_coordinator(tr.session, tr.member.id)
        t = tr.t
    if match is None or not allowed:
        await query.answer(t.gettext(_("Only coordinators can see other units.")), show_alert=True)
        return
    text, buttons = render_office_status(await _office_counts(context), t, int(match.group(1)))
    await query.answer()
    await edit_in_place(query, text, keyboard(buttons))
