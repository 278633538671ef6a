"""`dutybot run`: start the bot with the configured token, polling or webhook."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path
from typing import Any

from bot.cli.common import console
from bot.cli.demo import run_demo_command
from bot.cli.errors import CommandError
from bot.services import build_services
from bot.settings import RunMode, Settings
from handlers.app import (
    BotApplication,
    build_application,
    release_connections,
    start_application,
    stop_application,
)
from storage.db import create_engine
from storage.schema import require_current


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="start the bot (polling, or webhook by setting); no token: the sandbox demo"
    )
    parser.add_argument("--host", default="127.0.0.1", help="sandbox host when no token is set")
    parser.add_argument("--port", type=int, default=8081, help="sandbox port when no token is set")
    parser.add_argument("--data-dir", type=Path, help="demo database directory (no token)")
    parser.set_defaults(handler=run_bot)
    worker = subparsers.add_parser(
        "worker", help="deliver reminders only (scale-out: several workers, one database)"
    )
    worker.set_defaults(handler=run_worker)


def check_schema(settings: Settings) -> None:
    async def go() -> None:
        engine = create_engine(settings.effective_database_url, create=False)
        try:
            await require_current(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        console.print(
            "No DUTYBOT_TOKEN is set: running against the local sandbox Bot API with the "
            "sample plan (the same as `dutybot demo`). Set DUTYBOT_TOKEN to run for real."
        )
        return run_demo_command(args, settings)
    check_schema(settings)
    services = build_services(settings)
    application = build_application(services, settings.token.get_secret_value())
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if settings.mode is RunMode.WEBHOOK:
            # the bot's own web server takes the updates and serves the board on that address
            loop.run_until_complete(_serve_until_stopped(application))
        else:
            application.run_polling(close_loop=False)
    finally:
        loop.run_until_complete(release_connections(application))
        loop.close()
    return 0


async def _serve_until_stopped(application: BotApplication) -> None:
    await start_application(application)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await stop_application(application)


def run_worker(_args: argparse.Namespace, settings: Settings) -> int:
    """A delivery-only process: it ticks the outbox and plans, but receives no updates."""
    if settings.token is None:
        raise CommandError("no bot token: set DUTYBOT_TOKEN")
    check_schema(settings)
    token = settings.token.get_secret_value()

    async def serve() -> None:
        services = build_services(settings)
        application = build_application(services, token, receive_updates=False)
        await start_application(application)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            await stop_application(application)

    asyncio.run(serve())
    return 0
