"""Deliver due reminders from the outbox: claim, render, pace, send, record.

"Query due rows, send, mark, commit" — one tick of it runs on python-telegram-bot's JobQueue
(see handlers/jobs.py). Every attempt is recorded. A 429 is waited out (honouring
retry_after) and retried without being counted as lost; transient faults back off with
jitter; a blocked user or a vanished chat stops retrying, marks the member unreachable and
tells the coordinators at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.compose.digest import digest_for_row
from bot.i18n import Translator, normalize_locale
from bot.render.notices import render_notice
from bot.render.reminders import ReminderEntry, RenderedMessage, render_reminders
from bot.usecases.members.notices import notify_coordinators
from scheduling.delivery import outbox
from scheduling.delivery.pacing import Pacer
from scheduling.delivery.sender import MessageSender, Outcome, OutgoingMessage, SendResult
from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    Binding,
    Duty,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderKind,
    ReminderState,
)

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(hours=2)
MAX_TRANSIENT_IN_TICK = 2
MAX_RATE_LIMITED_IN_TICK = 20
MAX_ATTEMPTS = 12


class WorkdayCounter(Protocol):
    def workdays_between(self, start: date, end: date) -> int: ...

    def is_official(self, year: int) -> bool: ...


@dataclass
class DispatchConfig:
    worker: str
    zone: ZoneInfo
    default_locale: str
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


@dataclass
class _Outgoing:
    """A rendered message and the outbox rows it settles."""

    chat_id: int
    is_group: bool
    member_id: int | None
    rendered: RenderedMessage


class Dispatcher:
    """One worker's delivery loop over the shared outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        sender: MessageSender,
        clock: Clock,
        calendar: WorkdayCounter,
        config: DispatchConfig,
        pacer: Pacer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.clock = clock
        self.calendar = calendar
        self.config = config
        self.pacer = pacer or Pacer()
        self._monotonic = monotonic
        self._tick_lock = asyncio.Lock()
        self._recorder = _SentRecorder(sessions, config.worker, clock)
        self._batches_in_flight = 0
        self._wire = asyncio.Semaphore(config.max_concurrent_sends)

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
            self._recorder = _SentRecorder(self.sessions, self.config.worker, self.clock)
            flusher = asyncio.create_task(self._recorder.run())
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
            except asyncio.CancelledError:  # shutting down: stop sending, record what went
                for task in in_flight:
                    task.cancel()
                raise
            finally:  # any other error: let the batches in flight finish first
                for task in in_flight:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await self._recorder.close()
                await flusher
        return report

    async def _claim(self) -> list[int]:
        now = self.clock.now()
        # Our own rows are released only when none is in flight or sent but unrecorded (as
        # when one batch went at a time): a lease that ran out must not send them twice.
        busy = self._batches_in_flight > 0 or self._recorder.unrecorded > 0
        async with self.sessions() as session, session.begin():
            await outbox.release_expired_claims(
                session, now, spare_worker=self.config.worker if busy else None
            )
        batch = min(self.config.batch_size, max(10, int(self.pacer.limits.per_second * 30)))
        async with self.sessions() as session, session.begin():
            return await outbox.claim_due(
                session, self.config.worker, now, self.config.lease, batch
            )

    def _batch_done(self, _task: asyncio.Task[TickReport]) -> None:
        self._batches_in_flight -= 1

    async def _send_batch(self, outgoing: list[_Outgoing]) -> TickReport:
        """One claimed batch: each chat's messages in order, the chats concurrently (the
        shared pacer keeps the limits across batches)."""
        report = TickReport()
        by_chat: dict[int, list[_Outgoing]] = defaultdict(list)
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

    async def _prepare(self, ids: list[int], report: TickReport) -> list[_Outgoing]:
        """Load the claimed rows, drop the moot ones, collapse catch-up, render per chat."""
        now = self.clock.now()
        worker = self.config.worker
        async with self.sessions() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(Reminder)
                    .where(Reminder.id.in_(ids))
                    .options(
                        selectinload(Reminder.member),
                        selectinload(Reminder.assignment).selectinload(Assignment.unit),
                        selectinload(Reminder.assignment)
                        .selectinload(Assignment.occurrence)
                        .selectinload(Occurrence.duty),
                    )
                )
            )
            moot = [r.id for r in rows if r.assignment and r.assignment.status in CLOSED_STATUSES]
            if moot:
                await outbox.mark_final(
                    session, moot, worker, ReminderState.CANCELLED, "closed", count_attempt=False
                )
                report.cancelled += len(moot)
            unreachable = [
                r.id
                for r in rows
                if r.id not in moot
                and r.member is not None
                and not r.member.reachable
                and r.chat_id == r.member.chat_id
            ]
            if unreachable:
                await outbox.mark_final(
                    session, unreachable, worker, ReminderState.FAILED, "member unreachable"
                )
                report.failed += len(unreachable)
            skip = set(moot) | set(unreachable)
            live = [r for r in rows if r.id not in skip and r.chat_id is not None]
            plans = await _plan_titles(session, live)
            collapsed_ids, entries_by_chat = self._entries(live, plans, now)
            if collapsed_ids:
                await outbox.mark_final(
                    session, collapsed_ids, worker, ReminderState.COLLAPSED, None, False
                )
                report.collapsed += len(collapsed_ids)
            notices = [r for r in live if r.assignment is None]
        outgoing: list[_Outgoing] = []
        for chat_id, (member, entries) in entries_by_chat.items():
            t = self._translator(member)
            for rendered in render_reminders(entries, t):
                outgoing.append(_Outgoing(chat_id, chat_id < 0, _id(member), rendered))
        for row in notices:
            t = self._translator(row.member)
            if row.kind is ReminderKind.DIGEST:
                outgoing.extend(await self._digest(row, t, now, report))
                continue
            text = render_notice(row.kind, row.payload or {}, t)
            rendered = RenderedMessage(text, (), [row.id])
            outgoing.append(
                _Outgoing(row.chat_id or 0, (row.chat_id or 0) < 0, row.member_id, rendered)
            )
        return outgoing

    async def _digest(
        self, row: Reminder, t: Translator, now: datetime, report: TickReport
    ) -> list[_Outgoing]:
        """A weekly digest is composed when sent (bot.compose.digest)."""
        try:
            async with self.sessions() as session, session.begin():
                outcome = await digest_for_row(session, row, t, now, self.calendar)
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
        return [_Outgoing(chat, chat < 0, row.member_id, m) for m in outcome.messages]

    def _entries(
        self, rows: Sequence[Reminder], plans: dict[int, tuple[str, str]], now: datetime
    ) -> tuple[list[int], dict[int, tuple[Member | None, list[ReminderEntry]]]]:
        """Group reminder rows per chat and assignment; older rows of one assignment collapse."""
        per_key: dict[tuple[int, int], list[Reminder]] = defaultdict(list)
        for row in rows:
            if row.assignment is not None and row.chat_id is not None:
                per_key[(row.chat_id, row.assignment_id or 0)].append(row)
        collapsed: list[int] = []
        by_chat: dict[int, tuple[Member | None, list[ReminderEntry]]] = {}
        for (chat_id, _assignment_id), group in per_key.items():
            group.sort(key=lambda r: (r.planned_at, r.id))
            primary = group[-1]
            older = group[:-1]
            collapsed.extend(r.id for r in older)
            assignment = primary.assignment
            assert assignment is not None
            occurrence = assignment.occurrence
            due = assignment.extended_due or assignment.due_date
            today = now.astimezone(self.config.zone).date()
            plan_title, number = plans.get(occurrence.duty_id, ("", occurrence.duty.number))
            entry = ReminderEntry(
                reminder_ids=(primary.id,),
                kind=primary.kind,
                assignment_id=assignment.id,
                unit_name=assignment.unit.name,
                duty_text=occurrence.duty.text,
                plan_title=plan_title,
                duty_number=number,
                period_key=occurrence.period_key,
                due_date=due,
                status=assignment.status,
                workdays_left=self._workdays_left(today, due),
                days_overdue=max(0, (today - due).days),
                planned_at=primary.planned_at,
                late=now - primary.planned_at > LATE_AFTER,
                missed=tuple(r.planned_at.astimezone(self.config.zone).date() for r in older),
                calendar_fallback=not self.calendar.is_official(due.year),
            )
            member, entries = by_chat.setdefault(chat_id, (primary.member, []))
            entries.append(entry)
        for _member, entries in by_chat.values():
            entries.sort(key=lambda e: (e.due_date, e.assignment_id))
        return collapsed, by_chat

    def _workdays_left(self, today: date, due: date) -> int:
        if due <= today:
            return 0
        return self.calendar.workdays_between(today, due)

    def _translator(self, member: Member | None) -> Translator:
        locale = normalize_locale(member.language if member else None, self.config.default_locale)
        return Translator(locale=locale, zone=self.config.zone)

    async def _send_chat(self, items: list[_Outgoing]) -> TickReport:
        report = TickReport()
        for item in items:
            await self._send_one(item, report)
        return report

    async def _send_one(self, item: _Outgoing, report: TickReport) -> None:
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
            attempts = max(
                (await session.scalars(select(Reminder.attempts).where(Reminder.id.in_(ids)))),
                default=0,
            )
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

    async def _unreachable(self, item: _Outgoing, ids: list[int], error: str) -> None:
        """Stop retrying, mark the member unreachable and tell the coordinators now."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await outbox.mark_final(session, ids, self.config.worker, ReminderState.FAILED, error)
            outbox.record_attempts(session, ids, now, "unreachable", self.config.worker, error)
            if item.member_id is None:
                return
            member = await session.get(Member, item.member_id)
            if member is None:
                return
            if item.chat_id == member.chat_id and member.reachable:
                member.reachable = False
                member.unreachable_reason = error[:200]
                member.unreachable_since = now
            await notify_coordinators(
                session,
                now,
                key=f"unreachable:{member.id}:{item.chat_id}",
                payload={
                    "notice": "unreachable",
                    "member": member.name,
                    "member_id": member.id,
                    "chat_id": item.chat_id,
                    "error": error[:200],
                },
                exclude_member=member.id,
            )

    async def _migrate_chat(self, old_chat: int, new_chat: int, ids: list[int]) -> None:
        """A group became a supergroup: move bindings and pending rows to the new id."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Binding).where(Binding.chat_id == old_chat).values(chat_id=new_chat)
            )
            await session.execute(
                update(Reminder)
                .where(Reminder.chat_id == old_chat, Reminder.state == ReminderState.PLANNED)
                .values(chat_id=new_chat)
            )
            await session.execute(
                update(Reminder).where(Reminder.id.in_(ids)).values(chat_id=new_chat)
            )


class _SentRecorder:
    """Group commit for sent messages: one transaction every few milliseconds instead of
    one per message, so the outbox keeps up with the sender and few messages are ever "sent
    but not yet recorded" (the only ones a crash can send twice).

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


def _id(member: Member | None) -> int | None:
    return member.id if member is not None else None


async def _plan_titles(
    session: AsyncSession, rows: Sequence[Reminder]
) -> dict[int, tuple[str, str]]:
    """duty id → (plan title, printed number), one query for the batch."""
    duty_ids = {r.assignment.occurrence.duty_id for r in rows if r.assignment is not None}
    if not duty_ids:
        return {}
    result = await session.execute(
        select(Duty.id, Plan.title, Duty.number).join(Plan).where(Duty.id.in_(duty_ids))
    )
    return {duty_id: (title, number) for duty_id, title, number in result}
