"""One backend's measurements, in order: delivery at Telegram's limits, command latency and
start-up/RSS with the bot's default settings; capacity with the limits off; the tick cost."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.delivery.dispatcher import DispatchConfig
from storage.db import is_sqlite, sqlite_path
from tests.perf.ceiling import sender_ceiling
from tests.perf.delivery import DeliveryResult, census, due_pairs
from tests.perf.deployment import COORDINATOR_BASE, LIAISON_BASE
from tests.perf.latency import LatencyResult, measure_command
from tests.perf.links import LinkResult, measure_links
from tests.perf.loading import BuildInfo, build, pg_dsn, prepare_due
from tests.perf.processes import (
    SandboxProcess,
    bot_env,
    first_message_after,
    spawn_bots,
    start_sandbox,
    stop_bots,
    wait_ready,
)
from tests.perf.scale import Scale
from tests.perf.tick import TickResult, measure_tick

WIRE = DispatchConfig.__dataclass_fields__["max_concurrent_sends"].default
ASKER = COORDINATOR_BASE
UNLIMITED = {"send_rate": "10000", "private_chat_interval": "0", "group_per_minute": "10000"}


@dataclass
class BackendResult:
    backend: str
    build: BuildInfo
    delivery: DeliveryResult
    capacity: DeliveryResult
    latency: list[LatencyResult]
    tick: TickResult
    startup_seconds: float
    startup_after_imports_seconds: float
    first_answer_seconds: float | None
    peak_rss_mb: float
    capacity_peak_rss_mb: float
    sender_ceiling: float
    links: list[LinkResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    workers_peak_rss_mb: list[float] = field(default_factory=list)  # `dutybot worker`s

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "build": {
                "rows": self.build.rows,
                "seconds": self.build.seconds,
                "reused": self.build.reused,
                "reminder_states": self.build.states,
                "due": len(self.build.due_ids),
            },
            "delivery": self.delivery.to_json(),
            "capacity": self.capacity.to_json(),
            "latency": [item.to_json() for item in self.latency],
            "tick": self.tick.to_json(),
            "startup_seconds": self.startup_seconds,
            "startup_after_imports_seconds": self.startup_after_imports_seconds,
            "first_answer_seconds": self.first_answer_seconds,
            "peak_rss_mb": self.peak_rss_mb,
            "capacity_peak_rss_mb": self.capacity_peak_rss_mb,
            "sender_ceiling_messages_per_second": self.sender_ceiling,
            "links": [link.to_json() for link in self.links],
            "workers": 1 + len(self.workers_peak_rss_mb),
            "workers_peak_rss_mb": self.workers_peak_rss_mb,
        }


def now() -> datetime:
    return datetime.now(UTC)


async def prepare_database(url: str, reuse: bool) -> None:
    """A fresh database (or the old one, with `reuse`): delete the SQLite file, or drop and
    create the PostgreSQL database."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None and not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import asyncpg

    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(pg_dsn(f"{base}/postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not reuse:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def people(scale: Scale) -> list[tuple[int, str]]:
    """Everyone the sandbox must know, with the names the database has (so no reply writes)."""
    found = [(LIAISON_BASE + n, f"联络员{n + 1}") for n in range(scale.liaisons)]
    found += [(COORDINATOR_BASE + k, f"协调员{k + 1}") for k in range(scale.coordinators)]
    return found


def latency_users(scale: Scale) -> tuple[list[int], list[int]]:
    """Liaisons of units spread over the city, and the coordinators."""
    count = min(scale.latency_users, scale.units)
    step = scale.units // count
    liaisons = [LIAISON_BASE + (k * step) * scale.liaisons_per_unit for k in range(count)]
    coordinators = [COORDINATOR_BASE + k for k in range(min(count, scale.coordinators))]
    return liaisons, coordinators


async def _sandbox(limits: bool, scale: Scale, work_dir: Path) -> SandboxProcess:
    sandbox = await start_sandbox(limits, work_dir / "sandbox.log")
    await sandbox.add_people(people(scale))
    return sandbox


async def run_backend(
    backend: str, url: str, scale: Scale, work_dir: Path, reuse: bool, say: Any
) -> BackendResult:
    await prepare_database(url, reuse)
    say(f"[{backend}] building the city ({scale.reminders:,} reminder rows)…")
    info = await build(url, scale, now(), reuse=reuse)
    say(f"[{backend}] built in {info.seconds:.0f}s{' (reused)' if info.reused else ''}")
    data_dir = work_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    log = work_dir / f"bot-{backend}.log"

    sandbox = await _sandbox(True, scale, work_dir)
    try:
        await prepare_due(url, info.due_ids, now())
        pairs = await due_pairs(url, info.due_ids)
        # A coordinator's command waits for the bot before it starts, as the naive bot's does.
        await sandbox.client.send_text(ASKER, "/help")
        bots = spawn_bots(bot_env(sandbox.url, url, data_dir), log, scale.workers)
        bot = bots[0]
        try:
            startup = await wait_ready(sandbox, bot)
            say(
                f"[{backend}] bot ready in {startup.ready:.2f}s; "
                f"delivering {len(pairs):,} reminders"
            )
            delivery = await census(
                sandbox,
                pairs,
                info.due_ids,
                url,
                bot.spawned_at,
                scale.settle_timeout,
                scale.settle_grace,
            )
            answered = await first_message_after(sandbox, ASKER, bot.spawned_at)
            say(f"[{backend}] delivery {delivery.messages_per_second:.1f} msg/s; commands…")
            liaisons, coordinators = latency_users(scale)
            latency = [
                await measure_command(
                    sandbox, label, text, users, scale.latency_rounds, scale.round_spacing
                )
                for label, text, users in (
                    ("/mytasks", "/mytasks", liaisons),
                    ("/status (liaison)", "/status", liaisons),
                    ("/status (coordinator)", "/status", coordinators),
                )
            ]
            rss = bot.peak_rss_mb()
            workers_rss = [other.peak_rss_mb() for other in bots[1:]]
        finally:
            stop_bots(bots)
    finally:
        await sandbox.stop()

    say(f"[{backend}] capacity with the limits off…")
    sandbox = await _sandbox(False, scale, work_dir)
    try:
        await prepare_due(url, info.due_ids, now())
        bots = spawn_bots(bot_env(sandbox.url, url, data_dir, **UNLIMITED), log, scale.workers)
        bot = bots[0]
        try:
            await wait_ready(sandbox, bot)
            capacity = await census(
                sandbox,
                pairs,
                info.due_ids,
                url,
                bot.spawned_at,
                scale.settle_timeout,
                scale.settle_grace,
            )
            capacity_rss = bot.peak_rss_mb()
        finally:
            stop_bots(bots)
        chats = [chat for chat, _name in people(scale)[: scale.units]]
        ceiling = await sender_ceiling(sandbox, chats, scale.ceiling_messages, WIRE)
    finally:
        await sandbox.stop()

    say(f"[{backend}] delivery over links with round trips…")
    links = await measure_links(url, scale, work_dir, info.due_ids, people(scale), say)

    say(f"[{backend}] tick cost…")
    started = time.perf_counter()
    tick = await measure_tick(url, info.due_ids, scale.tick_samples)
    say(f"[{backend}] tick measured in {time.perf_counter() - started:.0f}s")
    return BackendResult(
        backend=backend,
        build=info,
        delivery=delivery,
        capacity=capacity,
        latency=latency,
        tick=tick,
        startup_seconds=startup.ready,
        startup_after_imports_seconds=startup.after_imports,
        first_answer_seconds=answered,
        peak_rss_mb=rss,
        capacity_peak_rss_mb=capacity_rss,
        sender_ceiling=ceiling,
        links=links,
        workers_peak_rss_mb=workers_rss,
    )


@dataclass
class LinksOnly:
    """`--links-only`: the city and the delivery rows over links, nothing else."""

    backend: str
    build: BuildInfo
    links: list[LinkResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "build": {"rows": self.build.rows, "due": len(self.build.due_ids)},
            "links": [link.to_json() for link in self.links],
        }


async def run_links_only(
    backend: str, url: str, scale: Scale, work_dir: Path, reuse: bool, say: Any
) -> LinksOnly:
    await prepare_database(url, reuse)
    say(f"[{backend}] building the city ({scale.reminders:,} reminder rows)…")
    info = await build(url, scale, now(), reuse=reuse)
    say(f"[{backend}] delivery over links with round trips…")
    links = await measure_links(url, scale, work_dir, info.due_ids, people(scale), say)
    return LinksOnly(backend, info, links)
