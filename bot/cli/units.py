"""`dutybot units [--review]` and `dutybot units alias ALIAS UNIT`: the units plans name."""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.replan import replan
from bot.usecases.units.admin import (
    AliasOutcome,
    GroupRow,
    KindOutcome,
    UnitAdminError,
    UnitRow,
    Unresolved,
    alias_unit,
    list_groups,
    list_units,
    set_unit_kind,
    unresolved_names,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("units", help="list units, or merge a spelling into a unit")
    parser.add_argument(
        "--review",
        action="store_true",
        help="only what needs a look: unknown kinds, unresolved names, empty groups",
    )
    parser.set_defaults(handler=run_units)
    actions = parser.add_subparsers(dest="units_command", metavar="ACTION")
    alias = actions.add_parser(
        "alias", help="make ALIAS a spelling of UNIT (a unit created under ALIAS is merged in)"
    )
    alias.add_argument("alias")
    alias.add_argument("unit")
    alias.set_defaults(handler=run_alias)
    kind = actions.add_parser(
        "kind",
        help="correct a unit's kind (department, party, congress, judicial, mass, town, street, "
        "institution, government, other): groups and statutory duties follow",
    )
    kind.add_argument("unit")
    kind.add_argument("kind")
    kind.set_defaults(handler=run_kind)


def run_units(args: argparse.Namespace, settings: Settings) -> int:
    async def work(
        services: Services,
    ) -> tuple[list[UnitRow], list[Unresolved], list[GroupRow]]:
        async with services.sessions() as session:
            units = await list_units(session, review_only=args.review)
            unresolved = await unresolved_names(session) if args.review else []
            groups = await list_groups(session) if args.review else []
            return units, unresolved, groups

    units, unresolved, groups = with_services(settings, work)
    table = Table(title="units needing review" if args.review else "units")
    for column in ("unit", "kind", "place", "aliases", "groups", "duties"):
        table.add_column(column, justify="right" if column == "duties" else "left")
    for unit in units:
        flag = " [yellow]?[/]" if unit.needs_review else ""
        table.add_row(
            escape(unit.name) + flag,
            unit.kind,
            escape(unit.jurisdiction or ""),
            escape(", ".join(unit.aliases)),
            escape(", ".join(unit.groups)),
            str(unit.duties),
        )
    console.print(table)
    if not args.review:
        console.print(f"{len(units)} units; `dutybot units --review` lists what needs a look")
        return 0
    for name in unresolved:
        console.print(
            f"[yellow]unresolved name[/] {escape(name.raw_name)} ({name.duties} duties): "
            f"`dutybot units alias {escape(name.raw_name)} UNIT`"
        )
    for group in groups:
        if not group.members:
            console.print(
                f"[yellow]group without members[/] {escape(group.name)} ({group.duties} duties): "
                f"`dutybot groups add {escape(group.name)} UNIT…`"
            )
    return 0


def run_alias(args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> AliasOutcome:
        async with services.sessions() as session, session.begin():
            await write_lock(session)
            try:
                outcome = await alias_unit(session, args.alias, args.unit)
            except UnitAdminError as exc:
                raise CommandError(str(exc)) from None
            await replan(session, services, outcome.duty_ids)
            return outcome

    outcome = with_services(settings, work)
    if outcome.merged_unit:
        console.print(
            f"merged unit {escape(outcome.merged_unit)} into {escape(outcome.unit)}: "
            f"{outcome.moved_links} duty links and {outcome.moved_assignments} assignments moved"
        )
    elif outcome.moved_links:
        console.print(
            f"{escape(outcome.alias)} is now a spelling of {escape(outcome.unit)}; "
            f"{outcome.moved_links} duty links moved"
        )
    else:
        console.print(f"{escape(outcome.alias)} is a spelling of {escape(outcome.unit)}")
    return 0


def run_kind(args: argparse.Namespace, settings: Settings) -> int:
    async def work(services: Services) -> KindOutcome:
        async with services.sessions() as session, session.begin():
            await write_lock(session)
            try:
                outcome = await set_unit_kind(session, args.unit, args.kind)
            except UnitAdminError as exc:
                raise CommandError(str(exc)) from None
            await replan(session, services, list(outcome.duty_ids))
            return outcome

    outcome = with_services(settings, work)
    left = f"; left {outcome.groups_left} automatic groups" if outcome.groups_left else ""
    console.print(f"{escape(outcome.unit)}: {outcome.old} → {outcome.new}{left}")
    return 0
