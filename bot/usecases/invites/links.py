"""Invites: single-use, expiring deep-link tokens that bind a Telegram user to a role.

Only the SHA-256 of a token is stored, so a leaked database cannot be used to join.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.usecases.jurisdictions.tree import home_id
from storage.models import Binding, Invite, Member, Role, Unit

DEFAULT_TTL = timedelta(days=7)
TOKEN_BYTES = 24


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    token: str
    unit_name: str | None
    role: Role
    expires_at_iso: str


async def create_invite(
    session: AsyncSession,
    clock: Clock,
    role: Role,
    unit: Unit | None,
    created_by: Member | None = None,
    ttl: timedelta = DEFAULT_TTL,
    jurisdiction_id: int | None = None,
) -> NewInvite:
    """A fresh token; the caller shows it once as a deep link and it is never stored.

    A coordinator's or admin's invite is for one jurisdiction's office (the home one when
    none is named): whoever opens it sees and manages that jurisdiction and those below it."""
    if role is Role.LIAISON and unit is None:
        raise ValueError("a liaison invite needs a unit")
    if role is not Role.LIAISON and jurisdiction_id is None:
        jurisdiction_id = await home_id(session, clock.now())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    session.add(
        Invite(
            token_hash=hash_token(token),
            unit_id=unit.id if unit else None,
            role=role,
            jurisdiction_id=jurisdiction_id if role is not Role.LIAISON else None,
            created_by=created_by.id if created_by else None,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return NewInvite(
        token=token,
        unit_name=unit.name if unit else None,
        role=role,
        expires_at_iso=(now + ttl).isoformat(),
    )


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


class RedeemOutcome(StrEnum):
    BOUND = "bound"
    ALREADY = "already"  # their own link, and they are still bound by it
    ENDED = "ended"  # their own link, but the binding it made has been removed since
    USED = "used"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class RedeemResult:
    outcome: RedeemOutcome
    role: Role | None = None
    unit_name: str | None = None
    unit_id: int | None = None
    used_at: datetime | None = None


def looks_like_token(text: str) -> bool:
    return 20 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


async def _still_bound(session: AsyncSession, member_id: int, invite: Invite) -> bool:
    """Whether the binding this invite made is still active (a coordinator may have ended it)."""
    found = await session.scalar(
        select(Binding.id).where(
            Binding.member_id == member_id,
            Binding.unit_id == invite.unit_id
            if invite.unit_id is not None
            else Binding.unit_id.is_(None),
            Binding.role == invite.role,
            Binding.active.is_(True),
        )
    )
    return found is not None


async def redeem_invite(
    session: AsyncSession, clock: Clock, member: Member, token: str, chat_id: int
) -> RedeemResult:
    """Bind the member to the invite's role (and unit) in this chat, once."""
    digest = hash_token(token)
    invite = await session.scalar(
        select(Invite).where(Invite.token_hash == digest).with_for_update()
    )
    if invite is None or not hmac.compare_digest(invite.token_hash, digest):
        return RedeemResult(RedeemOutcome.INVALID)
    now = clock.now()
    unit = await session.get(Unit, invite.unit_id) if invite.unit_id else None
    unit_name = unit.name if unit else None
    if invite.used_at is not None:
        if invite.used_by != member.id:
            return RedeemResult(RedeemOutcome.USED)
        if await _still_bound(session, member.id, invite):
            return RedeemResult(RedeemOutcome.ALREADY, invite.role, unit_name, invite.unit_id)
        # Issue 18: an unbound liaison was told "you are now a liaison of …", which was false.
        return RedeemResult(
            RedeemOutcome.ENDED, invite.role, unit_name, invite.unit_id, invite.used_at
        )
    if invite.expires_at <= now:
        return RedeemResult(RedeemOutcome.EXPIRED)
    invite.used_at = now
    invite.used_by = member.id
    binding = await session.scalar(
        select(Binding).where(
            Binding.member_id == member.id,
            Binding.unit_id == invite.unit_id
            if invite.unit_id is not None
            else Binding.unit_id.is_(None),
            Binding.role == invite.role,
            Binding.jurisdiction_id.is_not_distinct_from(invite.jurisdiction_id),
        )
    )
    if binding is None:
        session.add(
            Binding(
                member_id=member.id,
                unit_id=invite.unit_id,
                role=invite.role,
                jurisdiction_id=invite.jurisdiction_id,
                chat_id=chat_id,
                created_at=now,
            )
        )
    else:
        binding.active = True
        binding.chat_id = chat_id
    await session.flush()
    return RedeemResult(RedeemOutcome.BOUND, invite.role, unit_name, invite.unit_id)
