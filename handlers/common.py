"""Small helpers every handler uses: who sent this, in which language to answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatType

from bot.i18n import Translator
from bot.usecases.members.directory import Sender, ensure_member
from handlers.context import BotContext
from storage.models import Member


def sender_of(update: Update) -> Sender | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    return Sender(
        user_id=user.id,
        chat_id=chat.id,
        chat_is_private=chat.type == ChatType.PRIVATE,
        name=user.full_name,
        username=user.username,
        language_code=user.language_code,
    )


@dataclass
class Turn:
    """One update's unit of work: a session, the member and their translator."""

    session: AsyncSession
    member: Member
    sender: Sender
    t: Translator


@asynccontextmanager
async def turn(update: Update, context: BotContext) -> AsyncIterator[Turn | None]:
    """Open a session for this update, load the member, commit on success."""
    sender = sender_of(update)
    if sender is None:
        yield None
        return
    services = context.services
    async with services.sessions() as session, session.begin():
        member = await ensure_member(session, sender, services.clock)
        yield Turn(
            session=session,
            member=member,
            sender=sender,
            t=services.translator(member.language),
        )
