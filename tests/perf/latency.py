"""Command latency with many users at once, measured by the sandbox: from the moment it
recorded the user's message (and queued the update) to the moment it accepted the bot's reply.
The client-side figure (send_text → wait_for returns) is kept beside it in the JSON.

Two patterns; a user writes again only `spacing` seconds (more than one) after the bot's
last reply reached them, so Telegram's per-chat limit can stay on without a reply ever
waiting for it, and the bot's flood gate stays quiet:

- steady: every user in a loop — ask, wait for the reply, pause `spacing` plus up to half a
  second — started at random offsets, so the users are all active at once but their
  messages arrive spread out, as people's do;
- burst: every user sends at the same instant, `rounds` times: the worst case, where the
  last reply waits for the nineteen before it.

One warm-up burst is not counted.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import asdict, dataclass
from typing import Any

from tests.perf.processes import SandboxProcess

SEED = 9


@dataclass(frozen=True)
class LatencyResult:
    command: str
    users: int
    samples: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    client_p50_ms: float
    client_p99_ms: float
    burst_samples: int
    burst_p50_ms: float
    burst_p95_ms: float
    burst_p99_ms: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


class _Users:
    """The users' chats and the last history entry each has seen."""

    def __init__(self, sandbox: SandboxProcess, users: list[int], text: str) -> None:
        self.sandbox = sandbox
        self.users = users
        self.text = text
        self.last: dict[int, int] = {}

    async def start(self) -> None:
        seq = await self.sandbox.last_seq()
        self.last = dict.fromkeys(self.users, seq)

    async def ask(self, user: int) -> float:
        """Milliseconds from sending to the reply as the client sees it."""
        started = time.monotonic()
        await self.sandbox.client.send_text(user, self.text)
        replies = await self.sandbox.client.wait_for(
            user, 1, after=self.last[user], timeout=30, kinds=["message"]
        )
        self.last[user] = int(replies[-1]["seq"])
        return (time.monotonic() - started) * 1000

    async def burst(self, rounds: int, spacing: float) -> None:
        for _ in range(rounds):
            await asyncio.gather(*(self.ask(user) for user in self.users))
            await asyncio.sleep(spacing)

    async def steady(self, rounds: int, spacing: float) -> list[float]:
        rng = random.Random(SEED)
        offsets = {user: rng.uniform(0, spacing) for user in self.users}
        pauses = {user: [rng.uniform(0, 0.5) for _ in range(rounds)] for user in self.users}
        client: list[float] = []

        async def loop(user: int) -> None:
            await asyncio.sleep(offsets[user])
            for pause in pauses[user]:
                client.append(await self.ask(user))
                await asyncio.sleep(spacing + pause)

        await asyncio.gather(*(loop(user) for user in self.users))
        return client


async def measure_command(
    sandbox: SandboxProcess,
    label: str,
    text: str,
    users: list[int],
    rounds: int,
    spacing: float,
) -> LatencyResult:
    people = _Users(sandbox, users, text)
    await people.start()
    await people.burst(1, spacing)  # warm-up
    steady_from = await sandbox.last_seq()
    client = await people.steady(rounds, spacing)
    burst_from = await sandbox.last_seq()
    await people.burst(rounds, spacing)
    chats = set(users)
    steady = _pair([e for e in await sandbox.log(steady_from) if e[0] <= burst_from], chats)
    burst = _pair(await sandbox.log(burst_from), chats)
    return LatencyResult(
        command=label,
        users=len(users),
        samples=len(steady),
        p50_ms=percentile(steady, 50),
        p95_ms=percentile(steady, 95),
        p99_ms=percentile(steady, 99),
        max_ms=max(steady),
        client_p50_ms=percentile(client, 50),
        client_p99_ms=percentile(client, 99),
        burst_samples=len(burst),
        burst_p50_ms=percentile(burst, 50),
        burst_p95_ms=percentile(burst, 95),
        burst_p99_ms=percentile(burst, 99),
    )


def _pair(entries: list[list[Any]], chats: set[int]) -> list[float]:
    """Milliseconds from each user message to the bot's next message in the same chat."""
    asked: dict[int, float] = {}
    latencies: list[float] = []
    for _seq, kind, chat, at, _data in entries:
        if chat not in chats:
            continue
        if kind == "user_message":
            asked[chat] = at
        elif kind == "message" and chat in asked:
            latencies.append((at - asked.pop(chat)) * 1000)
    return latencies
