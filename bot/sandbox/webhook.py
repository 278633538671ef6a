"""Webhook delivery: POST each update to the bot's URL, in order, retrying until it is taken.

One worker task per bot with a webhook. An update leaves the queue only when the bot's
server answered 2xx; anything else (refused connection, timeout, 4xx/5xx) is recorded as
getWebhookInfo's last_error_* and retried with doubling delays, so nothing is lost or
reordered. Telegram's "reply with a method in the webhook response" is not simulated.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from bot.sandbox.state import BotState, PendingUpdate, SandboxState, WebhookConfig, update_allowed

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookManager:
    """Starts, stops and runs the per-bot delivery workers."""

    def __init__(
        self,
        state: SandboxState,
        retry_delay: float = 0.2,
        max_retry_delay: float = 5.0,
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None

    def start(self, bot: BotState) -> None:
        """(Re)start delivery for the bot's current webhook config."""
        self.stop(bot)
        if bot.webhook is not None:
            self._tasks[bot.id] = asyncio.create_task(
                self._run(bot, bot.webhook), name=f"sandbox-webhook-{bot.id}"
            )

    def stop(self, bot: BotState) -> None:
        task = self._tasks.pop(bot.id, None)
        if task is not None:
            task.cancel()

    async def close(self) -> None:
        """Cancel every worker and close the HTTP session (server shutdown)."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next(self, bot: BotState, config: WebhookConfig) -> PendingUpdate | None:
        """The oldest deliverable update; kinds the bot did not ask for are dropped."""
        allowed = config.allowed_updates or bot.allowed_updates
        while bot.updates:
            first = bot.updates[0]
            if update_allowed(first.kind, allowed):
                return first
            bot.updates.pop(0)
        return None

    async def _run(self, bot: BotState, config: WebhookConfig) -> None:
        delay = self.retry_delay
        while bot.webhook is config:
            update = self._next(bot, config)
            if update is None:
                await bot.arrived.wait(60.0)
                continue
            error = await self._post(config, update.payload)
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.pop(0)
                self.state.stats.webhook_deliveries += 1
                delay = self.retry_delay
                continue
            self.state.stats.webhook_failures += 1
            config.last_error_date = self.state.now()
            config.last_error_message = error
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_retry_delay)

    async def _post(self, config: WebhookConfig, payload: dict[str, Any]) -> str | None:
        """POST one update; None on success, else Telegram-style error text."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            async with self._session.post(
                config.url,
                json=payload,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as exc:
            return f"Connection failed: {exc.__class__.__name__}: {exc}"
