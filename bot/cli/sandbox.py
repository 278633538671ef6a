"""`dutybot sandbox`: run the local Bot API server alone (point any bot at it)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import Any

from bot.cli.errors import CommandError
from bot.sandbox.limits import Limits
from bot.sandbox.server import DEFAULT_USERNAME, run_sandbox
from bot.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sandbox", help="run the local Telegram Bot API server alone (no token needed)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--username", default=DEFAULT_USERNAME, help="the bot's @username")
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument(
        "--no-privacy", action="store_true", help="bots see every group message (privacy off)"
    )
    parser.set_defaults(handler=run_sandbox_command)


def run_sandbox_command(args: argparse.Namespace, _settings: Settings) -> int:
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(
                run_sandbox(
                    args.host,
                    args.port,
                    args.username,
                    Limits(enabled=args.limits),
                    privacy=not args.no_privacy,
                )
            )
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    return 0
