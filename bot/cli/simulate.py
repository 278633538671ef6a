"""`dutybot simulate [--from D] [--to D] [--unit U] [--json]`: the coming timeline, dry."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from typing import Any

from rich.table import Table

from bot.cli.common import console, require_year, with_services
from bot.cli.errors import CommandError
from bot.cli.office_common import unit_or_error
from bot.services import Services
from bot.settings import Settings
from bot.text import shorten
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.planning.simulation import Timeline, simulate

KIND_LABELS = {
    "checkin": "check-in",
    "window_open": "window opens",
    "lead": "reminder",
    "due": "due today",
    "overdue": "overdue",
    "escalation": "ESCALATION",
    "digest": "weekly digest",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate", help="print every reminder, escalation and digest the data would produce"
    )
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="YYYY-MM-DD (today)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="YYYY-MM-DD (+90 days)")
    parser.add_argument("--unit", help="only this unit (name, alias or id)")
    parser.add_argument(
        "--jurisdiction",
        metavar="PLACE",
        help="only this jurisdiction's units (with those below it) and the coordinators "
        "whose offices reach it",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_simulate)


def run_simulate(args: argparse.Namespace, settings: Settings) -> int:
    for given, option in ((args.start, "--from"), (args.end, "--to")):
        if given is not None:
            require_year(given.year, option)

    async def work(services: Services) -> Timeline:
        await services.load_calendar()
        today = services.today()
        start = args.start or today
        end = args.end or start + timedelta(days=90)
        if end < start:
            raise CommandError("--to is before --from")
        if (end - start).days > 3 * 366:
            raise CommandError("simulate at most three years at a time")
        unit_name = None
        place = None
        async with services.sessions() as session:
            if args.unit:  # by name, alias or id; an unknown one is said, not an empty timeline
                unit_name = (await unit_or_error(session, args.unit)).name
            if args.jurisdiction:
                found = (await load_tree(session)).by_name(args.jurisdiction)
                if found is None:
                    raise CommandError(
                        f"unknown jurisdiction {args.jurisdiction!r}; see `dutybot jurisdictions`"
                    )
                place = found.id
        return await simulate(services, start, end, unit_name, place)

    timeline = with_services(settings, work)
    if args.json:
        print(
            json.dumps(
                {
                    "from": timeline.start.isoformat(),
                    "to": timeline.end.isoformat(),
                    "fallback_years": timeline.fallback_years,
                    "events": [event.to_json() for event in timeline.events],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print_timeline(timeline)
    return 0


COORDINATOR_KINDS = ("digest", "escalation")


def _recipients(kind: str, names: tuple[str, ...]) -> str:
    """Who gets it: the unit's liaisons, or for digests and escalations the coordinators."""
    if kind in COORDINATOR_KINDS:
        return "coordinators: " + "、".join(names) if names else "(no coordinator yet)"
    return "、".join(names) if names else "(no liaison)"


def print_timeline(timeline: Timeline) -> None:
    table = Table(title=f"dutybot simulate {timeline.start} → {timeline.end}", show_lines=False)
    for column in ("when", "what", "unit", "duty", "due", "rule", "to"):
        table.add_column(column, overflow="fold")
    for event in timeline.events:
        duty = shorten(event.duty, 40)
        when = event.at.strftime("%Y-%m-%d %a %H:%M") + (" ~" if event.approximate else "")
        table.add_row(
            when,
            KIND_LABELS.get(event.kind, event.kind),
            event.unit,
            f"{event.number} {duty}".strip(),
            event.due.isoformat() if event.kind != "digest" else "",
            event.rule,
            _recipients(event.kind, event.recipients),
        )
    console.print(table)
    console.print(f"{len(timeline.events)} events.")
    for year in timeline.fallback_years:
        console.print(
            f"~ {year}: no official holiday data yet; working days skip weekends and the "
            f"statutory public holidays, make-up working days unknown. Load the State "
            f"Council's notice with `dutybot calendar load FILE`."
        )
