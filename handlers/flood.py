"""A per-user flood gate: past N updates in a sliding window, answer once, drop the rest.

Kept in memory (one process's view is enough to protect that process) and measured on the
monotonic clock, not the injected one: it guards the real rate at which updates arrive, which
a test's frozen clock must not stretch. Memory stays bounded: N+1 instants per active user,
and users quiet for a whole window are forgotten.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class FloodVerdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: tell the user once
    DROP = "drop"  # every further one while the flood lasts


@dataclass
class _Track:
    stamps: deque[float]
    warned: bool = False


@dataclass
class FloodGate:
    """Allows `limit` updates per user in any `window` seconds."""

    limit: int = 20
    window: float = 5.0
    monotonic: Callable[[], float] = time.monotonic
    _tracks: dict[int, _Track] = field(default_factory=dict)
    _checks: int = 0
    dropped: int = 0
    warned: int = 0

    def check(self, user_id: int) -> FloodVerdict:
        now = self.monotonic()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_quiet(now)
        track = self._tracks.get(user_id)
        if track is None:
            track = self._tracks[user_id] = _Track(deque(maxlen=self.limit + 1))
        track.stamps.append(now)
        flooding = len(track.stamps) > self.limit and now - track.stamps[0] < self.window
        if not flooding:
            track.warned = False
            return FloodVerdict.ALLOW
        if track.warned:
            self.dropped += 1
            return FloodVerdict.DROP
        track.warned = True
        self.warned += 1
        return FloodVerdict.WARN

    def _forget_quiet(self, now: float) -> None:
        quiet = [uid for uid, t in self._tracks.items() if now - t.stamps[-1] >= self.window]
        for uid in quiet:
            del self._tracks[uid]

    @property
    def tracked_users(self) -> int:
        return len(self._tracks)
