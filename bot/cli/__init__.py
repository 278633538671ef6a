"""The `dutybot` command line: one subcommand per administrator task.

Each subcommand module exposes `register(subparsers)`; a handler takes the parsed arguments
and the settings and returns an exit code. Known failures raise `CommandError` and end with
one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import (
    backup,
    calendar,
    db,
    demo,
    digest,
    doctor,
    export,
    groups,
    ics,
    import_plans,
    invite,
    run,
    sandbox,
    simulate,
    statutory,
    units,
)
from bot.cli.errors import CommandError
from bot.logging_setup import configure_logging, redact
from bot.settings import Settings, SettingsError, load_settings
from storage.schema import SchemaOutOfDate

log = logging.getLogger("bot.cli")

COMMAND_MODULES = (
    db,
    demo,
    run,
    sandbox,
    invite,
    simulate,
    calendar,
    statutory,
    import_plans,
    units,
    groups,
    digest,
    export,
    ics,
    backup,
    doctor,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutybot",
        description="Duty reminder bot for rule-of-law work plans.",
    )
    parser.add_argument("--version", action="version", version=f"dutybot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, secrets_of(settings))
        return int(args.handler(args, settings) or 0)
    except (SettingsError, SchemaOutOfDate, CommandError) as exc:
        print(f"dutybot: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # unforeseen: the traceback goes to the (redacted) log, one line here
        if not _rejected_token(exc):  # python-telegram-bot has logged that one already
            log.critical("dutybot %s stopped by an unexpected error", args.command, exc_info=True)
        print(f"dutybot: {redact(unexpected(exc))}", file=sys.stderr)
        return 1


def secrets_of(settings: Settings) -> list[str]:
    """What must never reach a log line or an error message."""
    secrets = [settings.token, settings.webhook_secret]
    return [secret.get_secret_value() for secret in secrets if secret is not None]


def _rejected_token(exc: Exception) -> bool:
    return type(exc).__name__ == "InvalidToken"  # telegram types stay out of the CLI core


def unexpected(exc: Exception) -> str:
    """One line for an error no command foresaw; a rejected token gets its own words."""
    if _rejected_token(exc):
        return "the Bot API rejected the token (check DUTYBOT_TOKEN and DUTYBOT_API_URL)"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
