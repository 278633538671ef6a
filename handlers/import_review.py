"""The review of an import in the chat: buttons on a card (imr:…) and a typed unit name.

A press is answered at once, then the card is edited in place to the next item; a typed
name is asked for with ForceReply, so it reaches the bot in a group under privacy mode too.
"""

from __future__ import annotations

import logging
import re

from telegram import ForceReply, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _
from bot.render.import_review import name_prompt, review_card
from bot.usecases.importing import chat as import_chat
from bot.usecases.importing import review as import_review
from bot.usecases.importing.review import Press
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.import_chat import resend_preview
from handlers.telegram_sender import keyboard

log = logging.getLogger(__name__)

PRESS = re.compile(
    r"imr:(\d{1,12}):(?:(go|done)|u(\d{1,3})\.(\d{1,2})|m(\d{1,3})\.(\d{1,2})\.(\d{1,2})"
    r"|l(\d{1,3})|n(\d{1,3})|t(\d{1,3}))"
)


def _press(match: re.Match[str]) -> Press:
    groups = match.groups()
    if groups[1]:
        return Press(groups[1])
    if groups[2] is not None:
        return Press("unit", entry=int(groups[2]), option=int(groups[3]))
    if groups[4] is not None:
        return Press("merge", entry=int(groups[4]), name=int(groups[5]), option=int(groups[6]))
    for action, value in (("leave", groups[7]), ("next", groups[8]), ("type", groups[9])):
        if value is not None:
            return Press(action, entry=int(value))
    return Press("stale")


async def review_pressed(update: Update, context: BotContext) -> None:
    """imr:<pending>:<action>: show, decide on, or finish the review of a waiting import."""
    query = update.callback_query
    await query.answer()  # first: a slow step below must not let the press expire
    match = read_button(PRESS, query.data)
    services = context.services
    async with turn(update, context) as tr:
        if tr is None:
            return
        t, member_id, chat_id = tr.t, tr.member.id, tr.sender.chat_id
        loaded = None
        if match is not None:
            loaded = await import_review.load(
                tr.session, int(match.group(1)), member_id, services.clock.now()
            )
        if loaded is None:
            await context.bot.send_message(
                chat_id=chat_id,
                text=t.gettext(_("This import is no longer waiting. Please send the file again.")),
            )
            return
        pending, state = loaded
        outcome = import_review.press(state, _press(match))
        import_review.save(pending, state)
        pending_id = pending.id
        upload = import_chat.upload_of(pending)
    if outcome == "done":
        await resend_preview(context, upload, member_id, chat_id, t)
        return
    if outcome == "type":
        await context.bot.send_message(
            chat_id=chat_id,
            text=name_prompt(state, t),
            reply_markup=ForceReply(selective=True, input_field_placeholder="区司法局"),
        )
        return
    text, rows = review_card(state, pending_id, t)
    try:
        await query.edit_message_text(text=text, reply_markup=keyboard(rows))
    except TelegramError:  # the card was deleted or is too old to edit: send it anew
        log.debug("review card not edited", exc_info=True)
        await context.bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard(rows))


async def typed_name(update: Update, context: BotContext) -> None:
    """A unit name typed for the review; any other message is left to the next handlers."""
    message = update.effective_message
    if message is None or not message.text:
        return
    services = context.services
    async with turn(update, context) as tr:
        if tr is None:
            return
        loaded = await import_review.awaiting_name(
            tr.session, tr.member.id, tr.sender.chat_id, services.clock.now()
        )
        if loaded is None:
            return
        pending, state = loaded
        names = import_review.typed_names(message.text)
        if not names:
            return
        import_review.give_typed(state, names)
        import_review.save(pending, state)
        text, rows = review_card(state, pending.id, tr.t)
    await message.reply_text(text, reply_markup=keyboard(rows))
    raise ApplicationHandlerStop
