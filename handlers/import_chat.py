"""A coordinator sends a plan document: summary with Confirm / Cancel (imp:ok:… / imp:no:…).

Registered in a group before the generic message handler (see registry). A document that is
not an import (a liaison's evidence, a reply to a reminder, an answer the bot asked for)
falls through to it untouched; an import stops further handling with ApplicationHandlerStop.
"""

from __future__ import annotations

import logging
import re

from telegram import Document, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import Translator, _
from bot.importing import DocumentError
from bot.importing.review import Decisions
from bot.render.imports import document_error, imported_message, preview_messages
from bot.usecases.importing import chat as import_chat
from bot.usecases.importing.documents import MAX_BYTES
from bot.usecases.importing.placing import OutOfReach
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.telegram_sender import keyboard
from scheduling.delivery.sender import Button

log = logging.getLogger(__name__)

PRESS = re.compile(r"imp:(ok|no):(\d{1,12})")


async def download(context: BotContext, file_id: str) -> bytes:
    telegram_file = await context.bot.get_file(file_id)
    return bytes(await telegram_file.download_as_bytearray())


async def document_received(update: Update, context: BotContext) -> None:
    """Take a coordinator's document as a plan to import; leave every other one alone."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        now = context.services.clock.now()
        if not await import_chat.wants_import(tr.session, tr.member.id, tr.sender.chat_id, now):
            return
        member_id, chat_id, t = tr.member.id, tr.sender.chat_id, tr.t
    try:
        await _preview(context, message.document, member_id, chat_id, t)
    except Exception as exc:  # reported like any handler fault, but nothing else handles it
        await context.application.process_error(update, exc)
    raise ApplicationHandlerStop


async def _preview(
    context: BotContext, document: Document, member_id: int, chat_id: int, t: Translator
) -> None:
    bot = context.bot
    name = document.file_name or "document"
    if document.file_size and document.file_size > MAX_BYTES:
        await bot.send_message(chat_id=chat_id, text=document_error("too_large", t))
        return
    await bot.send_chat_action(chat_id=chat_id, action="typing")
    data = await download(context, document.file_id)
    await send_preview(context, data, document.file_id, name, member_id, chat_id, t)


async def send_preview(
    context: BotContext,
    data: bytes,
    file_id: str,
    name: str,
    member_id: int,
    chat_id: int,
    t: Translator,
    decisions: Decisions | None = None,
    past: str = "ask",
    place: str | None = None,
) -> None:
    """Dry-run the file (with review decisions, if any) and show it with Confirm / Cancel,
    Change jurisdiction, and Review when items still need a decision."""
    bot = context.bot
    services = context.services
    try:
        shown = await import_chat.preview(
            services, data, file_id, name, decisions, past, member_id=member_id, place=place
        )
    except DocumentError as exc:
        await bot.send_message(chat_id=chat_id, text=document_error(exc.reason, t))
        return
    except OutOfReach:
        await bot.send_message(chat_id=chat_id, text=out_of_reach(t))
        return
    async with services.sessions() as session, session.begin():
        pending_id = await import_chat.remember(
            session, member_id, chat_id, shown.upload, services.clock.now(), shown.review
        )
    messages = preview_messages(shown.result, name, t, past)
    rows = [
        (
            Button("✅ " + t.gettext(_("Confirm")), f"imp:ok:{pending_id}"),
            Button("✖️ " + t.gettext(_("Cancel")), f"imp:no:{pending_id}"),
        ),
    ]
    rows.insert(0, (Button("📍 " + t.gettext(_("Change jurisdiction")), f"impj:{pending_id}"),))
    if any(plan.past for plan in shown.result.plans):
        rows.insert(0, past_buttons(pending_id, past, t))
    if shown.review is not None:
        label = t.ngettext(
            "🔍 Review {count} item first",
            "🔍 Review {count} items first",
            len(shown.review.entries),
        )
        rows.insert(0, (Button(label, f"imr:{pending_id}:go"),))
    buttons = keyboard(tuple(rows))
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        await bot.send_message(chat_id=chat_id, text=text, reply_markup=buttons if last else None)


PAST_PRESS = re.compile(r"impp:(\d{1,12}):(ask|done|skip)")
PAST_LABELS = {"ask": _("Ask once"), "done": _("Record as done"), "skip": _("Leave out")}


def past_buttons(pending_id: int, chosen: str, t: Translator) -> tuple[Button, ...]:
    """What to do with past deadlines: the current choice ticked."""
    return tuple(
        Button(("✔️ " if choice == chosen else "") + t.gettext(label), f"impp:{pending_id}:{choice}")
        for choice, label in PAST_LABELS.items()
    )


async def past_pressed(update: Update, context: BotContext) -> None:
    """impp:<pending id>:<choice> — what Confirm does with the deadlines that passed."""
    query = update.callback_query
    await query.answer()
    match = read_button(PAST_PRESS, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        upload = None
        if match is not None:
            upload = await import_chat.choose_past(
                tr.session,
                int(match.group(1)),
                tr.member.id,
                match.group(2),
                context.services.clock.now(),
            )
    if upload is None:
        await context.bot.send_message(
            chat_id=update.effective_chat.id,
            text=t.gettext(_("This import is no longer waiting. Please send the file again.")),
        )
        return
    markup = query.message.reply_markup if query.message else None
    if markup is None:
        return
    pending_id = int(match.group(1))
    rows = [
        past_buttons(pending_id, upload.past, t)
        if any(b.callback_data and b.callback_data.startswith("impp:") for b in row)
        else tuple(Button(b.text, b.callback_data or "") for b in row)
        for row in markup.inline_keyboard
    ]
    try:
        await query.edit_message_reply_markup(reply_markup=keyboard(tuple(rows)))
    except TelegramError:
        log.debug("could not tick the past-deadline choice", exc_info=True)


async def import_pressed(update: Update, context: BotContext) -> None:
    """imp:ok:<pending id> imports the previewed file; imp:no:<pending id> drops it."""
    query = update.callback_query
    match = read_button(PRESS, query.data)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        upload = None
        if match is not None:
            upload = await import_chat.claim(
                tr.session, int(match.group(2)), tr.member.id, context.services.clock.now()
            )
        reach = await import_chat.reach_of(tr.session, tr.member.id)
    if upload is None:
        await query.answer(
            t.gettext(_("This import is no longer waiting. Please send the file again.")),
            show_alert=True,
        )
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError:
        log.debug("could not remove the import buttons", exc_info=True)
    chat_id = update.effective_chat.id
    if match.group(1) == "no":
        await context.bot.send_message(
            chat_id=chat_id, text=t.gettext(_("Import cancelled. Nothing was written."))
        )
        return
    await context.bot.send_chat_action(chat_id=chat_id, action="typing")
    data = await download(context, upload.file_id)
    try:
        result = await import_chat.confirm(context.services, upload, data, reach)
    except DocumentError as exc:
        text = document_error(exc.reason, t)
    except OutOfReach:
        text = out_of_reach(t)
    else:
        text = imported_message(result, upload.file_name, t)
    await context.bot.send_message(chat_id=chat_id, text=text)


def out_of_reach(t: Translator) -> str:
    """The refusal of an import into (or over a plan of) a jurisdiction outside the office."""
    return t.gettext(
        _(
            "Your office cannot import into that jurisdiction or change its plans. "
            "Nothing was changed."
        )
    )


PLACE_PRESS = re.compile(r"impj:(\d{1,12})(?::(\d{1,10}))?")


async def place_pressed(update: Update, context: BotContext) -> None:
    """impj:<pending id> lists the jurisdictions the office reaches; impj:<pending id>:<id>
    makes one the plan's and shows the preview again."""
    query = update.callback_query
    await query.answer()
    match = read_button(PLACE_PRESS, query.data)
    now = context.services.clock.now()
    async with turn(update, context) as tr:
        if tr is None:
            return
        t, member_id, chat_id = tr.t, tr.member.id, tr.sender.chat_id
        places: list[tuple[int, str]] | None = None
        upload: import_chat.Upload | None = None
        refused = False
        if match is not None and match.group(2) is None:
            places = await import_chat.places_to_choose(
                tr.session, int(match.group(1)), member_id, now
            )
        elif match is not None:
            try:
                upload = await import_chat.choose_place(
                    tr.session, int(match.group(1)), member_id, int(match.group(2)), now
                )
            except OutOfReach:
                refused = True
    if refused:
        await context.bot.send_message(chat_id=chat_id, text=out_of_reach(t))
        return
    if places:
        rows = tuple(
            (Button(f"📍 {place}", f"impj:{match.group(1)}:{place_id}"),)
            for place_id, place in places
        )
        text = t.gettext(_("Choose the jurisdiction of this plan:"))
        await context.bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard(rows))
        return
    if upload is None:
        await context.bot.send_message(
            chat_id=chat_id,
            text=t.gettext(_("This import is no longer waiting. Please send the file again.")),
        )
        return
    await resend_preview(context, upload, member_id, chat_id, t)


async def resend_preview(
    context: BotContext, upload: import_chat.Upload, member_id: int, chat_id: int, t: Translator
) -> None:
    """The new preview, with the decisions applied, and Confirm / Cancel under it."""
    await context.bot.send_chat_action(chat_id=chat_id, action="typing")
    data = await download(context, upload.file_id)
    await send_preview(
        context,
        data,
        upload.file_id,
        upload.file_name,
        member_id,
        chat_id,
        t,
        upload.decisions,
        upload.past,
        upload.place,
    )
