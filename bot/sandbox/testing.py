"""Helpers for tests that run python-telegram-bot against a sandbox.

async with running_sandbox() as (server, sandbox):
    async with polling_app(server, [CommandHandler("start", start)]) as app:
        user = await sandbox.create_user("Li")
        await sandbox.send_text(user["id"], "/start")
        [reply] = await sandbox.wait_for(user["id"])
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot
from telegram.ext import Application, BaseHandler
from telegram.request import HTTPXRequest

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer

TEST_TOKEN = "123456:sandbox-test-token"


@asynccontextmanager
async def running_sandbox(
    **server_options: Any,
) -> AsyncIterator[tuple[SandboxServer, SandboxClient]]:
    """A started server on a free 127.0.0.1 port and a client for its control API."""
    server = SandboxServer(**server_options)
    url = await server.start()
    client = SandboxClient(url)
    try:
        yield server, client
    finally:
        await client.close()
        await server.stop()


def ptb_bot(
    server: SandboxServer, token: str = TEST_TOKEN, read_timeout: float | None = None
) -> Bot:
    """A plain telegram.Bot pointed at the sandbox (use `async with` to initialize it)."""
    request = HTTPXRequest(read_timeout=read_timeout) if read_timeout is not None else None
    return Bot(
        token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=request,
    )


def build_app(
    server: SandboxServer, token: str = TEST_TOKEN
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application wired to the sandbox, without a job queue (tests stay fast)."""
    return (
        Application.builder()
        .token(token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .job_queue(None)
        .build()
    )


@asynccontextmanager
async def polling_app(
    server: SandboxServer,
    handlers: Sequence[BaseHandler[Any, Any, Any]],
    token: str = TEST_TOKEN,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A running Application that long-polls the sandbox with the given handlers."""
    app = build_app(server, token)
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def free_port() -> int:
    """A TCP port that was free a moment ago (for servers that need it up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
