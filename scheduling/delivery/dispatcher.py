"""Deliver due reminders from the outbox: claim, send, retry, record.

"Query due rows, send, mark, commit" — one tick of it runs on python-telegram-bot's JobQueue
(see handlers/jobs.py). Every attempt is recorded. A 429 is waited out (honouring
retry_after) and retried without being counted as lost; transient faults back off with
jitter; a blocked user or a vanished chat stops retrying and is reported to `Recipients`.

The dispatcher decides nothing about words or people: which claimed rows still go is
`triage`, the messages come from a `MessageComposer`, what an unreachable member or a
migrated chat means is the `Recipients`' business, and sent rows are committed in groups
(`group_commit`). All three ports are filled from above (`bot.delivery.dispatcher`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduling.delivery import outbox
from scheduling.delivery.group_commit import SentRecorder
from scheduling.delivery.pacing import Pacer
from scheduling.delivery.ports import Addressed, Clock, MessageComposer, Recipients
from scheduling.delivery.sender import MessageSender, Outcome, OutgoingMessage, SendResult
from scheduling.delivery.share import JOIN_WAIT_BEATS, WorkerRoll
from scheduling.delivery.triage import Triage, triage
from storage.models import Reminder, ReminderKind, ReminderState

log = logging.getLogger(__name__)

MAX_TRANSIENT_IN_TICK = 2
MAX_RATE_LIMITED_IN_TICK = 20
MAX_ATTEMPTS = 12


@dataclass
class DeliveryConfig:
    worker: str
    batch_size: int = 300
    lease: timedelta = timedelta(seconds=90)
    # A tick keeps delivering while reminders are due, so a backlog flows without waiting
    # for the next tick; the budget only bounds one tick's life.
    tick_budget_seconds: float = 600.0
    backoff_base: float = 5.0
    backoff_cap: float = 900.0
    # Requests on the wire at once: plenty for 30/s at Telegram's round trips (and a few
    # hung requests), few enough that the HTTP client's connection pool, which scans every
    # connection for each request, stays small; unbounded, 300 sends at once cost the bot
    # more CPU per message than the sending itself.
    max_concurrent_sends: int = 16


@dataclass
class TickReport:
    claimed: int = 0
    messages_sent: int = 0
    reminders_sent: int = 0
    collapsed: int = 0
    cancelled: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    unreachable_members: list[int] = field(default_factory=list)

    def add(self, other: TickReport) -> None:
        for name in (
            "claimed",
            "messages_sent",
            "reminders_sent",
            "collapsed",
            "cancelled",
            "failed",
            "retried",
            "rate_limited",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unreachable_members.extend(other.unreachable_members)


class Dispatcher:
    """One worker's delivery loop over the shared outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: MessageSender,
        clock: Clock,
        composer: MessageComposer,
        recipients: Recipients,
        config: DeliveryConfig,
        pacer: Pacer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        roll: WorkerRoll | None = None,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.clock = clock
        self.composer = composer
        self.recipients = recipients
        self.config = config
        self.pacer = pacer or Pacer()
        self._monotonic = monotonic
        self._tick_lock = asyncio.Lock()
        self._recorder = SentRecorder(sessions, config.worker, clock)
        self._batches_in_flight = 0
        self._wire = asyncio.Semaphore(config.max_concurrent_sends)
        self.roll = roll or WorkerRoll(sessions, config.worker, clock, monotonic=monotonic)
        self._sending = False

    async def release_own_claims(self) -> int:
        """At start-up: rows this worker id claimed before a crash go back to the queue now
        instead of waiting for their lease to run out."""
        async with self.sessions() as session, session.begin():
            return await outbox.release_claims_of(session, self.config.worker)

    async def tick(self) -> TickReport:
        """Send everything due now, batch after batch, within the tick's time budget.

        Batches overlap: the next one is claimed and rendered while the one before is still
        going out, so the pacer never idles waiting for the database. At most two batches are
        in flight (the next is claimed only once the one before the current has finished),
        which keeps every claimed row well inside its lease.
        """
        report = TickReport()
        if self._tick_lock.locked():
            return report
        async with self._tick_lock:
            deadline = self._monotonic() + self.config.tick_budget_seconds
            self._recorder = SentRecorder(self.sessions, self.config.worker, self.clock)
            flusher = asyncio.create_task(self._recorder.run())
            beater = asyncio.create_task(self._keep_beating())
            in_flight: list[asyncio.Task[TickReport]] = []
            try:
                while self._monotonic() < deadline:
                    ids = await self._claim()
                    if not ids:
                        if not in_flight:
                            break
                        # Sending may queue rows due now (a notice to the coordinators):
                        # look again once the batch has finished, as one batch at a time did.
                        report.add(await in_flight.pop(0))
                        continue
                    batch = TickReport(claimed=len(ids))
                    outgoing = await self._prepare(ids, batch)
                    report.add(batch)
                    task = asyncio.create_task(self._send_batch(outgoing))
                    self._batches_in_flight += 1
                    task.add_done_callback(self._batch_done)
                    in_flight.append(task)
                    if len(in_flight) > 1:
                        report.add(await in_flight.pop(0))
                while in_flight:
                    report.add(await in_flight.pop(0))
                await self._take_share(sending=False)  # the others take the whole rate back
            except asyncio.CancelledError:  # shutting down: stop sending, record what went
                for task in in_flight:
                    task.cancel()
                raise
            finally:  # any other error: let the batches in flight finish first
                beater.cancel()
                for task in [*in_flight, beater]:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await self._recorder.close()
                await flusher
        return report

    async def leave(self) -> None:
        """Stopping: off the workers' roll, so the others take the bot's whole rate back."""
        await self.roll.leave()

    async def _take_share(self, sending: bool) -> None:
        """Beat on the workers' roll (each beat, or at once when this worker starts or stops
        sending) and pace at this worker's share of the bot's rate. A worker that starts
        sending while others are on the roll waits until any of them sending has slowed down."""
        changed = sending != self._sending
        if not (changed or self.roll.due(sending)):
            return
        roll = await self.roll.beat(sending)
        # Set before the wait, so that a background beat meanwhile says "sending" too.
        self._sending = sending
        if changed and sending and roll.live > 1:
            await asyncio.sleep(self.roll.interval * JOIN_WAIT_BEATS)
            roll = await self.roll.beat(sending)
        share = max(1, roll.sending)
        if sending and share != self.pacer.share:  # idle, the share waits for the next send
            log.info("%d workers sending: this one at 1/%d of the bot's rate", share, share)
            self.pacer.set_share(share)

    async def _keep_beating(self) -> None:
        """Beat through a long tick too, so a worker that starts sending is seen within a beat."""
        while True:
            await asyncio.sleep(self.roll.interval)
            try:
                await self._take_share(self._sending)
            except Exception:  # a missed beat costs nothing but a slower share change
                log.warning("could not beat on the delivery workers' roll", exc_info=True)

    async def _claim(self) -> list[int]:
        now = self.clock.now()
        # Our own rows are released only when none is in flight or sent but unrecorded (as
        # when one batch went at a time): a lease that ran out must not send them twice.
        busy = self._batches_in_flight > 0 or self._recorder.unrecorded > 0
        async with self.sessions() as session, session.begin():
            await outbox.release_expired_claims(
                session, now, spare_worker=self.config.worker if busy else None
            )
        batch = min(self.config.batch_size, max(10, int(self.pacer.per_second * 30)))
        async with self.sessions() as session, session.begin():
            ids = await outbox.claim_due(session, self.config.worker, now, self.config.lease, batch)
        await self._take_share(sending=bool(ids) or self._batches_in_flight > 0)
        return ids

    def _batch_done(self, _task: asyncio.Task[TickReport]) -> None:
        self._batches_in_flight -= 1

    async def _send_batch(self, outgoing: list[Addressed]) -> TickReport:
        """One claimed batch: each chat's messages in order, the chats concurrently (the
        shared pacer keeps the limits across batches)."""
        report = TickReport()
        by_chat: dict[int, list[Addressed]] = defaultdict(list)
        for item in outgoing:
            by_chat[item.chat_id].append(item)
        results = await asyncio.gather(
            *(self._send_chat(items) for items in by_chat.values()), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                log.error("delivery to a chat failed unexpectedly", exc_info=result)
                continue
            report.add(result)
        return report

    async def _prepare(self, ids: list[int], report: TickReport) -> list[Addressed]:
        """Load the claimed rows, settle those that no longer go, have the rest composed."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            sorted_rows = triage(await outbox.load_claimed(session, ids))
            await self._settle(session, sorted_rows, report)
        outgoing: list[Addressed] = []
        if sorted_rows.due:
            async with self.sessions() as session:
                outgoing.extend(await self.composer.reminders(session, sorted_rows.due, now))
        for row in sorted_rows.notices:
            if row.kind is ReminderKind.DIGEST:
                outgoing.extend(await self._digest(row, now, report))
                continue
            chat = row.chat_id or 0
            outgoing.append(Addressed(chat, chat < 0, row.member_id, self.composer.notice(row)))
        return outgoing

    async def _settle(self, session: AsyncSession, rows: Triage, report: TickReport) -> None:
        """Record the rows that will not be sent: closed meanwhile, unreachable, collapsed."""
        worker = self.config.worker
        if rows.closed:
            await outbox.mark_final(
                session, rows.closed, worker, ReminderState.CANCELLED, "closed", count_attempt=False
            )
            report.cancelled += len(rows.closed)
        if rows.unreachable:
            await outbox.mark_final(
                session, rows.unreachable, worker, ReminderState.FAILED, "member unreachable"
            )
            report.failed += len(rows.unreachable)
        if rows.collapsed:
            await outbox.mark_final(
                session, rows.collapsed, worker, ReminderState.COLLAPSED, None, False
            )
            report.collapsed += len(rows.collapsed)

    async def _digest(self, row: Reminder, now: datetime, report: TickReport) -> list[Addressed]:
        """A weekly digest is composed when sent; a composing bug delays only this row."""
        try:
            async with self.sessions() as session, session.begin():
                outcome = await self.composer.digest(session, row, now)
        except Exception as exc:  # a composing bug must not stop the other reminders
            log.exception("composing digest row %s failed", row.id)
            await self._retry_later([row.id], f"{type(exc).__name__}: {exc}", report)
            return []
        if outcome.skipped:
            async with self.sessions() as session, session.begin():
                await outbox.mark_final(
                    session,
                    [row.id],
                    self.config.worker,
                    ReminderState.CANCELLED,
                    outcome.skipped,
                    count_attempt=False,
                )
                report.cancelled += 1
        chat = row.chat_id or 0
        return [Addressed(chat, chat < 0, row.member_id, m) for m in outcome.messages]

    async def _send_chat(self, items: list[Addressed]) -> TickReport:
        report = TickReport()
        for item in items:
            await self._send_one(item, report)
        return report

    async def _send_one(self, item: Addressed, report: TickReport) -> None:
        ids = item.rendered.reminder_ids
        transient = 0
        limited = 0
        chat_id = item.chat_id
        while True:
            await self._recorder.room()
            message = OutgoingMessage(
                chat_id=chat_id,
                text=item.rendered.text,
                buttons=item.rendered.buttons,
                is_group=item.is_group,
                photo=item.rendered.photo,
                photo_name=item.rendered.photo_name,
            )
            async with self.pacer.slot(chat_id, item.is_group):
                result = await self._safe_send(message)
            if result.outcome is Outcome.SENT:
                await self._record_sent(ids, result)
                report.messages_sent += 1
                report.reminders_sent += len(ids)
                return
            if result.outcome is Outcome.RATE_LIMITED:
                wait = max(1.0, result.retry_after or 1.0)
                self.pacer.pause(wait)
                report.rate_limited += 1
                await self._record_attempt(ids, "rate_limited", result.error, wait)
                limited += 1
                if limited <= MAX_RATE_LIMITED_IN_TICK:
                    continue
                await self._release(ids, timedelta(seconds=wait), result.error)
                report.retried += len(ids)
                return
            if result.outcome is Outcome.MIGRATED and result.new_chat_id:
                await self._record_attempt(ids, "migrated", result.error)
                await self._migrate_chat(chat_id, result.new_chat_id, ids)
                chat_id = result.new_chat_id
                continue
            if result.outcome is Outcome.TRANSIENT:
                await self._record_attempt(ids, "transient", result.error)
                transient += 1
                if transient <= MAX_TRANSIENT_IN_TICK:
                    await asyncio.sleep(min(2.0, 0.2 * 2**transient) * (0.5 + random.random()))
                    continue
                await self._retry_later(ids, result.error, report)
                return
            if result.outcome is Outcome.UNREACHABLE:
                await self._unreachable(item, ids, result.error or "unreachable")
                report.failed += len(ids)
                if item.member_id is not None:
                    report.unreachable_members.append(item.member_id)
                return
            await self._fail(ids, result.outcome.value, result.error)
            report.failed += len(ids)
            return

    async def _safe_send(self, message: OutgoingMessage) -> SendResult:
        try:
            async with self._wire:
                return await self.sender.send(message)
        except Exception as exc:  # a sender bug must not lose the claim silently
            log.exception("sender raised")
            return SendResult(Outcome.TRANSIENT, error=f"{type(exc).__name__}: {exc}")

    async def _record_sent(self, ids: list[int], result: SendResult) -> None:
        self._recorder.add(ids, result.message_id)

    async def _record_attempt(
        self, ids: list[int], outcome: str, error: str | None, retry_after: float | None = None
    ) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            outbox.record_attempts(
                session, ids, now, outcome, self.config.worker, error, retry_after
            )

    async def _release(self, ids: list[int], delay: timedelta, error: str | None) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await outbox.release_for_retry(session, ids, self.config.worker, now + delay, error)

    async def _retry_later(self, ids: list[int], error: str | None, report: TickReport) -> None:
        """Back off with jitter; after MAX_ATTEMPTS the rows fail and the digest shows them."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            attempts = await outbox.most_attempts(session, ids)
            if attempts + 1 >= MAX_ATTEMPTS:
                await outbox.mark_final(
                    session, ids, self.config.worker, ReminderState.FAILED, error
                )
                report.failed += len(ids)
                return
            delay = min(self.config.backoff_cap, self.config.backoff_base * 2**attempts)
            delay *= 0.5 + random.random() / 2
            await outbox.release_for_retry(
                session, ids, self.config.worker, now + timedelta(seconds=delay), error
            )
            report.retried += len(ids)

    async def _fail(self, ids: list[int], outcome: str, error: str | None) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await outbox.mark_final(session, ids, self.config.worker, ReminderState.FAILED, error)
            outbox.record_attempts(session, ids, now, outcome, self.config.worker, error)

    async def _unreachable(self, item: Addressed, ids: list[int], error: str) -> None:
        """Stop retrying; the recipients learn of it in the same transaction."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await outbox.mark_final(session, ids, self.config.worker, ReminderState.FAILED, error)
            outbox.record_attempts(session, ids, now, "unreachable", self.config.worker, error)
            if item.member_id is not None:
                await self.recipients.unreachable(session, item.member_id, item.chat_id, error, now)

    async def _migrate_chat(self, old_chat: int, new_chat: int, ids: list[int]) -> None:
        """A group became a supergroup: its bindings and its pending rows move to the new id."""
        async with self.sessions() as session, session.begin():
            await self.recipients.chat_migrated(session, old_chat, new_chat)
            await outbox.move_chat(session, old_chat, new_chat, ids)
