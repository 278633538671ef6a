"""Group commit for sent messages: one transaction every few milliseconds, not one per message.

The dispatcher hands each sent message's rows to a `SentRecorder`, which commits them in
batches. Few messages are then ever "sent but not yet recorded" — the only ones a crash can
send twice — and the outbox keeps up with the sender.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.delivery import outbox
from scheduling.delivery.ports import Clock


class SentRecorder:
    """Collects the rows of sent messages and commits them every FLUSH_EVERY seconds.

    When the event loop is saturated (hundreds of messages a second) a flush can fall
    behind; senders then wait for it (`room`), so what a crash can double stays bounded by
    MAX_UNRECORDED plus the requests on the wire.
    """

    FLUSH_EVERY = 0.02
    MAX_UNRECORDED = 100

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], worker: str, clock: Clock
    ) -> None:
        self.sessions = sessions
        self.worker = worker
        self.clock = clock
        self.pending: list[tuple[list[int], int | None]] = []
        self.unrecorded = 0  # sent messages not yet committed as sent
        self.closing = False
        self.failed = False
        self.wake = asyncio.Event()
        self.recorded = asyncio.Event()

    def add(self, ids: list[int], message_id: int | None) -> None:
        self.pending.append((ids, message_id))
        self.unrecorded += 1
        self.wake.set()

    async def room(self) -> None:
        """Wait while too many sent messages are not recorded yet."""
        while self.unrecorded >= self.MAX_UNRECORDED and not self.failed:
            self.recorded.clear()
            await self.recorded.wait()

    async def close(self) -> None:
        self.closing = True
        self.wake.set()

    async def run(self) -> None:
        try:
            while True:
                await self.wake.wait()
                self.wake.clear()
                if not self.closing:
                    await asyncio.sleep(self.FLUSH_EVERY)  # gather what the others send
                await self.flush()
                if self.closing and not self.pending:
                    return
        except BaseException:
            self.failed = True
            self.recorded.set()
            raise

    async def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await outbox.mark_many_sent(session, batch, self.worker, now)
            await outbox.record_sent_attempts(
                session, [i for ids, _message_id in batch for i in ids], now, self.worker
            )
        self.unrecorded -= len(batch)
        self.recorded.set()
