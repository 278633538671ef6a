"""Delivery over a real link: the same due set as the delivery row, sent through the sandbox
with Telegram's limits on and each call's round trip 0, 150 or 300 ms ± 50 ms (the sandbox's
`round_trip_ms` / `round_trip_jitter_ms`: half each way, each way varying on its own, seeded).

The pacer learns the link from its round trips; what it must show is that it still reaches
Telegram's 30 messages/s (≥ 93%) with nothing lost, nothing doubled, and few or no 429s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.perf.delivery import DeliveryResult, census, due_pairs
from tests.perf.loading import prepare_due
from tests.perf.processes import (
    SandboxProcess,
    bot_env,
    spawn_bots,
    start_sandbox,
    stop_bots,
    wait_ready,
)
from tests.perf.scale import Scale

ROUND_TRIPS_MS = (0, 150, 300)
JITTER_MS = 50


@dataclass(frozen=True)
class LinkResult:
    round_trip_ms: int
    jitter_ms: int
    delivery: DeliveryResult

    def to_json(self) -> dict[str, Any]:
        return {
            "round_trip_ms": self.round_trip_ms,
            "jitter_ms": self.jitter_ms,
            "delivery": self.delivery.to_json(),
        }


async def _one_link(
    url: str,
    scale: Scale,
    work_dir: Path,
    due_ids: list[int],
    people: list[tuple[int, str]],
    round_trip: int,
) -> LinkResult:
    jitter = JITTER_MS if round_trip else 0
    sandbox: SandboxProcess = await start_sandbox(True, work_dir / "sandbox.log")
    try:
        await sandbox.add_people(people)
        await sandbox.client.set_faults(
            round_trip_ms=round_trip, round_trip_jitter_ms=jitter, seed=round_trip
        )
        await prepare_due(url, due_ids, datetime.now(UTC))
        pairs = await due_pairs(url, due_ids)
        data_dir = work_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = bot_env(sandbox.url, url, data_dir)
        bots = spawn_bots(env, work_dir / "bot-links.log", scale.workers)
        bot = bots[0]
        try:
            await wait_ready(sandbox, bot)
            delivery = await census(
                sandbox,
                pairs,
                due_ids,
                url,
                bot.spawned_at,
                scale.settle_timeout,
                scale.settle_grace,
            )
        finally:
            stop_bots(bots)
    finally:
        await sandbox.stop()
    return LinkResult(round_trip, jitter, delivery)


async def measure_links(
    url: str,
    scale: Scale,
    work_dir: Path,
    due_ids: list[int],
    people: list[tuple[int, str]],
    say: Any,
) -> list[LinkResult]:
    results = []
    for round_trip in ROUND_TRIPS_MS:
        result = await _one_link(url, scale, work_dir, due_ids, people, round_trip)
        d = result.delivery
        say(
            f"  link {round_trip} ± {result.jitter_ms} ms: {d.messages_per_second:.1f} msg/s "
            f"({d.percent_of_limit:.1f}%), lost {d.lost}, duplicated {d.duplicated}, "
            f"429s {d.answered_429}"
        )
        results.append(result)
    return results


def link_label(result: LinkResult) -> str:
    jitter = f" ± {result.jitter_ms}" if result.jitter_ms else ""
    return f"{result.round_trip_ms}{jitter} ms"
