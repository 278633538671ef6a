"""What the dispatcher asks of the rooms above it: the words of its messages and the fate of
the people it cannot reach. Like sending (`sender.MessageSender`), both are ports: the
dispatcher knows their shape, `bot/` fills them (`bot.delivery.composer`,
`bot.usecases.members.reachability`), and a test may fill them with fakes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.delivery.sender import Button
from storage.models import Reminder


class Clock(Protocol):
    """The current aware UTC time (`bot.clock` has the clocks: the system's, a settable one)."""

    def now(self) -> datetime: ...


@dataclass
class RenderedMessage:
    """One message to send; with `photo`, `text` is its caption (at most 1024 characters).

    `reminder_ids` are the outbox rows this message settles when it is sent.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...]
    reminder_ids: list[int] = field(default_factory=list)
    photo: bytes | None = None
    photo_name: str | None = None


@dataclass(frozen=True)
class Addressed:
    """A rendered message, the chat it goes to, and the member it is for (if any)."""

    chat_id: int
    is_group: bool
    member_id: int | None
    rendered: RenderedMessage


@dataclass(frozen=True)
class DueReminder:
    """One assignment's reminder in one chat: the newest due row, and the older rows of the
    same assignment it stands for (missed while the bot was down; collapsed into this one)."""

    row: Reminder
    missed: tuple[Reminder, ...] = ()


@dataclass
class DigestOutcome:
    """Messages to send for a digest row, or why the row is dropped instead."""

    messages: list[RenderedMessage] = field(default_factory=list)
    skipped: str | None = None


class MessageComposer(Protocol):
    """Writes what the dispatcher sends, in each reader's language."""

    async def reminders(
        self,
        session: AsyncSession,
        due: Mapping[int, Sequence[DueReminder]],
        now: datetime,
    ) -> list[Addressed]:
        """The messages for each chat's due reminders (chat id → reminders, in claim order)."""
        ...

    def notice(self, row: Reminder) -> RenderedMessage:
        """The message for a notice row (a row with no assignment, not a digest)."""
        ...

    async def digest(self, session: AsyncSession, row: Reminder, now: datetime) -> DigestOutcome:
        """Compose the digest a row stands for, recording it as sent, or say why it is dropped."""
        ...


class Recipients(Protocol):
    """What happens to the people and chats the dispatcher reports on."""

    async def unreachable(
        self, session: AsyncSession, member_id: int, chat_id: int, error: str, now: datetime
    ) -> None:
        """Telegram refused a member's chat for good (blocked, deleted, kicked)."""
        ...

    async def chat_migrated(self, session: AsyncSession, old_chat: int, new_chat: int) -> None:
        """A group became a supergroup under a new chat id."""
        ...
