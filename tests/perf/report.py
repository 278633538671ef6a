"""The benchmark's one markdown table (and the JSON beside it)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from tests.perf.baseline import BaselineResult, NaiveBotRun
from tests.perf.links import LinkResult, link_label
from tests.perf.runner import BackendResult, LinksOnly
from tests.perf.scale import Scale

BACKEND_NAMES = {
    "sqlite": "SQLite",
    "postgresql": "PostgreSQL",
    "sqlite-city": "SQLite, a city: 12 districts, 2 delivery workers",
    "postgresql-city": "PostgreSQL, a city: 12 districts, 2 delivery workers",
}


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0]
        memory = int(first.split()[1]) / 1024 / 1024
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average": list(os.getloadavg()),
    }


def _ms(values: tuple[float, ...]) -> str:
    return " / ".join(f"{v:.1f}" for v in values)


def _seconds(value: float | None, waited: float | None = None) -> str:
    if value is not None:
        return f"{value:.2f}"
    return "none" if waited is None else f"none in {waited:.0f}"


def _due(run: NaiveBotRun) -> str:
    return f"{run.due:,} due" if run.due else "none due"


def _per_bot(bots: list[NaiveBotRun], render: Any, alone: str | None = None) -> str:
    """One naive-design cell: each start of the naive bot, then the scheduler alone."""
    parts = [f"bot, {_due(run)}: {render(run)}" for run in bots]
    return "; ".join(parts if alone is None else [*parts, alone])


def _cells(results: list[BackendResult], render: Any) -> list[str]:
    return [render(r) for r in results]


def _link_cell(link: LinkResult) -> str:
    d = link.delivery
    return (
        f"{d.messages_per_second:.1f} ({d.percent_of_limit:.1f}%); "
        f"{d.lost} / {d.duplicated} / {d.answered_429}"
    )


def links_table(scale: Scale, results: list[LinksOnly]) -> str:
    """`--links-only`: one row per round trip, one column per backend."""
    header = [
        "delivery over a link, Telegram's limits on",
        *(BACKEND_NAMES.get(r.backend, r.backend) for r in results),
        "target",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index in range(len(results[0].links) if results else 0):
        label = link_label(results[0].links[index])
        cells = [_link_cell(r.links[index]) for r in results]
        lines.append(
            f"| round trip {label}: messages/s (% of 30/s); lost / duplicated / 429 "
            f"({scale.due:,} reminders) | " + " | ".join(cells) + " | ≥ 93%; 0 / 0 / — |"
        )
    return "\n".join(lines)


def table(scale: Scale, results: list[BackendResult], baseline: BaselineResult | None) -> str:
    """One row per figure, one column per backend, the naive design and the target last."""
    header = [
        "measure",
        *(BACKEND_NAMES.get(r.backend, r.backend) for r in results),
        "naive: APScheduler job per reminder",
        "target",
    ]
    rows: list[list[str]] = []

    def row(name: str, render: Any, naive: str = "—", target: str = "") -> None:
        rows.append([name, *_cells(results, render), naive, target])

    due = scale.due
    row(
        "delivery at Telegram's limits: messages/s (% of 30/s)",
        lambda r: f"{r.delivery.messages_per_second:.1f} ({r.delivery.percent_of_limit:.1f}%)",
        target="≥ 93%",
    )
    row(
        f"… {due:,} reminders in messages; reminders/s",
        lambda r: (
            f"{r.delivery.reminders:,} in {r.delivery.messages:,}; "
            f"{r.delivery.reminders_per_second:.1f}"
        ),
    )
    row(
        "… lost / duplicated / 429 received",
        lambda r: f"{r.delivery.lost} / {r.delivery.duplicated} / {r.delivery.answered_429}",
        target="0 / 0 / —",
    )
    for index in range(len(results[0].links) if results else 0):
        label = link_label(results[0].links[index])
        row(
            f"… over a link, round trip {label}: messages/s (% of 30/s); lost / duplicated / 429",
            lambda r, i=index: _link_cell(r.links[i]),
            target="≥ 93%; 0 / 0 / —",
        )
    row(
        "capacity, limits off: messages/s (reminders/s)",
        lambda r: f"{r.capacity.messages_per_second:.0f} ({r.capacity.reminders_per_second:.0f})",
        target="≥ 500",
    )
    row(
        "… lost / duplicated",
        lambda r: f"{r.capacity.lost} / {r.capacity.duplicated}",
        target="0 / 0",
    )
    row(
        "… python-telegram-bot's send_message alone (no database): messages/s",
        lambda r: f"{r.sender_ceiling:.0f}",
    )
    for index, label in enumerate(("/mytasks", "/status (liaison)", "/status (coordinator)")):
        row(
            f"{label} p50 / p95 / p99 ms, {scale.latency_users} users at once "
            "(a burst of all at the same instant: p99)",
            lambda r, i=index: (
                _ms((r.latency[i].p50_ms, r.latency[i].p95_ms, r.latency[i].p99_ms))
                + f" (burst {r.latency[i].burst_p99_ms:.0f})"
            ),
            target="p99 < 100 (SQLite), < 50 (PostgreSQL)",
        )
    row(
        f"tick, nothing due, {scale.reminders:,} rows: p50 / p99 ms",
        lambda r: _ms((r.tick.idle_p50_ms, r.tick.idle_p99_ms)),
        target="p99 < 20",
    )
    row(
        "tick with 10 due (recording sender): p50 / p99 ms",
        lambda r: _ms((r.tick.small_p50_ms, r.tick.small_p99_ms)),
    )
    naive_ready = naive_answer = naive_rss = "—"
    if baseline is not None:
        bots = sorted(baseline.bots, key=lambda run: -run.due)
        naive_ready = _per_bot(
            bots,
            lambda run: _seconds(run.ready_seconds, run.waited),
            f"scheduler alone, none due: SQLAlchemyJobStore {baseline.sql_ready_seconds:.2f} "
            f"(start {baseline.sql_start_seconds * 1000:.0f} ms), "
            f"MemoryJobStore {baseline.memory_ready_seconds:.2f}",
        )
        naive_answer = _per_bot(bots, lambda run: _seconds(run.answered_seconds, run.waited))
        naive_rss = _per_bot(
            bots,
            lambda run: f"{run.rss_mb:.0f}",
            f"scheduler alone: SQLAlchemyJobStore {baseline.sql_rss_mb:.0f}, "
            f"MemoryJobStore {baseline.memory_rss_mb:.0f}",
        )
    jobs = f"{baseline.jobs:,} jobs" if baseline else "jobs"
    row(
        f"start-up, spawn → first getUpdates, s (ours: of it after the first Bot API call; "
        f"naive: {jobs})",
        lambda r: f"{r.startup_seconds:.2f} ({r.startup_after_imports_seconds:.2f})",
        naive_ready,
    )
    row(
        f"start-up, spawn → answer to a command sent before it, s ({due:,} reminders due)",
        lambda r: _seconds(r.first_answer_seconds),
        naive_answer,
        "≥ 10× faster than naive",
    )
    row(
        "peak RSS, MB (ours: the bot process through delivery and commands; "
        "naive bot: when it answered or was given up)",
        lambda r: f"{r.peak_rss_mb:.0f}",
        naive_rss,
        "< 200",
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def to_json(
    scale: Scale, results: list[BackendResult], baseline: BaselineResult | None
) -> dict[str, Any]:
    return {
        "scale": scale.__dict__,
        "machine": machine(),
        "backends": [r.to_json() for r in results],
        "baseline": baseline.to_json() if baseline else None,
    }
