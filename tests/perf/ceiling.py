"""What python-telegram-bot's send_message costs on its own: the bot's sender (the one the
dispatcher uses, through the same rate limiter and HTTP client settings) sending reminder-
sized messages to the sandbox with no database, no rendering and no pacing. Capacity cannot
exceed this; the table shows it beside the bot's figure."""

from __future__ import annotations

import asyncio
import time

from telegram.ext import ApplicationBuilder

from handlers.aiohttp_request import AiohttpRequest
from handlers.telegram_limits import RetryingLimiter
from handlers.telegram_sender import TelegramSender
from scheduling.delivery.sender import Button, Outcome, OutgoingMessage
from tests.perf.processes import TOKEN, SandboxProcess

TEXT = (
    "🟡 <b>还有 3 个工作日到期</b>\n第3项：健全重大行政决策程序，按规定公开本机关执法情况和"
    "年度报告，按时向区委依法治区办报送落实情况。\n截止：2026年11月26日"
)
BUTTONS = (
    (Button("✅ 完成", "s:d:1"), Button("🔄 进行中", "s:p:1"), Button("⛔ 受阻", "s:b:1")),
    (Button("⏳ 需要延期", "s:m:1"), Button("📝 备注", "s:n:1")),
)


async def sender_ceiling(
    sandbox: SandboxProcess, chats: list[int], messages: int, concurrency: int
) -> float:
    """Messages per second the bare sender reaches (after a short warm-up)."""
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{sandbox.url}/bot")
        .base_file_url(f"{sandbox.url}/file/bot")
        .rate_limiter(RetryingLimiter())
        .request(AiohttpRequest(connection_pool_size=64))  # as handlers.app builds it
        .updater(None)
        .build()
    )
    await application.initialize()
    sender = TelegramSender(application.bot)
    wire = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with wire:
            message = OutgoingMessage(chat_id=chats[n % len(chats)], text=TEXT, buttons=BUTTONS)
            result = await sender.send(message)
        if result.outcome is not Outcome.SENT:
            raise RuntimeError(f"the sandbox refused a message: {result}")

    try:
        for n in range(min(20, messages)):
            await one(n)
        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(messages)))
        return messages / (time.perf_counter() - started)
    finally:
        await application.shutdown()
