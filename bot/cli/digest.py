"""`dutybot digest --preview [--week D]`: print the weekly digest as coordinators get it."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.common import console, require_year, with_services
from bot.cli.errors import CommandError
from bot.cli.office_common import add_lang_option, writable, write_output
from bot.clock import local_date
from bot.delivery.digest import ComposedDigest, compose_digest
from bot.services import Services
from bot.settings import Settings
from bot.usecases.digest.schedule import digest_moment, week_start_of


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "digest", help="preview the weekly digest (the running bot sends it to coordinators)"
    )
    parser.add_argument("--preview", action="store_true", help="print the digest")
    parser.add_argument(
        "--week",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="any day of the week to show, as of its digest time (default: now)",
    )
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="also write the chart")
    add_lang_option(parser)
    parser.set_defaults(handler=run_digest)


def run_digest(args: argparse.Namespace, settings: Settings) -> int:
    if not args.preview:
        raise CommandError("nothing to do: use --preview (the running bot sends the digest)")
    if args.week:
        require_year(args.week.year, "--week")
    chart_path = writable(args.chart, ".png") if args.chart else None

    async def work(services: Services) -> ComposedDigest:
        await services.load_calendar()
        now = services.clock.now()
        week = week_start_of(args.week or local_date(now, settings.zone))
        if args.week:
            now = digest_moment(week, settings, services.calendar)
        async with services.sessions() as session:
            return await compose_digest(
                session, week, now, services.translator(args.lang), services.calendar
            )

    composed = with_services(settings, work)
    console.print("\n\n———\n\n".join(composed.texts), markup=False, emoji=False, soft_wrap=True)
    if chart_path is not None:
        if composed.chart is None:
            raise CommandError("no chart: nothing is assigned yet, or no font for Chinese text")
        write_output(chart_path, composed.chart.png)
        console.print(f"chart written to {chart_path}", markup=False)
    return 0
