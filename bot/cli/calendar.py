"""`dutybot calendar load|show|week`: official holidays and Constitution Week dates."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from rich.table import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.cli.common import YEARS, console, require_year, with_services
from bot.cli.errors import CommandError
from bot.services import Services
from bot.settings import Settings
from bot.usecases.planning.plan import set_constitution_week, stored_constitution_weeks
from scheduling.dates.holiday_file import HolidayFileError, load_holiday_file
from scheduling.dates.statutory import constitution_week
from storage.models import HolidayDay


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("calendar", help="holidays and Constitution Week dates")
    actions = parser.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="add a year's official holidays from a CSV/JSON file")
    load.add_argument("file", help="CSV `date,kind,name` (kind: holiday|workday) or JSON")
    load.set_defaults(handler=run_load)
    show = actions.add_parser("show", help="where a year's working days come from")
    show.add_argument("year", type=int)
    show.set_defaults(handler=run_show)
    week = actions.add_parser("week", help="set a year's Constitution Week (announced dates)")
    week.add_argument("year", type=int)
    week.add_argument("first", type=date.fromisoformat, help="YYYY-MM-DD")
    week.add_argument("last", type=date.fromisoformat, help="YYYY-MM-DD")
    week.set_defaults(handler=run_week)


# Rows per INSERT: far below the bound-parameter limits of SQLite and PostgreSQL.
INSERT_CHUNK = 1000
# holiday_days.source holds this many characters of the file's path.
SOURCE_MAX = 300


def run_load(args: argparse.Namespace, settings: Settings) -> int:
    if not args.file.strip():  # Path("") is the current directory, not a file
        raise CommandError("the file name is empty")
    try:
        entries = load_holiday_file(args.file)
    except FileNotFoundError:
        raise CommandError(f"no such file: {args.file}") from None
    except HolidayFileError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    if not entries:
        raise CommandError(f"{args.file} holds no holiday entries")
    outside = [entry.day for entry in entries if entry.day.year not in YEARS]
    if outside:
        raise CommandError(f"{args.file}: {outside[0]} is outside the years {YEARS[0]}-{YEARS[-1]}")

    async def work(services: Services) -> int:
        rows = [
            {
                "day": entry.day,
                "is_workday": entry.is_workday,
                "name": entry.name or None,
                "source": args.file[:SOURCE_MAX],
            }
            for entry in entries
        ]
        async with services.sessions() as session, session.begin():
            dialect = session.bind.dialect.name
            construct = pg_insert if dialect == "postgresql" else sqlite_insert
            for start in range(0, len(rows), INSERT_CHUNK):
                statement = construct(HolidayDay).values(rows[start : start + INSERT_CHUNK])
                statement = statement.on_conflict_do_update(
                    index_elements=["day"],
                    set_={
                        "is_workday": statement.excluded.is_workday,
                        "name": statement.excluded.name,
                        "source": statement.excluded.source,
                    },
                )
                await session.execute(statement)
        return len(rows)

    count = with_services(settings, work)
    years = sorted({entry.day.year for entry in entries})
    console.print(
        f"loaded {count} days for {', '.join(map(str, years))}; "
        "the running bot picks them up at its next start"
    )
    return 0


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    require_year(args.year, "the year")

    async def work(services: Services) -> tuple[str, list[tuple[date, str]], tuple[date, date]]:
        await services.load_calendar()
        calendar = services.calendar
        special: list[tuple[date, str]] = []
        day = date(args.year, 1, 1)
        while day.year == args.year:
            weekend = day.weekday() >= 5
            if calendar.is_workday(day) == weekend:
                label = "make-up working day" if weekend else "holiday"
                special.append((day, f"{label} {calendar.day_name(day) or ''}".strip()))
            day += timedelta(days=1)
        async with services.sessions() as session:
            weeks = await stored_constitution_weeks(session)
        return calendar.source(args.year), special, constitution_week(args.year, weeks)

    source, special, week = with_services(settings, work)
    table = Table(title=f"{args.year}: working days from {source}")
    table.add_column("date")
    table.add_column("what")
    for day, label in special:
        table.add_row(f"{day} {day.strftime('%a')}", label)
    console.print(table)
    console.print(f"Constitution Week {args.year}: {week[0]} – {week[1]}")
    if source in ("weekends", "statutory"):
        computed = (
            "weekends and the statutory public holidays (computed) are days off"
            if source == "statutory"
            else "Monday to Friday are counted as working days"
        )
        console.print(
            f"No official data for this year: {computed}; make-up working days are not known. "
            "Load the State Council's notice with `dutybot calendar load FILE`."
        )
    return 0


def run_week(args: argparse.Namespace, settings: Settings) -> int:
    require_year(args.year, "the year")
    if not (args.first.year == args.last.year == args.year) or args.last < args.first:
        raise CommandError("the week must lie within the given year, first day before last")
    if (args.last - args.first).days > 13:
        raise CommandError("a Constitution Week is at most two weeks long")
    if not args.first <= date(args.year, 12, 4) <= args.last:
        raise CommandError("a Constitution Week includes Constitution Day, December 4")

    async def work(services: Services) -> None:
        async with services.sessions() as session, session.begin():
            await set_constitution_week(
                session, args.year, args.first, args.last, services.clock.now()
            )

    with_services(settings, work)
    console.print(f"Constitution Week {args.year}: {args.first} – {args.last}")
    return 0
