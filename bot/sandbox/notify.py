"""A tiny broadcast signal: long polls, webhook workers and /wait sleep on it."""

from __future__ import annotations

import asyncio


class Notifier:
    """Wakes every current waiter at once when `notify()` is called.

    Each notification swaps in a fresh event, so a waiter that checks its condition and then
    calls `wait()` (with no await in between) can never miss a change.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting now; later waiters wait for the next notification."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Sleep until the next notification or `timeout` seconds; True if notified."""
        event = self._event
        if timeout <= 0:
            return False
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True
