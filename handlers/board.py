"""/board: a button that opens the board (the Mini App) in the private chat.

Coordinators also get the board as their chat's menu button. Telegram opens Mini App buttons
only in private chats, so in a group the bot says where to ask instead.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.constants import ChatType
from telegram.ext import Application

from bot.i18n import _
from bot.usecases.members.directory import is_coordinator
from bot.usecases.tasks.lists import liaison_unit_ids
from handlers.common import turn
from handlers.context import BotContext, runtime_of


def board_url(application: Application[Any, Any, Any, Any, Any, Any]) -> str | None:
    """The board's address for buttons, or None when this bot offers no board."""
    runtime = runtime_of(application)
    return runtime.board_url if runtime is not None else None


async def set_board_menu(context: BotContext, chat_id: int, locale: str) -> bool:
    """The chat's menu button opens the board (private chats of coordinators)."""
    server = context.runtime.web_server
    return server is not None and await server.set_menu(chat_id, locale)


async def board(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        coordinator = await is_coordinator(tr.session, tr.member.id)
        liaison = bool(await liaison_unit_ids(tr.session, tr.member.id))
    url = context.runtime.board_url
    markup = None
    if not coordinator and not liaison:
        text = t.gettext(_("Only coordinators and liaisons can open the board."))
    elif url is None:
        text = t.gettext(_("The board is not available on this server."))
    elif chat is None or chat.type != ChatType.PRIVATE:
        text = t.gettext(_("The board opens in your private chat with me: send /board there."))
    else:
        text = (
            t.gettext(
                _(
                    "Every unit's light, counts and next deadline, and each unit's duties "
                    "with who reported what: tap below. The menu button opens it too."
                )
            )
            if coordinator
            else t.gettext(
                _("Your unit's light, counts and duties, with who reported what: tap below.")
            )
        )
        label = "📊 " + t.gettext(_("Open the board"))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, web_app=WebAppInfo(url))]])
        if coordinator:
            await set_board_menu(context, chat.id, t.locale)
    await update.effective_message.reply_text(text, reply_markup=markup)
