"""/groups and /units: a coordinator's unit and group chores from the chat.

Lists and cards come with buttons (`og:…` for groups, `ou:…` for units); a name to type (a
new group's, units to add, the unit to merge into) is asked for and taken from the next
message in the private chat (group -1, before the generic text handler). Every change runs
in its own transaction behind the planning lock, after the turn that checked who asks, and
the duties it touches are planned again at once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import ForceReply, Update
from telegram.ext import ApplicationHandlerStop

from bot.clock import local_date
from bot.i18n import Translator, _
from bot.render import office as render
from bot.services import Services
from bot.usecases.members.directory import is_coordinator
from bot.usecases.members.pending import expect
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.replan import replan
from bot.usecases.units import office
from handlers.callback_data import read_button
from handlers.common import turn
from handlers.context import BotContext
from handlers.edits import edit_in_place
from handlers.import_review import typed_name
from handlers.telegram_sender import keyboard
from storage.models import PendingInput

PENDING_KIND = "office"
BUTTON = re.compile(r"o([gu]):([lvnarxkm])(?::(\d{1,10}))?(?::(\d{1,10}|[a-z_]{1,16}))?")


def _only_coordinators(t: Translator) -> str:
    return t.gettext(_("Only coordinators can manage units and groups."))


async def _in_lock(services: Services, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run a change behind the planning lock, in its own transaction."""
    async with services.sessions() as session, session.begin():
        await write_lock(session)
        return await work(session)


async def _planned(session: AsyncSession, services: Services, duty_ids: Any) -> int:
    report = await replan(session, services, list(duty_ids))
    return report.assignments if report else 0


async def groups_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        if not await is_coordinator(tr.session, tr.member.id):
            text, rows = _only_coordinators(t), ()
        else:
            text, rows = render.render_groups(await office.group_lines(tr.session), 0, t)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def units_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        if not await is_coordinator(tr.session, tr.member.id):
            text, rows = _only_coordinators(t), ()
        else:
            units, unresolved = await office.units_to_review(tr.session)
            text, rows = render.render_review(units, unresolved, 0, t)
    await update.effective_message.reply_text(text, reply_markup=keyboard(rows))


async def office_pressed(update: Update, context: BotContext) -> None:
    """Every `og:`/`ou:` button: lists, cards, a kind chosen, a member taken out, and the
    questions that wait for a typed name."""
    query = update.callback_query
    match = read_button(BUTTON, query.data)
    services = context.services
    now = services.clock.now()
    today = local_date(now, services.settings.zone)
    ask: str | None = None
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        allowed = await is_coordinator(tr.session, tr.member.id)
        if match is None or not allowed:
            await query.answer(_only_coordinators(t), show_alert=True)
            return
        area, action, first, second = match.groups()
        number = int(first) if first and first.isdigit() else 0
        text, rows = "", ()
        if area == "g" and action == "l":
            text, rows = render.render_groups(await office.group_lines(tr.session), number, t)
        elif area == "g" and action in "vr":
            view = await office.group_view(tr.session, number)
            if view is not None:
                text, rows = render.render_group(view, t, removing=action == "r")
        elif area == "g" and action == "n":
            await expect(
                tr.session, tr.member.id, tr.sender.chat_id, PENDING_KIND, {"do": "new"}, now
            )
            ask = render.ask_group_name_text(t)
        elif area == "g" and action == "a":
            view = await office.group_view(tr.session, number)
            if view is not None:
                payload = {"do": "add", "group": view.id}
                await expect(
                    tr.session, tr.member.id, tr.sender.chat_id, PENDING_KIND, payload, now
                )
                ask = render.ask_units_text(view.name, t)
        elif area == "u" and action == "l":
            units, unresolved = await office.units_to_review(tr.session)
            text, rows = render.render_review(units, unresolved, number, t)
        elif area == "u" and action == "v":
            unit = await office.unit_view(tr.session, number)
            if unit is not None:
                text, rows = render.render_unit(unit, t)
        elif area == "u" and action == "m":
            unit = await office.unit_view(tr.session, number)
            if unit is not None:
                payload = {"do": "merge", "unit": unit.id}
                await expect(
                    tr.session, tr.member.id, tr.sender.chat_id, PENDING_KIND, payload, now
                )
                ask = render.ask_merge_text(unit.name, t)
    if area == "g" and action == "x" and second and second.isdigit():
        text, rows = await _take_out(services, number, int(second), t, now, today)
    elif area == "u" and action == "k" and second:
        text, rows = await _set_kind(services, number, second, t)
    await query.answer()
    if ask is not None:
        await query.message.reply_text(ask, reply_markup=ForceReply(selective=True))
    elif text:
        await edit_in_place(query, text, keyboard(rows))
    else:
        await query.message.reply_text(render.refusal_text(office.OfficeRefused("gone"), t))


async def _take_out(
    services: Services, group_id: int, unit_id: int, t: Translator, now: Any, today: Any
) -> tuple[str, render.Rows]:
    async def work(session: AsyncSession) -> tuple[str, render.Rows]:
        try:
            change = await office.change_members(
                session, group_id, add=False, now=now, today=today, unit_ids=[unit_id]
            )
        except office.OfficeRefused as refused:
            return render.refusal_text(refused, t), ()
        planned = await _planned(session, services, change.duty_ids)
        view = await office.group_view(session, group_id)
        text, rows = render.render_group(view, t, removing=True) if view else ("", ())
        return render.change_text(change, False, planned, t) + "\n\n" + text, rows

    return await _in_lock(services, work)


async def _set_kind(
    services: Services, unit_id: int, kind: str, t: Translator
) -> tuple[str, render.Rows]:
    async def work(session: AsyncSession) -> tuple[str, render.Rows]:
        try:
            outcome = await office.set_kind(session, unit_id, kind)
        except office.OfficeRefused as refused:
            return render.refusal_text(refused, t), ()
        planned = await _planned(session, services, outcome.duty_ids)
        view = await office.unit_view(session, unit_id)
        text, rows = render.render_unit(view, t) if view else ("", ())
        return render.kind_text(outcome, planned, t) + "\n\n" + text, rows

    return await _in_lock(services, work)


async def _awaited(
    session: AsyncSession, member_id: int, chat_id: int, now: Any
) -> PendingInput | None:
    """The office question this chat's next message answers, taken (used once)."""
    pending = await session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == member_id,
            PendingInput.chat_id == chat_id,
            PendingInput.kind == PENDING_KIND,
        )
    )
    if pending is None:
        return None
    await session.execute(delete(PendingInput).where(PendingInput.id == pending.id))
    return pending if pending.expires_at > now else None


async def typed_answer(update: Update, context: BotContext) -> None:
    """A name typed for /groups or /units; any other message is left to the next handlers."""
    message = update.effective_message
    if message is None or not message.text:
        return
    services = context.services
    now = services.clock.now()
    today = local_date(now, services.settings.zone)
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        pending = await _awaited(tr.session, tr.member.id, tr.sender.chat_id, now)
        if pending is None:
            return
        allowed = await is_coordinator(tr.session, tr.member.id)
        payload = dict(pending.payload or {})
    if not allowed:
        await message.reply_text(_only_coordinators(t))
        raise ApplicationHandlerStop

    async def work(session: AsyncSession) -> tuple[str, render.Rows]:
        try:
            if payload.get("do") == "new":
                view = await office.create_group(session, message.text, now)
                await _planned(session, services, [])  # duties printing the name are bound
                return render.render_group(view, t)
            if payload.get("do") == "add":
                names = office.split_names(message.text)
                change = await office.change_members(
                    session, int(payload["group"]), add=True, now=now, today=today, unit_names=names
                )
                planned = await _planned(session, services, change.duty_ids)
                view = await office.group_view(session, int(payload["group"]))
                text, rows = render.render_group(view, t) if view else ("", ())
                return render.change_text(change, True, planned, t) + "\n\n" + text, rows
            if payload.get("do") == "merge":
                outcome = await office.merge_into(session, int(payload["unit"]), message.text)
                planned = await _planned(session, services, outcome.duty_ids)
                units, unresolved = await office.units_to_review(session)
                text, rows = render.render_review(units, unresolved, 0, t)
                return render.merge_text(outcome, planned, t) + "\n\n" + text, rows
        except office.OfficeRefused as refused:
            return render.refusal_text(refused, t), ()
        return render.refusal_text(office.OfficeRefused("gone"), t), ()

    text, rows = await _in_lock(services, work)
    await message.reply_text(text, reply_markup=keyboard(rows))
    raise ApplicationHandlerStop


async def typed_in_private(update: Update, context: BotContext) -> None:
    """A private text that may answer an office question, else an import review's."""
    await typed_answer(update, context)  # stops the update when it was the answer
    await typed_name(update, context)
