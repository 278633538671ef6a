"""Who is talking to the bot: members, their language and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Binding, Member, Role, Unit


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


@dataclass(frozen=True)
class BindingView:
    binding_id: int
    role: Role
    unit_name: str | None
    chat_id: int | None


async def bindings_view(session: AsyncSession, member_id: int) -> list[BindingView]:
    rows = await session.execute(
        select(Binding.id, Binding.role, Unit.name, Binding.chat_id)
        .outerjoin(Unit, Unit.id == Binding.unit_id)
        .where(Binding.member_id == member_id, Binding.active.is_(True))
        .order_by(Binding.role, Unit.name)
    )
    return [BindingView(b_id, role, unit, chat) for b_id, role, unit, chat in rows]


async def is_coordinator(session: AsyncSession, member_id: int) -> bool:
    found = await session.scalar(
        select(Binding.id).where(
            Binding.member_id == member_id,
            Binding.active.is_(True),
            Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
        )
    )
    return found is not None


async def unbind(session: AsyncSession, telegram_user_id: int, unit_id: int | None) -> int:
    """Deactivate a member's liaison bindings (all, or for one unit); returns how many."""
    member = await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))
    if member is None:
        return 0
    query = select(Binding).where(Binding.member_id == member.id, Binding.active.is_(True))
    if unit_id is not None:
        query = query.where(Binding.unit_id == unit_id)
    changed = 0
    for binding in await session.scalars(query):
        binding.active = False
        changed += 1
    await session.flush()
    return changed
