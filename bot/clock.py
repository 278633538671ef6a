"""The one place that reads the wall clock; everything else takes a Clock.

"Today" is always a day in a zone — the deployment's, for duties and reminders — and is
computed here (`Clock.today`, `local_date`), never by hand: the UTC date is a day behind in
China until 8 in the morning.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day an aware moment falls on in `zone`."""
    return moment.astimezone(zone).date()


class Clock(ABC):
    """Anything that tells the current aware UTC time."""

    @abstractmethod
    def now(self) -> datetime: ...

    def today(self, zone: ZoneInfo) -> date:
        """Today in `zone` (the deployment's zone for anything about duties)."""
        return local_date(self.now(), zone)


class SystemClock(Clock):
    """The real clock, used in production."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock(Clock):
    """A clock tests and `dutybot simulate` move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SettableClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("SettableClock needs an aware datetime")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
