"""Status buttons (s:…), undo (u:…), evidence (v:…), extension decisions (x:…) and the
replies they ask for.

The dialogue itself (awaited answers, dates, permission) is `bot.usecases.status.dialogue`;
here an update becomes its plain values and the `Reply` becomes a Telegram answer.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import MaybeInaccessibleMessage, Message, ReplyParameters, Update
from telegram.constants import ChatType

from bot.render.status import render_reply
from bot.usecases.status import dialogue
from bot.usecases.status.changes import Evidence
from bot.usecases.status.dialogue import Incoming, Reply, ReplyKind
from handlers.callback_data import read_button
from handlers.common import Turn, turn
from handlers.context import BotContext
from handlers.prompts import send_reply
from handlers.tasks import CardEdit, refreshed_card, show_card

URL = re.compile(r"https?://\S+")
STATUS_PRESS = re.compile(r"s:([dpbmnce]|ct):(\d{1,12})")
UNDO_PRESS = re.compile(r"u:(\d{1,12})")
EVIDENCE_PRESS = re.compile(r"v:(\d{1,12})")
DECISION_PRESS = re.compile(r"x:([ar]):(\d{1,12})")
URL_LIMIT = 1000

Step = Callable[[dialogue.Turn], Awaitable[Reply]]


def dialogue_turn(tr: Turn, context: BotContext) -> dialogue.Turn:
    return dialogue.Turn(tr.session, context.services, tr.member, tr.sender.chat_id)


async def answer_press(update: Update, context: BotContext, step: Step | None) -> None:
    """Run one dialogue step for a button press (None: the button is not read any more) and
    answer: an alert, or an acknowledgement and a message in the chat; a change made on a
    duty card (or undone from its confirmation) shows on that card at once."""
    query = update.callback_query
    async with turn(update, context) as tr:
        if tr is None:
            return
        t, member_id = tr.t, tr.member.id
        reply = Reply(ReplyKind.STALE_BUTTON, alert=True)
        if step is not None:
            reply = await step(dialogue_turn(tr, context))
        card = await _card_after(tr, context, query.message, reply)
    text, buttons = render_reply(reply, t)
    chat_id = update.effective_chat.id
    # Answered before any send; a press too old to answer is no error (handlers/presses.py):
    # what it did is said in the chat all the same.
    if reply.alert:
        if not await query.answer(text, show_alert=True) and text:
            await context.bot.send_message(chat_id=chat_id, text=text)
        return
    await query.answer()
    if card is not None:
        await show_card(context, card)
    if reply.kind is ReplyKind.FILES:
        await _send_files(context, chat_id, reply.files)
    elif text:
        await send_reply(update, context, reply, text, buttons, member_id, t, about=_about(card))


async def _card_after(
    tr: Turn, context: BotContext, pressed: MaybeInaccessibleMessage | None, reply: Reply
) -> CardEdit | None:
    """The card to show again: the pressed message after a status change on it, or the card
    an undone confirmation answered."""
    if reply.result is None or not isinstance(pressed, Message):
        return None
    if reply.kind is ReplyKind.CHANGED:
        return await refreshed_card(tr, context, pressed, reply.result.assignment_id)
    if reply.kind is ReplyKind.UNDONE:
        card = pressed.reply_to_message
        return await refreshed_card(tr, context, card, reply.result.assignment_id)
    return None


def _about(card: CardEdit | None) -> ReplyParameters | None:
    """A confirmation answers the card it changed, so its Undo can show on that card too."""
    if card is None:
        return None
    return ReplyParameters(card.message_id, allow_sending_without_reply=True)


async def status_pressed(update: Update, context: BotContext) -> None:
    """s:<action>:<assignment id> — authorization is checked again on every press."""
    match = read_button(STATUS_PRESS, update.callback_query.data)
    step: Step | None = None
    if match is not None:
        action, assignment_id = match.group(1), int(match.group(2))
        step = partial(dialogue.press_status, action=action, assignment_id=assignment_id)
    await answer_press(update, context, step)


async def undo_pressed(update: Update, context: BotContext) -> None:
    match = read_button(UNDO_PRESS, update.callback_query.data)
    step: Step | None = None
    if match is not None:
        step = partial(dialogue.press_undo, report_id=int(match.group(1)))
    await answer_press(update, context, step)


async def decision_pressed(update: Update, context: BotContext) -> None:
    """x:a|r:<extension request> — a coordinator's decision; the permission is checked in the
    use case, so forged data from anyone else is refused."""
    match = read_button(DECISION_PRESS, update.callback_query.data)
    step: Step | None = None
    if match is not None:
        approve, request_id = match.group(1) == "a", int(match.group(2))
        step = partial(dialogue.press_decision, request_id=request_id, approve=approve)
    await answer_press(update, context, step)


async def evidence_pressed(update: Update, context: BotContext) -> None:
    """v:<assignment id> — send back the files stored as evidence."""
    match = read_button(EVIDENCE_PRESS, update.callback_query.data)
    step: Step | None = None
    if match is not None:
        step = partial(dialogue.press_evidence, assignment_id=int(match.group(1)))
    await answer_press(update, context, step)


async def _send_files(
    context: BotContext, chat_id: int, files: tuple[tuple[str, str, str | None], ...]
) -> None:
    for kind, file_id, name in files:
        if kind == "photo":
            await context.bot.send_photo(chat_id=chat_id, photo=file_id, caption=name)
        else:
            await context.bot.send_document(chat_id=chat_id, document=file_id, caption=name)


def evidence_of(message: Message) -> Evidence | None:
    """A document, a photo or a link in the message, as evidence to keep."""
    if message.document is not None:
        doc = message.document
        return Evidence(
            kind="document",
            file_id=doc.file_id,
            name=doc.file_name,
            meta={
                "mime_type": doc.mime_type,
                "file_size": doc.file_size,
                "unique_id": doc.file_unique_id,
            },
        )
    if message.photo:
        photo = message.photo[-1]
        return Evidence(
            kind="photo",
            file_id=photo.file_id,
            name=message.caption,
            meta={"width": photo.width, "height": photo.height, "unique_id": photo.file_unique_id},
        )
    text = message.text or message.caption or ""
    if link := URL.search(text):
        return Evidence(kind="link", url=link.group(0)[:URL_LIMIT], name=None)
    return None


def incoming_of(update: Update, message: Message) -> Incoming:
    """The message as the dialogue reads it: words, evidence, which bot message it answers."""
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.is_bot
    return Incoming(
        text=message.text or message.caption or "",
        evidence=evidence_of(message),
        replied_to_bot=replied.message_id if to_bot and replied is not None else None,
        private=update.effective_chat.type == ChatType.PRIVATE,
    )


async def incoming_message(update: Update, context: BotContext) -> None:
    """Plain text, documents and photos: an awaited answer, a reply to a reminder, or help."""
    message = update.effective_message
    if message is None:
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        reply = await dialogue.answer_message(
            dialogue_turn(tr, context), incoming_of(update, message)
        )
        text, buttons = render_reply(reply, tr.t)
        t, member_id = tr.t, tr.member.id
    if text:
        await send_reply(update, context, reply, text, buttons, member_id, t)
