"""`dutybot ics UNIT FILE.ics`: write a unit's duties as a calendar feed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import console, with_services
from bot.cli.office_common import add_lang_option, unit_or_error, writable, write_output
from bot.render.ics import unit_calendar
from bot.services import Services
from bot.settings import Settings
from bot.usecases.ledger.calendar_feed import alarm_policy, unit_feed


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ics", help="write a unit's deadlines as an .ics calendar")
    parser.add_argument("unit", metavar="UNIT", help="unit name, alias or id")
    parser.add_argument("file", type=Path, metavar="FILE.ics")
    add_lang_option(parser)
    parser.set_defaults(handler=run_ics)


def run_ics(args: argparse.Namespace, settings: Settings) -> int:
    path = writable(args.file, ".ics")

    async def work(services: Services) -> tuple[bytes, int]:
        await services.load_calendar()
        now = services.clock.now()
        async with services.sessions() as session:
            unit = await unit_or_error(session, args.unit)
            events = await unit_feed(
                session, unit.id, now, alarm_policy(settings), services.calendar
            )
            data = unit_calendar(unit.name, events, services.translator(args.lang), now)
            return data, len(events)

    data, count = with_services(settings, work)
    write_output(path, data)
    console.print(f"{path}: {count} events", markup=False)
    return 0
