"""/groups and /units: a coordinator's unit and group chores from the chat.

Lists and cards come with buttons (`og:…` for groups, `ou:…` for units); a name to type (a
new group's, units to add, the unit to merge into) is asked for and taken from the next
message in the private chat (group -1, before the generic text handler). The dialogue and
its permission check are `bot.usecases.units.office_dialogue`; here an update becomes its
plain values and the reply becomes a Telegram answer.
"""

from __future__ import annotations

import re

from telegram import ForceReply, Update
from telegram.ext import ApplicationHandlerStop

from bot.clock import local_date
from bot.render.office import render_reply
from bot.usecases.units import office_dialogue as dialogue
from bot.usecases.units.office_dialogue import OfficeReplyKind, OfficeTurn, Press
from handlers.callback_data import read_button
from handlers.common import Turn, turn
from handlers.context import BotContext
from handlers.edits import edit_in_place
from handlers.import_review import typed_name
from handlers.telegram_sender import keyboard

BUTTON = re.compile(r"o([gu]):([lvnarxkm])(?::(\d{1,10}))?(?::(\d{1,10}|[a-z_]{1,16}))?")


def office_turn(tr: Turn, context: BotContext) -> OfficeTurn:
    services = context.services
    now = services.clock.now()
    today = local_date(now, services.settings.zone)
    return OfficeTurn(tr.session, services, tr.member, tr.sender.chat_id, now, today)


def _press(data: str | None) -> Press | None:
    match = read_button(BUTTON, data)
    if match is None:
        return None
    area, action, first, second = match.groups()
    number = int(first) if first and first.isdigit() else 0
    return Press(area, action, number, second or "")


async def groups_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        text, rows = render_reply(await dialogue.open_groups(office_turn(tr, context)), tr.t)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def units_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        text, rows = render_reply(await dialogue.open_units(office_turn(tr, context)), tr.t)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def office_pressed(update: Update, context: BotContext) -> None:
    """Every `og:`/`ou:` button: lists, cards, a kind chosen, a member taken out, and the
    questions that wait for a typed name."""
    query = update.callback_query
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        pending = await dialogue.press(office_turn(tr, context), _press(query.data))
    reply = await dialogue.run_locked(context.services, pending)
    text, rows = render_reply(reply, t)
    if reply.kind is OfficeReplyKind.NOT_COORDINATOR:
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    gone = reply.kind is OfficeReplyKind.REFUSED and pending.work is None
    if reply.asks:
        await query.message.reply_text(text, reply_markup=ForceReply(selective=True))
    elif gone:
        await query.message.reply_text(text)
    else:
        await edit_in_place(query, text, keyboard(rows))


async def typed_answer(update: Update, context: BotContext) -> None:
    """A name typed for /groups or /units; any other message is left to the next handlers."""
    message = update.effective_message
    if message is None or not message.text:
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        pending = await dialogue.typed(office_turn(tr, context), message.text)
    reply = await dialogue.run_locked(context.services, pending)
    if reply.kind is OfficeReplyKind.NOT_AN_ANSWER:
        return
    text, rows = render_reply(reply, t)
    await message.reply_text(text, reply_markup=keyboard(rows))
    raise ApplicationHandlerStop


async def typed_in_private(update: Update, context: BotContext) -> None:
    """A private text that may answer an office question, else an import review's."""
    await typed_answer(update, context)  # stops the update when it was the answer
    await typed_name(update, context)
