"""`dutybot invite UNIT [--role liaison|coordinator]`: print a single-use deep link."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.text import shorten
from bot.usecases.invites.links import create_invite, deep_link
from bot.usecases.units.lookup import find_unit, suggest_units
from storage.models import Role


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("invite", help="make a single-use invite link for a unit")
    parser.add_argument("unit", nargs="?", help="unit name or alias (not needed for coordinators)")
    parser.add_argument("--role", choices=["liaison", "coordinator", "admin"], default="liaison")
    parser.add_argument("--days", type=int, default=7, help="days until the link expires")
    parser.set_defaults(handler=run_invite)


def bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.token is None:
        raise CommandError(
            "cannot build the link: set DUTYBOT_BOT_USERNAME (or DUTYBOT_TOKEN to ask Telegram)"
        )

    async def ask() -> str:
        bot = Bot(
            settings.token.get_secret_value(),
            base_url=settings.bot_base_url,
            base_file_url=settings.bot_file_url,
        )
        async with bot:
            return bot.username

    # python-telegram-bot logs a reply it cannot read with a traceback before raising; the
    # one line below says the same to the person at the terminal.
    library_log = logging.getLogger("telegram.request")
    level = library_log.level
    library_log.setLevel(logging.CRITICAL)
    try:
        return asyncio.run(ask())
    except TelegramError as exc:
        raise CommandError(f"cannot ask the Bot API for the bot's name: {_short(exc)}") from None
    finally:
        library_log.setLevel(level)


# How python-telegram-bot introduces the body of a reply that is not the Bot API's JSON.
_NOT_JSON = "Parsing the server response"


def _short(exc: Exception, limit: int = 160) -> str:
    """The error in one line, without the web page a wrong DUTYBOT_API_URL answers with."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if _NOT_JSON in text:
        status = text.split(_NOT_JSON)[0].strip().rstrip(".")
        return f"{status}, and not in the Bot API's JSON (check DUTYBOT_API_URL)"
    return shorten(text, limit)


def run_invite(args: argparse.Namespace, settings: Settings) -> int:
    role = Role(args.role)
    if role is Role.LIAISON and not args.unit:
        raise CommandError("a liaison invite needs a unit: dutybot invite UNIT")
    if not 1 <= args.days <= 90:
        raise CommandError("--days must be between 1 and 90")
    username = bot_username(settings)

    async def work(services: Services) -> str:
        async with services.sessions() as session, session.begin():
            unit = await find_unit(session, args.unit) if args.unit else None
            if args.unit and unit is None:
                hints = await suggest_units(session, args.unit)
                hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
                raise CommandError(f"unknown unit {args.unit!r}{hint}; see `dutybot units`")
            new = await create_invite(
                session, services.clock, role, unit, ttl=timedelta(days=args.days)
            )
            return deep_link(username, new.token)

    link = with_services(settings, work)
    console.print(link)
    return 0
