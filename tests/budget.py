"""The reminder budget: how much a year of the bot says, and whether each message means "this
is due". `python -m tests.budget [--corpus]` prints the table for the five seeds over 2025 (and,
with --corpus, for the import corpus), against the volume before issue #16 (95,798 events).

Figures, per the issue: events and messages (one message per chat and day: the dispatcher
batches) per unit and month, median and maximum; the share of escalations that come from a
dated deadline; the most deadlines one unit has for one activity in one year.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from bot.importing import DocumentError
from bot.services import Services, build_services
from bot.settings import Settings
from bot.usecases.importing.documents import import_sources, read_paths
from bot.usecases.planning.plan import materialize
from bot.usecases.planning.simulation import Timeline, simulate
from bot.usecases.planning.statutory import sync_statutory
from scheduling.dates.model import Rule
from scheduling.reading.activities import activity_of
from storage.models import Assignment, Duty, Occurrence, ScheduleRule
from storage.schema import upgrade

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CORPUS = ROOT / "tests" / "corpus" / "docs"
BEFORE = 95_798  # `dutybot simulate --from 2025-01-01 --to 2025-12-31` on the seeds, before #16
LIAISON_KINDS = {"checkin", "window_open", "lead", "due", "overdue"}


@dataclass
class Budget:
    name: str
    events: int
    by_kind: Counter[str]
    per_unit_month_events: list[int]
    per_unit_month_messages: list[int]
    escalations: int
    escalations_dated: int
    max_per_activity: int
    activities: int


async def _budget(name: str, paths: list[Path], start: date, end: date) -> Budget:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{folder}/budget.db", data_dir=Path(folder)
        )
        services = build_services(settings)
        try:
            await upgrade(services.engine)
            sources = []
            for path in paths:  # a corpus page that holds no duty is left out
                try:
                    sources.extend(read_paths([path]))
                except DocumentError:
                    continue
            await import_sources(services, sources, past="skip")
            timeline = await simulate(services, start, end)
            most, count = await _deadlines_per_activity(services, start, end)
        finally:
            await services.close()
    return _figures(name, timeline, most, count)


async def _deadlines_per_activity(services: Services, start: date, end: date) -> tuple[int, int]:
    """The most dated deadlines one unit has for one activity in one year (should be 1):
    the year planned as the bot would, in a transaction rolled back afterwards."""
    per: Counter[tuple[int, str, int]] = Counter()
    now = datetime.combine(start, time(0, 0), tzinfo=services.settings.zone)
    async with services.sessions() as session:
        transaction = await session.begin()
        await sync_statutory(session, now, services.settings.statutory_profile)
        await materialize(
            session,
            now,
            start,
            services.calendar,
            horizon_days=(end - start).days + 1,
            checkin_every=services.settings.checkin_every,
        )
        rows = await session.execute(
            select(
                Assignment.unit_id,
                Occurrence.due_date,
                Duty.text,
                Duty.statutory_key,
                ScheduleRule.kind,
                ScheduleRule.phrase,
                ScheduleRule.params,
            )
            .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
            .join(Duty, Duty.id == Occurrence.duty_id)
            .join(ScheduleRule, ScheduleRule.id == Occurrence.rule_id)
            .where(Assignment.checkin.is_(False))
        )
        for unit_id, due, text, key, kind, phrase, params in rows:
            activity = activity_of(text, Rule(kind.value, phrase, dict(params or {})), key)
            if activity:
                per[(unit_id, activity, due.year)] += 1
        await transaction.rollback()
    return (max(per.values()) if per else 0), len(per)


def _figures(name: str, timeline: Timeline, most: int, activities: int) -> Budget:
    events = timeline.events
    by_kind = Counter(event.kind for event in events)
    per_month: Counter[tuple[str, int]] = Counter()
    messages: dict[tuple[str, int], set[date]] = defaultdict(set)
    for event in events:
        if event.kind in LIAISON_KINDS:
            key = (event.unit, event.at.month)
            per_month[key] += 1
            messages[key].add(event.at.date())
    escalations = [event for event in events if event.kind == "escalation"]
    dated = [event for event in escalations if event.rule_kind != "ongoing"]
    return Budget(
        name,
        len(events),
        by_kind,
        sorted(per_month.values()),
        sorted(len(days) for days in messages.values()),
        len(escalations),
        len(dated),
        most,
        activities,
    )


def _median(values: list[int]) -> float:
    return statistics.median(values) if values else 0.0


def table(budgets: list[Budget]) -> str:
    lines = [
        f"{'':<28}" + "".join(f"{b.name:>18}" for b in budgets),
        f"{'events in the year':<28}" + "".join(f"{b.events:>18,}" for b in budgets),
    ]
    for kind in ("checkin", "window_open", "lead", "due", "overdue", "escalation", "digest"):
        lines.append(f"{'  ' + kind:<28}" + "".join(f"{b.by_kind[kind]:>18,}" for b in budgets))
    rows = [
        ("events/unit/month median", lambda b: f"{_median(b.per_unit_month_events):.0f}"),
        ("events/unit/month max", lambda b: f"{max(b.per_unit_month_events, default=0)}"),
        ("messages/unit/month median", lambda b: f"{_median(b.per_unit_month_messages):.0f}"),
        ("messages/unit/month max", lambda b: f"{max(b.per_unit_month_messages, default=0)}"),
        (
            "escalations from a date",
            lambda b: (
                f"{b.escalations_dated}/{b.escalations}"
                + (f" ({100 * b.escalations_dated / b.escalations:.0f}%)" if b.escalations else "")
            ),
        ),
        ("deadlines/unit/activity/yr", lambda b: f"max {b.max_per_activity} ({b.activities})"),
    ]
    for label, value in rows:
        lines.append(f"{label:<28}" + "".join(f"{value(b):>18}" for b in budgets))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", action="store_true", help="also the import corpus")
    args = parser.parse_args(argv)
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    budgets = [asyncio.run(_budget("seeds 2025", sorted(SEEDS.glob("*.txt")), start, end))]
    if args.corpus:
        budgets.append(
            asyncio.run(_budget("corpus 2025", sorted(CORPUS.glob("*.txt")), start, end))
        )
    print(table(budgets))
    seeds = budgets[0]
    print(
        f"\nseeds 2025: {seeds.events:,} events, {100 * seeds.events / BEFORE:.1f}% of the "
        f"{BEFORE:,} before issue #16"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
