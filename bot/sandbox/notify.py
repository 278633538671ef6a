"""A tiny broadcast signal: long polls, webhook workers and /wait sleep on it."""

from __future__ import annotations

import asyncio


class Notifier:
    """Wakes every current waiter at once when `notify()` is called.

    Each notification resolves the current future and the next waiter gets a fresh one, so a
    waiter that checks its condition and then calls `wait()` (with no await in between) can
    never miss a change. `asyncio.wait` is used rather than `wait_for`, whose Python 3.11
    version can swallow a cancellation that races with a notification.
    """

    def __init__(self) -> None:
        self._future: asyncio.Future[None] | None = None

    def notify(self) -> None:
        """Wake everyone waiting now; later waiters wait for the next notification."""
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
        self._future = None

    async def wait(self, timeout: float) -> bool:
        """Sleep until the next notification or `timeout` seconds; True if notified."""
        if timeout <= 0:
            return False
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
        done, _ = await asyncio.wait({self._future}, timeout=timeout)
        return bool(done)
