"""`dutybot statutory`: the built-in national duties, switched on/off, re-dated, re-bound."""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.statutory import save_override, stored_overrides
from scheduling.statutory import StatutoryError, StatutoryOverride, load_statutory


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("statutory", help="the built-in statutory calendar")
    actions = parser.add_subparsers(dest="statutory_command", metavar="ACTION")
    parser.set_defaults(handler=run_list)
    for name, help_text in (("on", "switch an entry on"), ("off", "switch an entry off")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("key")
        action.set_defaults(handler=run_switch, enabled=name == "on")
    redate = actions.add_parser("redate", help="move a yearly date (e.g. --month 2 --day 28)")
    redate.add_argument("key")
    redate.add_argument("--month", type=int, required=True)
    redate.add_argument("--day", type=int, required=True)
    redate.set_defaults(handler=run_redate)
    bind = actions.add_parser("bind", help="bind an entry to other unit groups")
    bind.add_argument("key")
    bind.add_argument("groups", nargs="+")
    bind.set_defaults(handler=run_bind)


def run_list(_args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> list[Any]:
        async with services.sessions() as session:
            return load_statutory(await stored_overrides(session))

    entries = with_services(settings, work)
    table = Table(title="Statutory calendar")
    for column in ("key", "on", "duty", "rule", "groups", "cites"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            entry.key,
            "yes" if entry.enabled else "no",
            entry.title_zh,
            f"{entry.kind.value} {entry.params}",
            "、".join(entry.groups),
            entry.cites_zh[:80],
        )
    console.print(table)
    return 0


def _save(settings: Settings, override: StatutoryOverride) -> None:
    async def work(services: Services) -> None:
        async with services.sessions() as session, session.begin():
            await save_override(session, override, services.clock.now())

    try:
        with_services(settings, work)
    except StatutoryError as exc:
        raise CommandError(str(exc)) from None
    console.print(f"{override.key}: saved; the bot applies it at its next planning run")


def run_switch(args: argparse.Namespace, settings: Settings) -> int:
    _save(settings, StatutoryOverride(key=args.key, enabled=args.enabled))
    return 0


def run_redate(args: argparse.Namespace, settings: Settings) -> int:
    _save(settings, StatutoryOverride(key=args.key, params={"month": args.month, "day": args.day}))
    return 0


def run_bind(args: argparse.Namespace, settings: Settings) -> int:
    _save(settings, StatutoryOverride(key=args.key, groups=tuple(args.groups)))
    return 0
