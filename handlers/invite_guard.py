"""Invite-token guessing: after too many invalid /start tokens, refuse attempts for a while.

Tokens carry 192 random bits, so guessing is hopeless anyway; this keeps a script from
hammering the database and makes a probe visible in the log. State lives in memory, per
process (a restart forgives; several webhook workers each allow their own quota), keyed by
Telegram user id, and is read against the injected clock so tests can move time.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=10)
LOCKOUT = timedelta(minutes=30)
MAX_TRACKED = 10_000


@dataclass
class _Record:
    failures: deque[datetime]
    locked_until: datetime | None = None


@dataclass
class InviteGuard:
    """Counts failed redemptions per user; `locked_until` answers whether to refuse."""

    max_failures: int = MAX_FAILURES
    window: timedelta = WINDOW
    lockout: timedelta = LOCKOUT
    _records: dict[int, _Record] = field(default_factory=dict)

    def locked_until(self, user_id: int, now: datetime) -> datetime | None:
        """When this user may try again, or None when they may try now."""
        record = self._records.get(user_id)
        if record is None or record.locked_until is None:
            return None
        if now >= record.locked_until:
            del self._records[user_id]
            return None
        return record.locked_until

    def failed(self, user_id: int, now: datetime) -> datetime | None:
        """Count a failed attempt; returns the lockout's end when this one starts it."""
        if len(self._records) >= MAX_TRACKED:
            self._forget_old(now)
        record = self._records.setdefault(user_id, _Record(deque(maxlen=self.max_failures)))
        record.failures.append(now)
        recent = [moment for moment in record.failures if now - moment < self.window]
        if len(recent) >= self.max_failures:
            record.locked_until = now + self.lockout
            return record.locked_until
        return None

    def succeeded(self, user_id: int) -> None:
        self._records.pop(user_id, None)

    def _forget_old(self, now: datetime) -> None:
        stale = [
            uid
            for uid, record in self._records.items()
            if (record.locked_until is None or record.locked_until <= now)
            and (not record.failures or now - record.failures[-1] >= self.window)
        ]
        for uid in stale:
            del self._records[uid]
