"""`python -m bot.sandbox [--host H] [--port P] [--username U] [--limits] [--no-privacy]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.sandbox.limits import Limits
from bot.sandbox.server import DEFAULT_USERNAME, run_sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox", description="Run the local Telegram Bot API sandbox."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--username", default=DEFAULT_USERNAME, help="the bot's @username")
    parser.add_argument(
        "--limits", action="store_true", help="enforce Telegram's flood limits from the start"
    )
    parser.add_argument(
        "--no-privacy",
        action="store_true",
        help="bots see every group message (as with BotFather's /setprivacy Disable)",
    )
    args = parser.parse_args(argv)
    limits = Limits(enabled=args.limits)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_sandbox(args.host, args.port, args.username, limits, privacy=not args.no_privacy)
        )


if __name__ == "__main__":
    main()
