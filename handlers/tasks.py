"""/mytasks, its pages and filters, and the duty card."""

from __future__ import annotations

import re

from telegram import Update

from bot.i18n import _
from bot.render.rules import explain_stored_rule
from bot.render.tasks import not_bound_text, render_card, render_task_page
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
PAGE_DATA = re.compile(r"t:(\w{1,16}):(\d{1,6})")
FILTERS = {f.value for f in TaskFilter}

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
    return text, keyboard(buttons)


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
