"""`dutybot doctor`: one line per check, ✓ or ✗ with what to fix; exit 1 if anything needs it.

Checks settings (a setting that does not parse stops every command earlier, with one line
naming it), the data directory and database file permissions, the schema revision, the Bot
API (getMe with the token), this and next year's official holidays, and a font for charts.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

from bot.clock import Clock, SystemClock
from bot.render.fonts import find_cjk_family
from bot.services import build_services
from bot.settings import Settings
from bot.usecases.health import (
    Check,
    check_bot_api,
    check_data_dir,
    check_database_file,
    check_fonts,
    check_holidays,
    check_schema,
    check_settings,
)
from scheduling.workdays import WorkdayCalendar


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check the installation; say what to fix")
    parser.set_defaults(handler=run_doctor)


async def collect(
    settings: Settings,
    clock: Clock | None = None,
    find_font: Callable[[], str | None] = find_cjk_family,
) -> list[Check]:
    """Every check's result, in the order printed."""
    clock = clock or SystemClock()
    checks: list[Check | None] = [
        check_settings(settings),
        check_data_dir(settings),
        check_database_file(settings),
    ]
    schema = await check_schema(settings)
    checks.append(schema)
    checks.append(await check_bot_api(settings))
    checks.append(await _holidays(settings, schema.ok, clock))
    checks.append(check_fonts(find_font))
    return [check for check in checks if check is not None]


async def _holidays(settings: Settings, database_ready: bool, clock: Clock) -> Check:
    """Bundled holidays, plus those an administrator loaded when the database can be read."""
    if not database_ready:  # opening a missing SQLite file would create it
        return check_holidays(WorkdayCalendar(), clock, settings)
    services = build_services(settings, clock)
    try:
        await services.load_calendar()
        return check_holidays(services.calendar, clock, settings)
    finally:
        await services.close()


def render(checks: list[Check]) -> tuple[list[str], int]:
    """The lines to print and the exit code (1 when anything needs fixing)."""
    lines = [f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}" for check in checks]
    failing = sum(1 for check in checks if not check.ok)
    if failing:
        return [*lines, f"{failing} of {len(checks)} checks need attention"], 1
    return [*lines, f"all {len(checks)} checks passed"], 0


def run_doctor(_args: argparse.Namespace, settings: Settings) -> int:
    lines, code = render(asyncio.run(collect(settings)))
    print("\n".join(lines))
    return code
