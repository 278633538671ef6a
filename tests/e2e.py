"""End-to-end harness: the real Application, over real HTTP, against the sandbox Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from bot.clock import SettableClock
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.services import Services
from bot.settings import RunMode, Settings
from handlers.app import BotApplication, build_application, start_application, stop_application
from storage.db import create_engine, session_factory
from storage.schema import upgrade

TOKEN = "424242:e2e-test-token"


@dataclass
class Harness:
    server: SandboxServer
    sandbox: SandboxClient
    services: Services
    app: BotApplication
    clock: SettableClock

    async def user(self, name: str, language_code: str | None = None) -> int:
        created = await self.sandbox.create_user(name, language_code=language_code)
        return int(created["id"])

    async def say(
        self, user_id: int, text: str, chat_id: int | None = None, timeout: float = 10
    ) -> dict[str, Any]:
        """Send text as the user and return the bot's next message in that chat."""
        chat = chat_id or user_id
        before = await self.sandbox.messages(chat)
        after = before[-1]["seq"] if before else 0
        await self.sandbox.send_text(user_id, text, chat_id=chat_id)
        replies = await self.sandbox.wait_for(
            chat, 1, after=after, timeout=timeout, kinds=["message"]
        )
        reply = replies[0]
        return reply

    async def last_seq(self, chat_id: int) -> int:
        history = await self.sandbox.messages(chat_id)
        return history[-1]["seq"] if history else 0


@asynccontextmanager
async def running_bot(
    db_url: str,
    tmp_path: Path,
    clock: SettableClock,
    mode: RunMode = RunMode.POLLING,
    digests: bool = False,
    **settings_overrides: Any,
) -> AsyncIterator[Harness]:
    """The bot on `db_url` against a fresh sandbox. The weekly digest goes out late in the
    evening unless `digests` is set, so it cannot land in the middle of an unrelated
    conversation when the clock stands on a Monday morning."""
    server = SandboxServer()
    url = await server.start()
    sandbox = SandboxClient(url)
    values: dict[str, Any] = {
        "database_url": db_url,
        "data_dir": tmp_path,
        "api_url": url,
        "tick_seconds": 0.2,
        "token": TOKEN,
        "mode": mode,
    }
    if not digests:
        values["digest_time"] = time(23, 59)
    values.update(settings_overrides)
    settings = Settings(**values)
    engine = create_engine(db_url)
    await upgrade(engine)
    services = Services(
        settings=settings, engine=engine, sessions=session_factory(engine), clock=clock
    )
    app = build_application(services, TOKEN)
    await start_application(app)
    try:
        yield Harness(server, sandbox, services, app, clock)
    finally:
        await stop_application(app)
        await sandbox.close()
        await server.stop()
