"""`dutybot groups`, `dutybot groups add|remove GROUP UNIT…`: who a collective name means."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.clock import local_date
from bot.services import Services
from bot.settings import Settings
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.replan import replan
from bot.usecases.units.admin import (
    GroupChange,
    GroupRow,
    UnitAdminError,
    change_group,
    list_groups,
)

MEMBERS_SHOWN = 15


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("groups", help="list unit groups, or change their members")
    parser.set_defaults(handler=run_groups)
    actions = parser.add_subparsers(dest="groups_command", metavar="ACTION")
    for name, verb in (("add", "put units into"), ("remove", "take units out of")):
        action = actions.add_parser(name, help=f"{verb} a group (duties are planned again)")
        action.add_argument("group")
        action.add_argument("units", nargs="+", metavar="UNIT")
        action.set_defaults(handler=run_change, add=name == "add")


def run_groups(_args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> list[GroupRow]:
        async with services.sessions() as session:
            return await list_groups(session)

    groups = with_services(settings, work)
    table = Table(title="unit groups")
    for column in ("group", "members", "membership", "aliases", "duties"):
        table.add_column(column, justify="right" if column == "duties" else "left")
    for group in groups:
        shown = ", ".join(group.members[:MEMBERS_SHOWN])
        if len(group.members) > MEMBERS_SHOWN:
            shown += f", … ({len(group.members)})"
        table.add_row(
            escape(group.name),
            escape(shown) if group.members else "[yellow]none yet[/]",
            escape(group.rule),
            escape(", ".join(group.aliases)),
            str(group.duties),
        )
    console.print(table)
    return 0


def run_change(args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> tuple[GroupChange, int]:
        now = services.clock.now()
        today = local_date(now, services.settings.zone)
        async with services.sessions() as session, session.begin():
            await write_lock(session)
            try:
                change = await change_group(
                    session, args.group, args.units, add=args.add, now=now, today=today
                )
            except UnitAdminError as exc:
                raise CommandError(str(exc)) from None
            report = await replan(session, services, change.duty_ids) if change.changed else None
            return change, report.assignments if report else 0

    change, assignments = with_services(settings, work)
    verb = "added to" if args.add else "removed from"
    if change.changed:
        console.print(f"{escape(', '.join(change.changed))} {verb} {escape(change.group)}")
    if change.unchanged:
        state = "already in" if args.add else "not in"
        console.print(f"{escape(', '.join(change.unchanged))}: {state} {escape(change.group)}")
    if change.changed:
        console.print(f"{len(change.duty_ids)} duties planned again, {assignments} new assignments")
    return 0
