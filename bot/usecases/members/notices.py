"""Notices to coordinators, queued in the outbox like every other message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.jurisdictions.tree import load_tree
from storage.models import Binding, Member, Reminder, ReminderKind, Role


async def notify_coordinators(
    session: AsyncSession,
    now: datetime,
    key: str,
    payload: dict[str, object],
    exclude_member: int | None = None,
    jurisdiction_id: int | None = None,
) -> int:
    """Queue a notice to every reachable coordinator whose office reaches `jurisdiction_id`
    (that jurisdiction's, and those above it; every coordinator when None); the dedupe key
    makes it once only."""
    reaching = (
        [
            or_(
                Binding.jurisdiction_id.is_(None),
                Binding.jurisdiction_id.in_((await load_tree(session)).above(jurisdiction_id)),
            )
        ]
        if jurisdiction_id is not None
        else []
    )
    coordinators = await session.execute(
        select(Member.id, Member.chat_id)
        .join(Binding, Binding.member_id == Member.id)
        .where(
            Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
            Binding.active.is_(True),
            Member.reachable.is_(True),
            Member.chat_id.is_not(None),
            *reaching,
        )
        .distinct()
    )
    queued = 0
    for member_id, chat_id in coordinators:
        if member_id == exclude_member:
            continue
        if await _queue(session, now, f"notice:{key}:to{member_id}", member_id, chat_id, payload):
            queued += 1
    return queued


async def notify_member(
    session: AsyncSession,
    now: datetime,
    key: str,
    member_id: int | None,
    chat_id: int | None,
    payload: dict[str, object],
) -> bool:
    """Queue a notice to one member in one chat (an answer to what they asked), once only."""
    if chat_id is None:
        return False
    return await _queue(session, now, f"notice:{key}", member_id, chat_id, payload)


async def _queue(
    session: AsyncSession,
    now: datetime,
    dedupe: str,
    member_id: int | None,
    chat_id: int | None,
    payload: dict[str, object],
) -> bool:
    """One notice row, unless its dedupe key is queued already (by us or another worker)."""
    if await session.scalar(select(Reminder.id).where(Reminder.dedupe_key == dedupe)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(
                Reminder(
                    dedupe_key=dedupe,
                    kind=ReminderKind.NOTICE,
                    member_id=member_id,
                    chat_id=chat_id,
                    planned_at=now,
                    send_after=now,
                    payload=payload,
                    created_at=now,
                )
            )
    except IntegrityError:  # another worker queued the same notice first
        return False
    return True
