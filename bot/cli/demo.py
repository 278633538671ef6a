"""`dutybot demo`: try the bot with no token — sandbox, bot, sample plan, simulated people."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import tempfile
from pathlib import Path
from typing import Any

from bot.cli.common import console
from bot.cli.errors import CommandError
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the sandbox and the bot with a sample plan (no token needed)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--data-dir", type=Path, help="keep the demo database here")
    parser.set_defaults(handler=run_demo_command)


def run_demo_command(args: argparse.Namespace, settings: Settings) -> int:
    async def main(data_dir: Path) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        from bot.cli.demo_run import run_demo  # the sandbox: only for the demo

        await run_demo(settings, data_dir, args.host, args.port, console.print, stop)

    with contextlib.ExitStack() as stack:
        if args.data_dir:
            data_dir = args.data_dir
            data_dir.mkdir(parents=True, exist_ok=True)
        else:
            data_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="dutybot-demo-"))
            )
        try:
            asyncio.run(main(data_dir))
        except OSError as exc:
            raise CommandError(f"cannot start the demo on {args.host}:{args.port}: {exc}") from None
    return 0
