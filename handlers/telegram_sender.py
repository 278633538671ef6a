"""The dispatcher's messenger for Telegram: one send, its outcome classified, no retries.

Retries belong to the dispatcher, which records each attempt; so this passes
`rate_limit_args={"retry": False}` to bypass the reply limiter's own retries.
"""

from __future__ import annotations

import io
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from scheduling.delivery.sender import Button, Outcome, OutgoingMessage, SendResult

UNREACHABLE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "not a member")


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


class TelegramSender:
    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def send(self, message: OutgoingMessage) -> SendResult:
        markup = keyboard(message.buttons)
        try:
            if message.photo is not None:
                sent = await self.bot.send_photo(
                    chat_id=message.chat_id,
                    photo=io.BytesIO(message.photo),
                    caption=message.text[:1024] or None,
                    filename=message.photo_name or "chart.png",
                    reply_markup=markup,
                    rate_limit_args={"retry": False},
                )
            else:
                sent = await self.bot.send_message(
                    chat_id=message.chat_id,
                    text=message.text,
                    reply_markup=markup,
                    rate_limit_args={"retry": False},
                )
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            return SendResult(Outcome.RATE_LIMITED, retry_after=seconds, error=str(exc))
        except ChatMigrated as exc:
            return SendResult(Outcome.MIGRATED, new_chat_id=exc.new_chat_id, error=str(exc))
        except Forbidden as exc:
            return SendResult(Outcome.UNREACHABLE, error=str(exc))
        except BadRequest as exc:
            text = str(exc).lower()
            if any(marker in text for marker in UNREACHABLE_MARKERS):
                return SendResult(Outcome.UNREACHABLE, error=str(exc))
            return SendResult(Outcome.REJECTED, error=str(exc))
        except (TimedOut, NetworkError) as exc:
            return SendResult(Outcome.TRANSIENT, error=f"{type(exc).__name__}: {exc}")
        except TelegramError as exc:
            return SendResult(Outcome.TRANSIENT, error=f"{type(exc).__name__}: {exc}")
        return SendResult(Outcome.SENT, message_id=sent.message_id)
