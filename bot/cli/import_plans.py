"""`dutybot import PATH... [--plan-year Y] [--dry-run] [--json]`: read plan documents in.

All files land in one transaction or none does; a bad file stops the command with one line
(exit 2) before anything is written.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.markup import escape

from bot.cli.common import console, require_year, with_services
from bot.cli.errors import CommandError
from bot.cli.import_review import review_source
from bot.i18n import Translator
from bot.importing import DocumentError
from bot.importing.review import apply_decisions
from bot.render.import_json import import_json
from bot.services import Services
from bot.settings import Settings
from bot.text import shorten
from bot.usecases.importing.documents import read_paths
from bot.usecases.importing.planning import import_and_plan
from bot.usecases.importing.result import ImportResult, ItemOutcome, PlanOutcome, Source
from bot.usecases.importing.review import known_unit_names

LIST_LIMIT = 12


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="import plan documents (.txt/.html/.docx/.xlsx/.pdf)"
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="plan documents")
    parser.add_argument("--plan-year", type=int, help="year of a plan whose dates omit it")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--past",
        choices=("ask", "done", "skip"),
        default="ask",
        help="duties whose deadlines passed before the import: ask each unit once whether "
        "they were done (default), record them as done, or leave them out",
    )
    parser.add_argument(
        "--jurisdiction",
        metavar="PLACE",
        help="the jurisdiction the plans belong to (default: the place each document names); "
        "made when new (see `dutybot jurisdictions`)",
    )
    parser.add_argument(
        "--review",
        action="store_true",
        help="before importing, decide on items without units and unknown names",
    )
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    if args.plan_year is not None:
        require_year(args.plan_year, "--plan-year")
    started = time.perf_counter()
    try:
        sources = read_paths(args.paths, args.plan_year)
    except DocumentError as exc:
        raise CommandError(exc.message) from None
    if args.review:
        sources = _reviewed(settings, sources)
    parsed = time.perf_counter()

    async def work(services: Services) -> ImportResult:
        return await import_and_plan(
            services,
            sources,
            dry_run=args.dry_run,
            past=args.past,
            jurisdiction=args.jurisdiction,
        )

    result = with_services(settings, work)
    finished = time.perf_counter()
    if args.json:
        t = Translator(locale=settings.locale, zone=settings.zone)
        print(json.dumps(import_json(result, t), ensure_ascii=False, indent=2))
        return 0
    for plan in result.plans:
        print_plan(plan)
    print_footer(result, parse_seconds=parsed - started, store_seconds=finished - parsed)
    return 0


def _reviewed(settings: Settings, sources: list[Source]) -> list[Source]:
    """The sources with the decisions asked for at the terminal applied."""

    async def known(services: Services) -> list[str]:
        async with services.sessions() as session:
            return await known_unit_names(session)

    names = with_services(settings, known)
    reviewed = []
    for source in sources:
        decisions = review_source(source, names, input)
        reviewed.append(replace(source, document=apply_decisions(source.document, decisions)))
    return reviewed


def _numbers(items: list[ItemOutcome]) -> str:
    shown = ", ".join(item.number for item in items[:LIST_LIMIT])
    return shown + (f", … ({len(items)})" if len(items) > LIST_LIMIT else "")


def _period(plan: PlanOutcome) -> str:
    if plan.year_from is None:
        return "[yellow]no year found (use --plan-year)[/]"
    if plan.year_to in (None, plan.year_from):
        return str(plan.year_from)
    return f"{plan.year_from}–{plan.year_to}"


def print_plan(plan: PlanOutcome) -> None:
    """Title, issuer, period, counts, review reasons and what a re-import changed."""
    state = "[green]new plan[/]" if plan.is_new else "[cyan]already known: updated in place[/]"
    console.print(f"\n[bold]{escape(plan.title)}[/]  ({state})")
    console.print(f"  issuer   {escape(plan.issuer or '—')}")
    console.print(f"  place    {escape(plan.jurisdiction or '—')}")
    console.print(f"  period   {_period(plan)}")
    console.print(f"  source   {escape(plan.source_name)} ({plan.layout})")
    console.print(f"  items    {len(plan.items)} found · {len(plan.unit_names)} units named")
    if plan.is_new:
        console.print(f"  changes  {len(plan.added)} added")
    else:
        unchanged = len(plan.items) - len(plan.added) - len(plan.changed)
        console.print(
            f"  changes  {len(plan.added)} added · {len(plan.changed)} changed · "
            f"{len(plan.removed)} removed · {unchanged} unchanged"
            + (f" · {plan.renumbered} renumbered" if plan.renumbered else "")
        )
        for item in plan.changed:
            fields = ", ".join(f for f in item.changed_fields if f not in ("position", "review"))
            console.print(
                f"    ~ {escape(item.number)} ({fields}) {escape(shorten(item.text, 50, one_line=True))}"
            )
        for item in plan.added:
            console.print(
                f"    + {escape(item.number)} {escape(shorten(item.text, 50, one_line=True))}"
            )
        for removed in plan.removed:
            console.print(
                f"    - {escape(removed.number)} {escape(shorten(removed.text, 50, one_line=True))}"
            )
    past = plan.past
    if past:
        whole = " (every deadline of the plan)" if plan.all_past else ""
        console.print(
            f"  past     [yellow]{len(past)} items' deadlines have passed{whole}[/]: "
            f"items {escape(_numbers(past))}"
        )
    flagged = plan.needs_review
    if not flagged:
        console.print("  review   [green]nothing to review[/]")
        return
    console.print(f"  review   [yellow]{len(flagged)} items[/]")
    by_reason: dict[str, list[tuple[ItemOutcome, str]]] = defaultdict(list)
    for item in flagged:
        for reason in item.review:
            by_reason[reason.code.split(":", 1)[0]].append((item, reason.message))
    for pairs in by_reason.values():
        items = [item for item, _message in pairs]
        message = pairs[0][1] if len(pairs) == 1 else _general(pairs[0][1], pairs)
        console.print(f"    • {escape(message)} — items {escape(_numbers(items))}")


def _general(message: str, pairs: list[tuple[ItemOutcome, str]]) -> str:
    """One reason's message for several items (item-specific wording kept when all agree)."""
    messages = {text for _item, text in pairs}
    return message if len(messages) == 1 else f"{message} (and {len(messages) - 1} similar)"


def print_footer(result: ImportResult, parse_seconds: float, store_seconds: float) -> None:
    for source in result.sources:
        for warning in source.warnings:
            console.print(f"[yellow]note[/] {escape(source.name)}: {escape(warning)}")
        if source.unused:
            console.print(
                f"\n[bold]not imported[/] from {escape(source.name)} "
                f"({len(source.unused)} passages outside every item):"
            )
            for text in source.unused:
                console.print(f"  line {text.lineno}: {escape(text.text)}")
        if source.chrome_lines:
            console.print(
                f"{source.chrome_lines} lines of page furniture (menus, page numbers) left out"
            )
    new_units = result.new_units
    if new_units:
        names = ", ".join(unit.name for unit in new_units[:20])
        more = f", … ({len(new_units)})" if len(new_units) > 20 else ""
        console.print(f"\nnew units: {escape(names)}{more}")
    review_units = [unit.name for unit in result.units if unit.needs_review]
    if review_units:
        console.print(
            f"[yellow]units to check[/] (kind unknown): {escape(', '.join(review_units))}"
        )
    empty = [group.name for group in result.groups_needing_members]
    if empty:
        console.print(
            f"[yellow]groups without members[/] (set with `dutybot groups add`, or /groups in "
            "the chat): "
            f"{escape(', '.join(empty))}"
        )
    items = sum(len(plan.items) for plan in result.plans)
    timing = f"parsed in {parse_seconds:.2f} s, stored in {store_seconds:.2f} s"
    if result.dry_run:
        console.print(
            f"\n[bold]dry run[/]: {len(result.plans)} plans, {items} items; nothing was written "
            f"({timing})"
        )
        return
    planning = result.planning
    planned = (
        f"; planned {planning.occurrences} occurrences, {planning.assignments} assignments, "
        f"{planning.reminders} reminders"
        if planning
        else ""
    )
    if result.past_settled:
        console.print(
            f"past deadlines: {result.past_settled} assignments "
            f"({'asked once' if result.past_choice == 'ask' else 'recorded as done'})"
        )
    elif any(plan.past for plan in result.plans) and result.past_choice == "skip":
        console.print("past deadlines: left out (--past skip)")
    verdict = "imported" if result.changed_anything else "nothing changed"
    console.print(
        f"\n[bold]{verdict}[/]: {len(result.plans)} plans, {items} items{planned} ({timing})"
    )
