"""The reminder outbox in the database: claim due rows, record what happened to them.

Claims are atomic so two workers never take the same row: PostgreSQL uses
`SELECT … FOR UPDATE SKIP LOCKED` inside the claiming UPDATE; SQLite, which has one writer at a
time, uses a single `UPDATE … RETURNING`. A claim is a lease (`claimed_until`): rows of a
worker that died come back when it runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Assignment, DeliveryAttempt, Occurrence, Reminder, ReminderState


async def release_expired_claims(
    session: AsyncSession, now: datetime, spare_worker: str | None = None
) -> int:
    """Return rows whose lease ran out (their worker died) to the queue; not those of
    `spare_worker`, which may be sending them right now."""
    query = update(Reminder).where(
        Reminder.state == ReminderState.CLAIMED, Reminder.claimed_until < now
    )
    if spare_worker is not None:
        query = query.where(Reminder.claimed_by != spare_worker)
    result = await session.execute(
        query.values(
            state=ReminderState.PLANNED, claimed_by=None, claimed_until=None
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def release_claims_of(session: AsyncSession, worker: str) -> int:
    """Return every row this worker id holds (it is starting, so it cannot be sending them)."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.state == ReminderState.CLAIMED, Reminder.claimed_by == worker)
        .values(state=ReminderState.PLANNED, claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def claim_due(
    session: AsyncSession, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[int]:
    """Claim up to `limit` due reminders for this worker, oldest first; returns their ids."""
    due = (
        select(Reminder.id)
        .where(Reminder.state == ReminderState.PLANNED, Reminder.send_after <= now)
        .order_by(Reminder.send_after, Reminder.chat_id, Reminder.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = await _claim(session, due, worker, now, lease)
    if not claimed:
        return []
    # The rest of the batch's chats too: the limit may cut one chat's due rows in two, and two
    # workers sending to one chat would break its 1 message/s at Telegram (and split a
    # liaison's reminders into two messages).
    chats = select(Reminder.chat_id).where(Reminder.id.in_(claimed)).distinct()
    rest = select(Reminder.id).where(
        Reminder.state == ReminderState.PLANNED,
        Reminder.send_after <= now,
        Reminder.chat_id.in_(chats.scalar_subquery()),
    )
    if session.bind.dialect.name == "postgresql":
        rest = rest.with_for_update(skip_locked=True)
    return sorted(claimed + await _claim(session, rest, worker, now, lease))


async def _claim(
    session: AsyncSession, rows: Select[tuple[int]], worker: str, now: datetime, lease: timedelta
) -> list[int]:
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id.in_(rows.scalar_subquery()))
        .values(state=ReminderState.CLAIMED, claimed_by=worker, claimed_until=now + lease)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in result]


async def load_claimed(session: AsyncSession, ids: Sequence[int]) -> list[Reminder]:
    """The claimed rows with what deciding and composing them reads: member, unit, duty."""
    return list(
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


async def most_attempts(session: AsyncSession, ids: Sequence[int]) -> int:
    """The highest attempt count among these rows (0 for none)."""
    return max(
        (await session.scalars(select(Reminder.attempts).where(Reminder.id.in_(ids)))),
        default=0,
    )


async def move_chat(
    session: AsyncSession, old_chat: int, new_chat: int, ids: Sequence[int]
) -> None:
    """A chat has a new id: its planned rows, and these rows in flight, go there instead."""
    await session.execute(
        update(Reminder)
        .where(Reminder.chat_id == old_chat, Reminder.state == ReminderState.PLANNED)
        .values(chat_id=new_chat)
    )
    await session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(chat_id=new_chat))


def _mine(ids: Sequence[int], worker: str) -> tuple[object, ...]:
    return (
        Reminder.id.in_(ids),
        Reminder.state == ReminderState.CLAIMED,
        Reminder.claimed_by == worker,
    )


async def mark_sent(
    session: AsyncSession, ids: Sequence[int], worker: str, now: datetime, message_id: int | None
) -> int:
    result = await session.execute(
        update(Reminder)
        .where(*_mine(ids, worker))
        .values(
            state=ReminderState.SENT,
            sent_at=now,
            telegram_message_id=message_id,
            attempts=Reminder.attempts + 1,
            claimed_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def mark_many_sent(
    session: AsyncSession,
    batch: Sequence[tuple[Sequence[int], int | None]],
    worker: str,
    now: datetime,
) -> None:
    """Mark many sent messages' rows in one statement (executemany), still guarded by the
    claim so a row another worker took over is never overwritten."""
    table = Reminder.__table__
    params = [
        {"rid": reminder_id, "mid": message_id} for ids, message_id in batch for reminder_id in ids
    ]
    if not params:
        return
    await session.execute(
        update(table)
        .where(
            table.c.id == bindparam("rid"),
            table.c.state == ReminderState.CLAIMED.value,
            table.c.claimed_by == worker,
        )
        .values(
            state=ReminderState.SENT.value,
            sent_at=now,
            telegram_message_id=bindparam("mid"),
            attempts=table.c.attempts + 1,
            claimed_until=None,
            last_error=None,
        ),
        params,
    )


async def mark_final(
    session: AsyncSession,
    ids: Sequence[int],
    worker: str,
    state: ReminderState,
    error: str | None,
    count_attempt: bool = True,
) -> int:
    """Close rows for good: failed (unreachable, rejected), cancelled or collapsed."""
    values: dict[str, object] = {"state": state, "claimed_until": None, "last_error": error}
    if count_attempt:
        values["attempts"] = Reminder.attempts + 1
    result = await session.execute(
        update(Reminder)
        .where(*_mine(ids, worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def release_for_retry(
    session: AsyncSession,
    ids: Sequence[int],
    worker: str,
    send_after: datetime,
    error: str | None,
) -> int:
    """Give rows back to the queue to be tried again no earlier than `send_after`."""
    result = await session.execute(
        update(Reminder)
        .where(*_mine(ids, worker))
        .values(
            state=ReminderState.PLANNED,
            send_after=send_after,
            claimed_by=None,
            claimed_until=None,
            attempts=Reminder.attempts + 1,
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def record_sent_attempts(
    session: AsyncSession, ids: Sequence[int], now: datetime, worker: str
) -> None:
    """The "sent" attempts of many rows in one executemany (the group commit's share of
    `record_attempts`, without building ORM objects)."""
    if ids:
        await session.execute(
            insert(DeliveryAttempt),
            [
                {"reminder_id": i, "at": now, "outcome": "sent", "error": None, "worker": worker}
                for i in ids
            ],
        )


def record_attempts(
    session: AsyncSession,
    ids: Sequence[int],
    now: datetime,
    outcome: str,
    worker: str,
    error: str | None = None,
    retry_after: float | None = None,
) -> None:
    session.add_all(
        DeliveryAttempt(
            reminder_id=reminder_id,
            at=now,
            outcome=outcome,
            error=error,
            retry_after=retry_after,
            worker=worker,
        )
        for reminder_id in ids
    )
