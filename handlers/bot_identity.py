"""Asking the Bot API who the bot is (getMe), for the command line's invite links."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings
from bot.text import shorten

# How python-telegram-bot introduces the body of a reply that is not the Bot API's JSON.
_NOT_JSON = "Parsing the server response"
ERROR_LIMIT = 160


class BotApiError(Exception):
    """The Bot API did not say who the bot is; the message is one line for a terminal."""


async def fetch_username(settings: Settings) -> str:
    """The bot's @username, asked with the configured token and server."""
    assert settings.token is not None, "the caller checks for a token"
    bot = Bot(
        settings.token.get_secret_value(),
        base_url=settings.bot_base_url,
        base_file_url=settings.bot_file_url,
    )
    # python-telegram-bot logs a reply it cannot read with a traceback before raising; the
    # one line of BotApiError says the same to the person at the terminal.
    library_log = logging.getLogger("telegram.request")
    level = library_log.level
    library_log.setLevel(logging.CRITICAL)
    try:
        async with bot:
            return bot.username
    except TelegramError as exc:
        raise BotApiError(_one_line(exc)) from None
    finally:
        library_log.setLevel(level)


def _one_line(exc: Exception) -> str:
    """The error in one line, without the web page a wrong DUTYBOT_API_URL answers with."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if _NOT_JSON in text:
        status = text.split(_NOT_JSON)[0].strip().rstrip(".")
        return f"{status}, and not in the Bot API's JSON (check DUTYBOT_API_URL)"
    return shorten(text, ERROR_LIMIT)
