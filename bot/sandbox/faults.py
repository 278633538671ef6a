"""Fault injection: latency, 5xx, hangs, connection resets, 429 storms and bad chats.

Counted faults ("the next N calls") are consumed in a fixed order so a test knows which one
it gets: reset, then timeout, then flood (429), then error (5xx next N, then error_rate).
They apply to the methods in `methods` (default: the message-sending ones; "*" = all).
Chat faults (blocked / missing / migrated) persist until cleared and apply to every method
called with that chat_id. Latency applies to every Bot API call: `latency_ms` + uniform(0,
`jitter_ms`) before the call is handled, and a round trip `round_trip_ms` ±
`round_trip_jitter_ms` (uniform) split between the way there (before the call is handled)
and the way back (before its answer leaves), each way varying on its own, as on a real link.
With `seed` set, the draws repeat run after run.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bot.sandbox.errors import ApiError, ControlError, bad_request, chat_not_found, forbidden

DEFAULT_FAULT_METHODS = ["sendMessage", "sendDocument", "sendPhoto"]
_DURATIONS = ("latency_ms", "jitter_ms", "round_trip_ms", "round_trip_jitter_ms", "hang_seconds")


@dataclass
class FaultConfig:
    """The knobs of POST /_sandbox/faults (JSON field names are these attribute names)."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    round_trip_ms: float = 0.0
    round_trip_jitter_ms: float = 0.0
    methods: list[str] = field(default_factory=lambda: list(DEFAULT_FAULT_METHODS))
    error_next: int = 0
    error_rate: float = 0.0
    error_code: int = 500
    timeout_next: int = 0
    hang_seconds: float = 30.0
    deliver_before_hang: bool = False
    reset_next: int = 0
    flood_next: int = 0
    flood_retry_after: int = 5
    blocked_chats: list[int] = field(default_factory=list)
    missing_chats: list[int] = field(default_factory=list)
    migrated_chats: dict[int, int] = field(default_factory=dict)
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["migrated_chats"] = {str(k): v for k, v in self.migrated_chats.items()}
        return data


def _as_int(name: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ControlError(400, f"{name} must be an integer >= {minimum}")
    return value


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ControlError(400, f"{name} must be a number >= 0")
    return float(value)


def _as_chat_ids(name: str, value: Any) -> list[int]:
    if not isinstance(value, list):
        raise ControlError(400, f"{name} must be a list of chat ids")
    return [_as_int(name, v, minimum=-(10**15)) for v in value]


class FaultInjector:
    """Holds the fault config and decides, call by call, which fault (if any) fires."""

    def __init__(self) -> None:
        self.config = FaultConfig()
        self._rng = random.Random()
        self._link_rng = random.Random()

    def clear(self) -> None:
        self.config = FaultConfig()
        self._rng = random.Random()
        self._link_rng = random.Random()

    def update(self, changes: dict[str, Any]) -> FaultConfig:
        """Merge a partial config; `{"clear": true}` first resets everything."""
        changes = dict(changes)
        if changes.pop("clear", False):
            self.clear()
        known = {f.name for f in fields(FaultConfig)}
        unknown = set(changes) - known
        if unknown:
            raise ControlError(400, f"unknown fault fields: {sorted(unknown)}")
        config = self.config
        for name, value in changes.items():
            if name in _DURATIONS:
                setattr(config, name, _as_float(name, value))
            elif name == "error_rate":
                rate = _as_float(name, value)
                if rate > 1:
                    raise ControlError(400, "error_rate must be between 0 and 1")
                config.error_rate = rate
            elif name == "error_code":
                if value not in (500, 502):
                    raise ControlError(400, "error_code must be 500 or 502")
                config.error_code = value
            elif name in ("error_next", "timeout_next", "reset_next", "flood_next"):
                setattr(config, name, _as_int(name, value))
            elif name == "flood_retry_after":
                config.flood_retry_after = _as_int(name, value, minimum=1)
            elif name == "deliver_before_hang":
                config.deliver_before_hang = bool(value)
            elif name == "methods":
                if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
                    raise ControlError(400, 'methods must be a list of method names or ["*"]')
                config.methods = list(value)
            elif name in ("blocked_chats", "missing_chats"):
                setattr(config, name, _as_chat_ids(name, value))
            elif name == "migrated_chats":
                if not isinstance(value, dict):
                    raise ControlError(400, "migrated_chats must map old chat id to new chat id")
                try:
                    config.migrated_chats = {int(k): int(v) for k, v in value.items()}
                except (TypeError, ValueError):
                    raise ControlError(400, "migrated_chats ids must be integers") from None
            elif name == "seed":
                config.seed = None if value is None else _as_int(name, value, minimum=-(2**62))
                self._rng = random.Random(config.seed)
                self._link_rng = random.Random(f"link:{config.seed}")
        return config

    def applies_to(self, method: str) -> bool:
        wanted = {m.lower() for m in self.config.methods}
        return "*" in wanted or method.lower() in wanted

    async def delay(self) -> bool:
        """Sleep the configured latency (plus jitter); True if any latency was added."""
        there, _back = self.legs()
        if there is None:
            return False
        await asyncio.sleep(there)
        return True

    def legs(self) -> tuple[float | None, float]:
        """Seconds for this call's way there and way back (None there: no latency at all)."""
        config = self.config
        if max(config.latency_ms, config.jitter_ms, config.round_trip_ms) <= 0:
            return None, 0.0
        there = config.latency_ms
        if config.jitter_ms > 0:
            there += self._rng.uniform(0, config.jitter_ms)
        back = 0.0
        if config.round_trip_ms > 0:
            half, wobble = config.round_trip_ms / 2, config.round_trip_jitter_ms / 2
            there += max(0.0, half + self._link_rng.uniform(-wobble, wobble))
            back = max(0.0, half + self._link_rng.uniform(-wobble, wobble))
        return there / 1000, back / 1000

    def take(self, method: str) -> str | None:
        """Consume and return the counted fault for this call: reset/timeout/flood/error."""
        if not self.applies_to(method):
            return None
        config = self.config
        for name in ("reset", "timeout", "flood", "error"):
            remaining = getattr(config, f"{name}_next")
            if remaining > 0:
                setattr(config, f"{name}_next", remaining - 1)
                return name
        if config.error_rate > 0 and self._rng.random() < config.error_rate:
            return "error"
        return None

    def server_error(self) -> ApiError:
        if self.config.error_code == 502:
            return ApiError(502, "Bad Gateway")
        return ApiError(500, "Internal Server Error")

    def chat_fault(self, chat_id: int) -> tuple[str, ApiError] | None:
        """The persistent per-chat fault for this chat, if one is configured."""
        config = self.config
        if chat_id in config.missing_chats:
            return "missing_chat", chat_not_found()
        if chat_id in config.blocked_chats:
            return "blocked", forbidden("bot was blocked by the user")
        if chat_id in config.migrated_chats:
            error = bad_request("group chat was upgraded to a supergroup chat")
            error.parameters = {"migrate_to_chat_id": config.migrated_chats[chat_id]}
            return "migrated", error
        return None
