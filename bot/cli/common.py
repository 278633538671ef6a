"""What several CLI commands share: a migrated database session, rich output."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from rich.console import Console

from bot.cli.errors import CommandError
from bot.services import Services, build_services
from bot.settings import Settings
from storage.schema import require_current

T = TypeVar("T")

# the years a plan, a calendar or a Constitution Week may be about
YEARS = range(1990, 2101)


def _console(stderr: bool = False) -> Console:
    """Rich output; wide when piped, so tables stay readable in logs and files."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 160
    return Console(stderr=stderr, highlight=False, width=width)


console = _console()
err_console = _console(stderr=True)


def require_year(year: int, what: str) -> None:
    """Refuse a year outside YEARS with one line (the date types stop at 9999, plans long
    before)."""
    if year not in YEARS:
        raise CommandError(f"{what} must be between {YEARS[0]} and {YEARS[-1]}")


def with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    """Run `work` with services on a database whose schema is current, then close them."""

    async def go() -> T:
        services = build_services(settings, create=False)
        try:
            await require_current(services.engine)
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(go())
