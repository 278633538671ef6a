"""/mytasks, its pages and filters, and the duty card."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import MaybeInaccessibleMessage, Message, Update
from telegram.error import BadRequest

from bot.i18n import _
from bot.render.group_prompts import evidence_hint
from bot.render.rules import explain_stored_rule
from bot.render.tasks import not_bound_text, render_card, render_task_page
from bot.text import shorten
from bot.usecases.members.pending import remember_message
from bot.usecases.status.changes import load_assignment, may_act
from bot.usecases.status.events import event_duties
from bot.usecases.tasks.lists import DutyCard, TaskFilter, duty_card, liaison_unit_ids, task_page
from handlers.basics import stale_button
from handlers.callback_data import read_button
from handlers.common import Turn, turn
from handlers.context import BotContext
from handlers.edits import edit_in_place
from handlers.telegram_sender import keyboard

CARD_DATA = re.compile(r"c:(\d{1,12})")
DUTY_BUTTON = re.compile(r"(s:[a-z]{1,2}|v):(\d{1,12})")  # a card's buttons, all about one duty
PAGE_DATA = re.compile(r"t:(\w{1,16}):(\d{1,6})")
FILTERS = {f.value for f in TaskFilter}
MESSAGE_LIMIT = 4096


@dataclass(frozen=True)
class CardEdit:
    """A duty card to show again in the message it is in, after a change."""

    chat_id: int
    message_id: int
    text: str
    markup: object


FILTER_WORDS = {
    "overdue": TaskFilter.OVERDUE,
    "逾期": TaskFilter.OVERDUE,
    "month": TaskFilter.MONTH,
    "本月": TaskFilter.MONTH,
    "all": TaskFilter.ALL,
    "全部": TaskFilter.ALL,
    "done": TaskFilter.DONE,
    "已完成": TaskFilter.DONE,
    "open": TaskFilter.OPEN,
    "ongoing": TaskFilter.ONGOING,
    "长期": TaskFilter.ONGOING,
}


async def _page_reply(
    tr: Turn, context: BotContext, task_filter: TaskFilter, page: int
) -> tuple[str, object]:
    unit_ids = await liaison_unit_ids(tr.session, tr.member.id)
    if not unit_ids:
        return not_bound_text(tr.t), None
    today = context.services.today()
    result = await task_page(tr.session, unit_ids, task_filter, today, page)
    events = len(await event_duties(tr.session, unit_ids))
    text, buttons = render_task_page(result, today, tr.t, events)
    return text, keyboard(buttons)


async def mytasks(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []]
    task_filter = FILTER_WORDS.get(args[0], TaskFilter.OPEN) if args else TaskFilter.OPEN
    async with turn(update, context) as tr:
        if tr is None:
            return
        if args and args[0] not in FILTER_WORDS:
            text, markup = (
                tr.t.gettext(_("Usage: /mytasks [overdue|month|all|done]")),
                None,
            )
        else:
            text, markup = await _page_reply(tr, context, task_filter, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def page_pressed(update: Update, context: BotContext) -> None:
    """t:<filter>:<page> — edit the list in place."""
    query = update.callback_query
    match = read_button(PAGE_DATA, query.data)
    if match is None or match.group(1) not in FILTERS:
        await stale_button(update, context)
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        text, markup = await _page_reply(tr, context, TaskFilter(match.group(1)), int(match[2]))
    await query.answer()
    if query.message is not None:
        await edit_in_place(query, text, markup)


async def card_text(tr: Turn, context: BotContext, card: DutyCard) -> tuple[str, object]:
    rule_texts = [explain_stored_rule(r.kind, r.phrase, r.params, tr.t) for r in card.rules]
    text, buttons = render_card(card, context.services.today(), tr.t, rule_texts)
    if not tr.sender.chat_is_private:  # privacy mode: evidence reaches the bot as a reply
        hint = evidence_hint(tr.t)
        text = f"{shorten(text, MESSAGE_LIMIT - len(hint) - 2)}\n\n{hint}"
    return text, keyboard(buttons)


def card_of_message(message: MaybeInaccessibleMessage | None) -> int | None:
    """The duty a bot message is the card of: a duty card, or a reminder about one duty
    that carries the card's buttons (all of them about that duty, a "note" among them).
    None for anything else: a reminder that lists several duties (also one sent before
    buttons had words, with a row of icons per duty), a question, a confirmation."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    data = [button.callback_data for row in message.reply_markup.inline_keyboard for button in row]
    matches = [read_button(DUTY_BUTTON, d) if isinstance(d, str) else None for d in data]
    duties = {int(m.group(2)) for m in matches if m is not None}
    if None in matches or len(duties) != 1 or not any(m and m.group(1) == "s:n" for m in matches):
        return None
    return duties.pop()


async def refreshed_card(
    tr: Turn, context: BotContext, message: MaybeInaccessibleMessage | None, assignment_id: int
) -> CardEdit | None:
    """The card's new text and buttons for `message`, when it is the card of that duty."""
    if not isinstance(message, Message) or card_of_message(message) != assignment_id:
        return None
    card = await duty_card(tr.session, assignment_id)
    if card is None:
        return None
    text, markup = await card_text(tr, context, card)
    return CardEdit(message.chat_id, message.message_id, text, markup)


async def show_card(context: BotContext, edit: CardEdit) -> None:
    """Edit the card in place; a card that already says this ("message is not modified")
    or that is gone is no error."""
    try:
        await context.bot.edit_message_text(
            edit.text, chat_id=edit.chat_id, message_id=edit.message_id, reply_markup=edit.markup
        )
    except BadRequest as exc:
        wording = str(exc).lower()
        if "not modified" not in wording and "message to edit not found" not in wording:
            raise


async def may_view(tr: Turn, assignment_id: int) -> bool:
    assignment = await load_assignment(tr.session, assignment_id)
    if assignment is None:
        return False
    # a liaison of its unit, or a coordinator whose office reaches the unit's jurisdiction
    return await may_act(tr.session, tr.member, assignment)


async def card_pressed(update: Update, context: BotContext) -> None:
    """c:<assignment id> — send the duty card (after checking who asks)."""
    query = update.callback_query
    match = read_button(CARD_DATA, query.data)
    if match is None:
        await stale_button(update, context)
        return
    assignment_id = int(match.group(1))
    async with turn(update, context) as tr:
        if tr is None:
            return
        card = (
            await duty_card(tr.session, assignment_id)
            if await may_view(tr, assignment_id)
            else None
        )
        if card is None:
            refusal = tr.t.gettext(_("You cannot open this duty."))
        else:
            refusal = None
            text, markup = await card_text(tr, context, card)
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    await query.answer()
    sent = await context.bot.send_message(
        chat_id=update.effective_chat.id, text=text, reply_markup=markup
    )
    async with context.services.sessions() as session, session.begin():
        await remember_message(
            session, sent.chat_id, sent.message_id, [assignment_id], context.services.clock.now()
        )
