"""Telegram's flood limits: per bot, per private chat and per group, as sliding windows.

Only successful sends consume the budget; a refused call answers 429 with the whole seconds
until the oldest counted send leaves its window (at least 1), like Telegram's retry_after.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from bot.sandbox.errors import ControlError, too_many_requests

# Methods that deliver a message and therefore count against the limits.
COUNTED_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})


@dataclass
class Limits:
    """The knobs of POST /_sandbox/limits; off unless `enabled`."""

    enabled: bool = False
    per_bot_per_second: int = 30
    per_private_chat_per_second: int = 1
    per_group_per_minute: int = 20

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> Limits:
        """A copy with the given fields changed; unknown or invalid fields are refused."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ControlError(400, f"unknown limit fields: {sorted(unknown)}")
        values = self.to_json()
        for name, value in changes.items():
            if name == "enabled":
                values[name] = bool(value)
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ControlError(400, f"{name} must be a positive integer")
            values[name] = value
        return Limits(**values)


class RateLimiter:
    """Sliding-window counters; `check` before a send, `record` after it succeeded."""

    def __init__(self, limits: Limits, monotonic: Callable[[], float]) -> None:
        self.limits = limits
        self._monotonic = monotonic
        self._windows: dict[tuple[Any, ...], deque[float]] = {}

    def clear(self) -> None:
        self._windows.clear()

    def _rules(self, bot_id: int, chat_id: int) -> list[tuple[tuple[Any, ...], float, int]]:
        limits = self.limits
        rules: list[tuple[tuple[Any, ...], float, int]] = [
            (("bot", bot_id), 1.0, limits.per_bot_per_second)
        ]
        if chat_id > 0:
            rules.append((("chat", bot_id, chat_id), 1.0, limits.per_private_chat_per_second))
        else:
            rules.append((("chat", bot_id, chat_id), 60.0, limits.per_group_per_minute))
        return rules

    def check(self, bot_id: int, chat_id: int) -> None:
        """Raise the 429 Telegram would answer if this send broke any limit now."""
        if not self.limits.enabled:
            return
        now = self._monotonic()
        wait = 0.0
        for key, window, cap in self._rules(bot_id, chat_id):
            stamps = self._windows.get(key)
            if stamps is None:
                continue
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            if len(stamps) >= cap:
                wait = max(wait, stamps[len(stamps) - cap] + window - now)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))

    def record(self, bot_id: int, chat_id: int) -> None:
        """Count a delivered message (also while disabled, so enabling mid-run is fair)."""
        now = self._monotonic()
        for key, window, _ in self._rules(bot_id, chat_id):
            stamps = self._windows.setdefault(key, deque())
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            stamps.append(now)
