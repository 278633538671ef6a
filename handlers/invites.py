"""Invites and roles in chat: /start <token>, /invite, /whoami, /unbind."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update

from bot.i18n import Translator, _
from bot.usecases.invites.links import (
    DEFAULT_TTL,
    RedeemOutcome,
    RedeemResult,
    create_invite,
    deep_link,
    looks_like_token,
    redeem_invite,
)
from bot.usecases.members.directory import bindings_view, is_coordinator, unbind
from bot.usecases.planning.plan import plan_outbox
from bot.usecases.units.lookup import find_unit, suggest_units
from handlers.board import set_board_menu
from handlers.common import Turn, turn
from handlers.context import BotContext
from storage.ids import BIG_ID_MAX, parse_id
from storage.models import Role

log = logging.getLogger(__name__)


ROLE_NAMES = {
    Role.LIAISON: _("liaison"),
    Role.COORDINATOR: _("coordinator"),
    Role.ADMIN: _("administrator"),
}


def role_name(role: Role, t: Translator) -> str:
    return t.gettext(ROLE_NAMES[role])


def redeem_text(result: RedeemResult, t: Translator) -> str:
    if result.outcome is RedeemOutcome.ALREADY and result.role is Role.LIAISON:
        return t.gettext(
            _("✅ You are already a liaison of {unit}. Send /mytasks to see its duties."),
            unit=result.unit_name,
        )
    if result.outcome is RedeemOutcome.ENDED:
        assert result.used_at is not None
        return t.gettext(
            _(
                "You used this invite link on {date}, and that binding has been removed since. "
                "The link works only once: please ask the coordinator for a new one."
            ),
            date=t.datetime(result.used_at),
        )
    if result.outcome in (RedeemOutcome.BOUND, RedeemOutcome.ALREADY):
        assert result.role is not None
        if result.role is Role.LIAISON:
            return t.gettext(
                _(
                    "✅ You are now a liaison of {unit}. Reminders for its duties will come "
                    "here. Send /mytasks to see them."
                ),
                unit=result.unit_name,
            )
        return t.gettext(
            _(
                "✅ You are now a {role} of the office. /status shows every unit, /digest the "
                "weekly digest, /invite UNIT makes an invite link."
            ),
            role=role_name(result.role, t),
        )
    if result.outcome is RedeemOutcome.USED:
        return t.gettext(
            _("This invite link has already been used. Please ask the coordinator for a new one.")
        )
    if result.outcome is RedeemOutcome.EXPIRED:
        return t.gettext(
            _("This invite link has expired. Please ask the coordinator for a new one.")
        )
    return t.gettext(
        _("This invite link is not valid. Please check it, or ask the coordinator for a new one.")
    )


def locked_text(until: datetime, t: Translator) -> str:
    return t.gettext(
        _(
            "Too many invite links that did not work. For safety I will not check invite links "
            "from you until {time}. Please ask the coordinator for a new link."
        ),
        time=t.datetime(until),
    )


async def start_with_token(update: Update, context: BotContext, token: str) -> None:
    guard = context.runtime.invite_guard
    clock = context.services.clock
    menu = False
    async with turn(update, context) as tr:
        if tr is None:
            return
        user_id = tr.sender.user_id
        locked = guard.locked_until(user_id, clock.now())
        if locked is not None:
            text = locked_text(locked, tr.t)
        else:
            result = await _redeem(tr, context, token)
            text = redeem_text(result, tr.t)
            menu = result.outcome is RedeemOutcome.BOUND and result.role is Role.COORDINATOR
            if result.outcome is RedeemOutcome.INVALID:
                locked = guard.failed(user_id, clock.now())
                if locked is not None:
                    log.warning("user %s tried too many invalid invite tokens", user_id)
                    text = locked_text(locked, tr.t)
            elif result.outcome in (RedeemOutcome.BOUND, RedeemOutcome.ALREADY):
                guard.succeeded(user_id)
        menu = menu and tr.sender.chat_is_private
        locale = tr.t.locale
    await update.effective_message.reply_text(text)
    if menu:  # a new coordinator's menu button opens the board
        await set_board_menu(context, update.effective_chat.id, locale)


async def _redeem(tr: Turn, context: BotContext, token: str) -> RedeemResult:
    if not looks_like_token(token):
        return RedeemResult(RedeemOutcome.INVALID)
    services = context.services
    result = await redeem_invite(tr.session, services.clock, tr.member, token, tr.sender.chat_id)
    if result.outcome is RedeemOutcome.BOUND and result.unit_id is not None:
        await plan_outbox(
            tr.session,
            services.clock.now(),
            services.settings,
            services.calendar,
            unit_ids=[result.unit_id],
        )
    return result


async def invite(update: Update, context: BotContext) -> None:
    """/invite UNIT [liaison|coordinator] — coordinators only."""
    args = context.args or []
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        if not await is_coordinator(tr.session, tr.member.id):
            text = t.gettext(_("Only coordinators can do this."))
        elif not args:
            text = t.gettext(_("Usage: /invite UNIT [liaison|coordinator]"))
        else:
            role = Role.LIAISON
            words = list(args)
            if words[-1].lower() in {"coordinator", "协调员"}:
                role = Role.COORDINATOR
                words.pop()
            elif words[-1].lower() in {"liaison", "联络员"}:
                words.pop()
            unit_name = " ".join(words)
            unit = await find_unit(tr.session, unit_name) if unit_name else None
            if role is Role.LIAISON and unit is None:
                hints = await suggest_units(tr.session, unit_name)
                text = t.gettext(_("I do not know the unit “{unit}”."), unit=unit_name)
                if hints:
                    text += "\n" + t.gettext(_("Did you mean: {names}"), names="、".join(hints))
            else:
                new = await create_invite(
                    tr.session, context.services.clock, role, unit, created_by=tr.member
                )
                link = deep_link(context.bot.username, new.token)
                text = t.gettext(
                    _(
                        "Invite for a {role}{unit}: {link}\nIt works once and expires on {date}. "
                        "Send it to that person only."
                    ),
                    role=role_name(role, t),
                    unit=f" ({unit.name})" if unit else "",
                    link=link,
                    date=t.datetime(context.services.clock.now() + DEFAULT_TTL),
                )
    await update.effective_message.reply_text(text)


async def whoami(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        views = await bindings_view(tr.session, tr.member.id)
        lines = [
            t.gettext(
                _("You are {name} (Telegram id {id})."), name=tr.member.name, id=tr.sender.user_id
            )
        ]
        if not views:
            lines.append(
                t.gettext(
                    _("You are not bound to any unit yet. Open the invite link you were sent.")
                )
            )
        for view in views:
            where = (
                t.gettext(_("this chat"))
                if view.chat_id == tr.sender.chat_id
                else t.gettext(_("a group chat"))
                if (view.chat_id or 0) < 0
                else t.gettext(_("private chat"))
            )
            if view.unit_name:
                lines.append(f"• {view.unit_name} — {role_name(view.role, t)} ({where})")
            else:
                lines.append(f"• {role_name(view.role, t)} ({where})")
        text = "\n".join(lines)
    await update.effective_message.reply_text(text)


async def unbind_command(update: Update, context: BotContext) -> None:
    """/unbind TELEGRAM_ID [UNIT] — coordinators only."""
    args = context.args or []
    user_id = parse_id(args[0], BIG_ID_MAX) if args else None
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        if not await is_coordinator(tr.session, tr.member.id):
            text = t.gettext(_("Only coordinators can do this."))
        elif user_id is None:
            text = t.gettext(_("Usage: /unbind TELEGRAM_ID [UNIT]"))
        else:
            unit = await find_unit(tr.session, " ".join(args[1:])) if len(args) > 1 else None
            if len(args) > 1 and unit is None:
                text = t.gettext(_("I do not know the unit “{unit}”."), unit=" ".join(args[1:]))
            else:
                count = await unbind(tr.session, user_id, unit.id if unit else None)
                text = t.ngettext("Removed {count} binding.", "Removed {count} bindings.", count)
    await update.effective_message.reply_text(text)
