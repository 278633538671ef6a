"""What the dispatcher hands to a messenger, and what comes back. No Telegram types here:
`handlers/telegram_sender.py` adapts these to python-telegram-bot, tests may use a fake."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class Button:
    """An inline button: its label and the callback data it sends back (≤ 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True)
class OutgoingMessage:
    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    is_group: bool = False
    photo: bytes | None = None
    photo_name: str | None = None


class Outcome(StrEnum):
    SENT = "sent"
    RATE_LIMITED = "rate_limited"
    UNREACHABLE = "unreachable"
    MIGRATED = "migrated"
    TRANSIENT = "transient"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    error: str | None = None
    new_chat_id: int | None = None


class MessageSender(Protocol):
    """Sends one message once: no retries inside (the dispatcher decides and records)."""

    async def send(self, message: OutgoingMessage) -> SendResult: ...


@dataclass
class RecordingSender:
    """A sender for tests and `simulate`: remembers every message and answers as told."""

    sent: list[OutgoingMessage] = field(default_factory=list)
    scripted: list[SendResult] = field(default_factory=list)
    _next_id: int = 1

    async def send(self, message: OutgoingMessage) -> SendResult:
        if self.scripted:
            result = self.scripted.pop(0)
            if result.outcome is not Outcome.SENT:
                return result
        self.sent.append(message)
        self._next_id += 1
        return SendResult(Outcome.SENT, message_id=self._next_id)
