"""`dutybot statutory`: the built-in national duties, switched on/off, re-dated, re-bound."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.planning.statutory import save_override, stored_overrides
from bot.usecases.units.admin import UnitAdminError, require_group
from scheduling.dates.model import RuleKind
from scheduling.dates.statutory import (
    GROUPS,
    StatutoryEntry,
    StatutoryError,
    StatutoryOverride,
    load_statutory,
)

# Looks at an override against the database before it is saved; returns it, maybe amended.
Check = Callable[[AsyncSession, StatutoryOverride], Awaitable[StatutoryOverride]]


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
            return load_statutory(await stored_overrides(session), settings.statutory_profile)

    entries = with_services(settings, work)
    table = Table(title=f"Statutory calendar (profile: {settings.statutory_profile})")
    for column in ("key", "on", "duty", "rule", "groups", "certainty", "cites"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        on = ("yes" if entry.enabled else "no") + (" (local)" if entry.local else "")
        table.add_row(
            entry.key,
            on,
            entry.title_zh,
            f"{entry.kind.value} {entry.params}",
            "、".join(entry.groups),
            entry.certainty,
            f"{entry.cites_zh}\n{entry.source}",
        )
    console.print(table)
    return 0


def _save(settings: Settings, override: StatutoryOverride, check: Check | None = None) -> None:
    async def work(services: Services) -> None:
        async with services.sessions() as session, session.begin():
            checked = await check(session, override) if check else override
            await save_override(session, checked, services.clock.now())

    try:
        with_services(settings, work)
    except StatutoryError as exc:
        raise CommandError(str(exc)) from None
    console.print(f"{override.key}: saved; the bot applies it at its next planning run")


def run_switch(args: argparse.Namespace, settings: Settings) -> int:
    _save(settings, StatutoryOverride(key=args.key, enabled=args.enabled))
    return 0


def _has_yearly_date(entry: StatutoryEntry) -> bool:
    """Whether the rule is due on a month and day: a yearly date, or Constitution Day.
    Other rules ignore month/day params, so re-dating them would change nothing."""
    if entry.kind is RuleKind.YEARLY_DATE:
        return True
    return entry.kind is RuleKind.YEARLY_EVENT and entry.params.get("event") == "constitution_day"


async def _redatable(session: AsyncSession, override: StatutoryOverride) -> StatutoryOverride:
    """Refuse to re-date an entry that has no yearly date (an unknown key is refused later)."""
    entries = {entry.key: entry for entry in load_statutory(await stored_overrides(session))}
    entry = entries.get(override.key)
    if entry is not None and not _has_yearly_date(entry):
        raise CommandError(
            f"{entry.key} has no date to move: its rule is {entry.kind.value}, not a yearly date"
        )
    return override


def run_redate(args: argparse.Namespace, settings: Settings) -> int:
    override = StatutoryOverride(key=args.key, params={"month": args.month, "day": args.day})
    _save(settings, override, _redatable)
    return 0


async def _known_groups(session: AsyncSession, override: StatutoryOverride) -> StatutoryOverride:
    """Refuse a group that does not exist: planning would create it empty, so the entry would
    silently reach nobody. Built-in statutory groups count before their first import; an
    alias is bound as the group's own name, which is what planning looks up."""
    names: dict[str, None] = {}
    for name in override.groups or ():
        try:
            names.setdefault((await require_group(session, name)).name)
        except UnitAdminError as exc:
            built_in = "".join(name.split())
            if built_in not in GROUPS:
                raise CommandError(str(exc)) from None
            names.setdefault(built_in)
    return replace(override, groups=tuple(names))


def run_bind(args: argparse.Namespace, settings: Settings) -> int:
    _save(settings, StatutoryOverride(key=args.key, groups=tuple(args.groups)), _known_groups)
    return 0
