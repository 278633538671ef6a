"""Who is talking to the bot: members, their language and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Binding, Member, Role


@dataclass(frozen=True)
class Sender:
    """The Telegram user behind an update, as plain values."""

    user_id: int
    chat_id: int
    chat_is_private: bool
    name: str
    username: str | None = None
    language_code: str | None = None


async def ensure_member(session: AsyncSession, sender: Sender, clock: Clock) -> Member:
    """Find or create the member for a Telegram user, refreshing their name and private chat."""
    member = await session.scalar(select(Member).where(Member.telegram_user_id == sender.user_id))
    if member is None:
        member = Member(
            telegram_user_id=sender.user_id,
            name=sender.name,
            username=sender.username,
            created_at=clock.now(),
        )
        session.add(member)
    member.name = sender.name or member.name
    member.username = sender.username
    if sender.chat_is_private:
        member.chat_id = sender.chat_id
        if not member.reachable:
            member.reachable = True
            member.unreachable_reason = None
            member.unreachable_since = None
    await session.flush()
    return member


async def set_language(session: AsyncSession, member: Member, locale: str) -> None:
    member.language = locale
    await session.flush()


async def roles_of(session: AsyncSession, member_id: int) -> list[Binding]:
    result = await session.scalars(
        select(Binding).where(Binding.member_id == member_id, Binding.active.is_(True))
    )
    return list(result)


def has_role(bindings: list[Binding], role: Role) -> bool:
    return any(binding.role == role for binding in bindings)


async def language_of(session: AsyncSession, telegram_user_id: int) -> str | None:
    return await session.scalar(
        select(Member.language).where(Member.telegram_user_id == telegram_user_id)
    )
