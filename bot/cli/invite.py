"""`dutybot invite UNIT [--role liaison|coordinator]`: print a single-use deep link."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from typing import Any

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.invites.links import create_invite, deep_link
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.units.lookup import find_unit, suggest_units
from handlers.bot_identity import BotApiError, fetch_username
from storage.models import Role


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("invite", help="make a single-use invite link for a unit")
    parser.add_argument("unit", nargs="?", help="unit name or alias (not needed for coordinators)")
    parser.add_argument("--role", choices=["liaison", "coordinator", "admin"], default="liaison")
    parser.add_argument("--days", type=int, default=7, help="days until the link expires")
    parser.add_argument(
        "--jurisdiction",
        metavar="PLACE",
        help="a coordinator's office (default: the top one); a unit's jurisdiction is the "
        "one it belongs to (with it, UNIT is looked up there)",
    )
    parser.set_defaults(handler=run_invite)


def bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.token is None:
        raise CommandError(
            "cannot build the link: set DUTYBOT_BOT_USERNAME (or DUTYBOT_TOKEN to ask Telegram)"
        )

    try:
        return asyncio.run(fetch_username(settings))
    except BotApiError as exc:
        raise CommandError(f"cannot ask the Bot API for the bot's name: {exc}") from None


def run_invite(args: argparse.Namespace, settings: Settings) -> int:
    role = Role(args.role)
    if role is Role.LIAISON and not args.unit:
        raise CommandError("a liaison invite needs a unit: dutybot invite UNIT")
    if not 1 <= args.days <= 90:
        raise CommandError("--days must be between 1 and 90")
    username = bot_username(settings)

    async def work(services: Services) -> str:
        async with services.sessions() as session, session.begin():
            tree = await load_tree(session)
            place = tree.by_name(args.jurisdiction) if args.jurisdiction else None
            if args.jurisdiction and place is None:
                raise CommandError(
                    f"unknown jurisdiction {args.jurisdiction!r}; see `dutybot jurisdictions`"
                )
            scope = place.id if place else None
            unit = await find_unit(session, args.unit, scope) if args.unit else None
            if args.unit and unit is None:
                hints = await suggest_units(session, args.unit)
                hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
                raise CommandError(f"unknown unit {args.unit!r}{hint}; see `dutybot units`")
            new = await create_invite(
                session,
                services.clock,
                role,
                unit,
                ttl=timedelta(days=args.days),
                jurisdiction_id=scope,
            )
            return deep_link(username, new.token)

    link = with_services(settings, work)
    console.print(link)
    return 0
