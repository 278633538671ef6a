"""Members and chats the bot can no longer reach as they were.

A member who blocked the bot (or whose chat vanished) is marked unreachable — their reminders
stop, the digest lists them — and the coordinators are told at once. A group that became a
supergroup keeps its bindings under the new chat id. The dispatcher reports both through its
`Recipients` port; `MemberReachability` is the bot's answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.members.notices import notify_coordinators
from storage.models import Binding, Member

REASON_LIMIT = 200


async def mark_unreachable(
    session: AsyncSession, member_id: int, chat_id: int, error: str, now: datetime
) -> None:
    """Mark the member unreachable in their own chat and tell the coordinators (once)."""
    member = await session.get(Member, member_id)
    if member is None:
        return
    if chat_id == member.chat_id and member.reachable:
        member.reachable = False
        member.unreachable_reason = error[:REASON_LIMIT]
        member.unreachable_since = now
    await notify_coordinators(
        session,
        now,
        key=f"unreachable:{member.id}:{chat_id}",
        payload={
            "notice": "unreachable",
            "member": member.name,
            "member_id": member.id,
            "chat_id": chat_id,
            "error": error[:REASON_LIMIT],
        },
        exclude_member=member.id,
    )


async def move_bindings(session: AsyncSession, old_chat: int, new_chat: int) -> None:
    """A group's bindings follow it to its new chat id."""
    await session.execute(
        update(Binding).where(Binding.chat_id == old_chat).values(chat_id=new_chat)
    )


class MemberReachability:
    """The dispatcher's `Recipients`: what a refused or migrated chat means to the office."""

    async def unreachable(
        self, session: AsyncSession, member_id: int, chat_id: int, error: str, now: datetime
    ) -> None:
        await mark_unreachable(session, member_id, chat_id, error, now)

    async def chat_migrated(self, session: AsyncSession, old_chat: int, new_chat: int) -> None:
        await move_bindings(session, old_chat, new_chat)
