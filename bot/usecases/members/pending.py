"""What the bot waits for from a member in a chat: a reason, a date, a note."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MessageRef, PendingInput, Reminder

PENDING_TTL = timedelta(hours=2)
# Kinds answered by pressing a button, not by the member's next message: `take` leaves them.
BUTTON_KINDS = frozenset({"import"})
PROMPT_KEY = "prompt"  # the payload's id of the message that asked (ForceReply in groups)


async def expect(
    session: AsyncSession,
    member_id: int,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Remember that the next message of this member in this chat answers `kind`."""
    await session.execute(
        delete(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    )
    session.add(
        PendingInput(
            member_id=member_id,
            chat_id=chat_id,
            kind=kind,
            payload=payload,
            created_at=now,
            expires_at=now + PENDING_TTL,
        )
    )
    await session.flush()


async def take(
    session: AsyncSession,
    member_id: int,
    chat_id: int,
    now: datetime,
    replying_to: int | None = None,
) -> PendingInput | None:
    """The awaited answer's context, removed so it is used once; None when nothing waits.

    A pending input answered by a button (an import waiting for Confirm) is not an answer
    to take: it stays, and the message is handled as if nothing waited. Nor is a message
    that does not reply to the question's prompt, once the prompt is known (`attach_prompt`,
    in groups: under privacy mode the answer reaches the bot only as a reply to the prompt).
    """
    pending = await session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    )
    if pending is None or pending.kind in BUTTON_KINDS:
        return None
    prompt = (pending.payload or {}).get(PROMPT_KEY)
    if prompt is not None and replying_to != prompt:
        return None
    await session.delete(pending)
    await session.flush()
    if pending.expires_at < now:
        return None
    return pending


async def attach_prompt(
    session: AsyncSession, member_id: int, chat_id: int, message_id: int
) -> None:
    """The message that asked the question: only a reply to it answers it from now on."""
    pending = await session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    )
    if pending is not None:
        pending.payload = {**(pending.payload or {}), PROMPT_KEY: message_id}
        await session.flush()


async def remember_message(
    session: AsyncSession, chat_id: int, message_id: int, assignment_ids: list[int], now: datetime
) -> None:
    session.add(
        MessageRef(
            chat_id=chat_id, message_id=message_id, assignment_ids=assignment_ids, created_at=now
        )
    )
    await session.flush()


async def assignments_of_message(session: AsyncSession, chat_id: int, message_id: int) -> list[int]:
    """The assignments a bot message (a reminder or a duty card) was about."""
    from_reminders = await session.scalars(
        select(Reminder.assignment_id).where(
            Reminder.chat_id == chat_id,
            Reminder.telegram_message_id == message_id,
            Reminder.assignment_id.is_not(None),
        )
    )
    ids = {assignment_id for assignment_id in from_reminders if assignment_id is not None}
    ref = await session.scalar(
        select(MessageRef).where(MessageRef.chat_id == chat_id, MessageRef.message_id == message_id)
    )
    if ref is not None:
        ids.update(int(value) for value in ref.assignment_ids)
    return sorted(ids)
