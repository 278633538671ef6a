"""`dutybot jurisdictions`, `dutybot jurisdictions add NAME [--level L] [--parent P]`: the
tree of offices one deployment serves (a city and its districts)."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.jurisdictions.tree import JurisdictionRow, add_jurisdiction, list_jurisdictions
from storage.enums import JurisdictionLevel


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "jurisdictions", help="list the jurisdictions (a city and its districts), or add one"
    )
    parser.set_defaults(handler=run_list)
    actions = parser.add_subparsers(dest="jurisdictions_command", metavar="ACTION")
    add = actions.add_parser("add", help="add a jurisdiction (or put one under a parent)")
    add.add_argument("name", help="the place, as documents print it (杨陵区)")
    add.add_argument(
        "--level",
        choices=[level.value for level in JurisdictionLevel],
        help="default: read from the name (…市 city, …区 district, …县 county)",
    )
    add.add_argument("--parent", help="the jurisdiction it belongs to (a district's city)")
    add.set_defaults(handler=run_add)


def run_list(_args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> list[JurisdictionRow]:
        async with services.sessions() as session:
            return await list_jurisdictions(session)

    rows = with_services(settings, work)
    table = Table(title="jurisdictions")
    for column in ("jurisdiction", "level", "units", "plans", "coordinators"):
        table.add_column(column, justify="left" if column in ("jurisdiction", "level") else "right")
    for row in rows:
        table.add_row(
            "  " * row.depth + escape(row.name),
            row.level.value,
            str(row.units),
            str(row.plans),
            str(row.coordinators),
        )
    console.print(table)
    return 0


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> str:
        async with services.sessions() as session, session.begin():
            try:
                return await add_jurisdiction(
                    session,
                    services.clock.now(),
                    args.name,
                    level=JurisdictionLevel(args.level) if args.level else None,
                    parent=args.parent,
                )
            except LookupError as exc:
                raise CommandError(str(exc)) from None

    console.print(with_services(settings, work))
    return 0
