"""An import followed by the planning a running bot does, so nothing waits for a bot to run.

`dutybot import` used to plan only the imported duties: the statutory duties (January 31,
the first-quarter report, Constitution Week …) were planned by the running bot's daily run,
so until a bot had run, `digest --preview` said nothing was due while `simulate` (which
plans them itself) listed them. After an import this runs that same daily planning, forced:
the statutory duties synced, every duty planned, the digests scheduled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.services import Services
from bot.usecases.importing.documents import import_sources
from bot.usecases.importing.past_duties import PastChoice
from bot.usecases.importing.result import ImportResult, Source
from bot.usecases.planning.daily import run_daily
from bot.usecases.planning.plan import PlanningReport


def _added(first: PlanningReport | None, second: PlanningReport) -> PlanningReport:
    if first is None:
        return second
    return replace(
        first,
        occurrences=first.occurrences + second.occurrences,
        assignments=first.assignments + second.assignments,
        reminders=first.reminders + second.reminders,
        cancelled=first.cancelled + second.cancelled,
        revived=first.revived + second.revived,
        fallback_years=first.fallback_years | second.fallback_years,
    )


async def import_and_plan(
    services: Services,
    sources: Sequence[Source],
    *,
    dry_run: bool = False,
    past: PastChoice = "ask",
    jurisdiction: str | None = None,
) -> ImportResult:
    """Import the sources (see `import_sources`), then run the daily planning; a dry run
    writes nothing and plans nothing. `jurisdiction` names the place of every plan (instead
    of the one each document names)."""
    await services.load_calendar()  # the administrator's holidays, as a running bot has them
    result = await import_sources(
        services, sources, dry_run=dry_run, past=past, jurisdiction=jurisdiction
    )
    if dry_run:
        return result
    daily = await run_daily(services, force=True)
    if daily is not None:
        result.planning = _added(result.planning, daily.planning)
    return result
