"""Small helpers every handler uses: who sent this, in which language to answer."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatType

from bot.i18n import Translator
from bot.usecases.members.directory import Sender, ensure_member
from handlers.context import BotContext
from handlers.presses import answer_early
from storage.db import is_busy
from storage.models import Member

log = logging.getLogger(__name__)

# A handler whose turn met a busy SQLite database is run again, with growing pauses, until
# it succeeds or this much time has passed (each try itself waits up to the busy timeout).
BUSY_RETRY_SECONDS = 30.0


class DatabaseBusy(Exception):
    """The turn's transaction met a busy database and was rolled back; run the handler again."""


def retrying_when_busy(
    callback: Callable[[Update, BotContext], Awaitable[object]],
) -> Callable[[Update, BotContext], Awaitable[object]]:
    """The handler, run again while its turn meets a busy database (within a bounded time),
    so that a press under load is recorded late rather than lost (and answered plainly before
    it waits, as Telegram takes an answer only for a short while). Safe to repeat: the failed
    turn wrote nothing, and handlers answer the user after their turn."""

    @functools.wraps(callback)
    async def wrapped(update: Update, context: BotContext) -> object:
        deadline = time.monotonic() + BUSY_RETRY_SECONDS
        pause = 0.05
        press = update.callback_query
        while True:
            try:
                return await callback(update, context)
            except DatabaseBusy:
                if time.monotonic() + pause > deadline:
                    raise
                if press is not None:  # answered plainly before the wait, while Telegram takes it
                    await answer_early(context, press)
                    press = None
                log.info("database busy; handling the update again in %.2fs", pause)
                await asyncio.sleep(pause * (0.5 + random.random()))  # noqa: S311 - jitter
                pause = min(pause * 2, 1.0)

    return wrapped


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
    try:
        async with services.sessions() as session, session.begin():
            member = await ensure_member(session, sender, services.clock)
            yield Turn(
                session=session,
                member=member,
                sender=sender,
                t=services.translator(member.language),
            )
    except OperationalError as exc:
        if is_busy(exc):  # rolled back: nothing of this turn was recorded
            raise DatabaseBusy from exc
        raise
