"""Editing a message in place when a button asks for it, without tripping on a replay."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery
from telegram.error import BadRequest


async def edit_in_place(query: CallbackQuery, text: str, markup: Any) -> None:
    """Show `text` in the pressed message; a press that changes nothing (the same page
    pressed twice, a replayed button) is no error: Telegram's "message is not modified"."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
