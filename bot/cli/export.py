"""`dutybot export [--plan P] [--unit U] FILE.xlsx`: write the ledger as an Excel file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import console, with_services
from bot.cli.errors import CommandError
from bot.cli.office_common import add_lang_option, unit_or_error, writable, write_output
from bot.render.ledger_xlsx import ledger_workbook
from bot.services import Services
from bot.settings import Settings
from bot.usecases.ledger.collect import Ledger, collect_ledger, find_plans


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export", help="write the ledger (台账) as .xlsx; it can be imported back"
    )
    parser.add_argument("file", type=Path, metavar="FILE.xlsx")
    parser.add_argument("--plan", action="append", metavar="P", help="plan id or title words")
    parser.add_argument("--unit", metavar="U", help="only this unit's duties")
    add_lang_option(parser)
    parser.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    path = writable(args.file, ".xlsx")

    async def work(services: Services) -> tuple[Ledger, bytes]:
        await services.load_calendar()
        today = services.today()
        async with services.sessions() as session:
            plan_ids = None
            if args.plan:
                if not all(wanted.strip() for wanted in args.plan):
                    raise CommandError("--plan needs a plan id or part of its title")
                plans = [plan for wanted in args.plan for plan in await find_plans(session, wanted)]
                if not plans:
                    raise CommandError(f"no plan matches {', '.join(args.plan)}")
                plan_ids = sorted({plan.id for plan in plans})
            unit = await unit_or_error(session, args.unit) if args.unit else None
            ledger = await collect_ledger(
                session, today, services.calendar, plan_ids, unit.id if unit else None
            )
        if not ledger.plans:
            raise CommandError("nothing to export: no plan has duties for that choice")
        return ledger, ledger_workbook(ledger, services.translator(args.lang))

    ledger, data = with_services(settings, work)
    write_output(path, data)
    rows = sum(len(plan.rows) for plan in ledger.plans)
    console.print(f"{path}: {len(ledger.plans)} plans, {rows} duties", markup=False)
    return 0
