"""The `dutybot` command line: one subcommand per administrator task.

Each subcommand module exposes `register(subparsers)`; a handler takes the parsed arguments
and the settings and returns an exit code. Known failures raise `CommandError` and end with
one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from bot import __version__
from bot.cli.errors import CommandError
from bot.logging_setup import configure_logging, redact
from bot.settings import Settings, SettingsError, load_settings
from storage.db import DatabaseUnavailable
from storage.schema import SchemaOutOfDate

log = logging.getLogger("bot.cli")

# command → the module that registers it; only the chosen one is imported, so `dutybot run`
# does not pay for openpyxl, the sandbox or Alembic's script loader (about half its start-up)
COMMANDS = {
    "db": "db",
    "demo": "demo",
    "run": "run",
    "worker": "run",
    "sandbox": "sandbox",
    "invite": "invite",
    "simulate": "simulate",
    "calendar": "calendar",
    "statutory": "statutory",
    "import": "import_plans",
    "units": "units",
    "groups": "groups",
    "jurisdictions": "jurisdictions",
    "digest": "digest",
    "export": "export",
    "ics": "ics",
    "backup": "backup",
    "restore": "backup",
    "doctor": "doctor",
}


def command_modules(argv: Sequence[str]) -> list[ModuleType]:
    """The modules to register: the named command's alone, or every one (for help, or when
    the first word is not a command and argparse should say so with the full list)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    names = [COMMANDS[first]] if first in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    return [importlib.import_module(f"bot.cli.{name}") for name in names]


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutybot",
        description="Duty reminder bot for rule-of-law work plans.",
    )
    parser.add_argument("--version", action="version", version=f"dutybot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in command_modules(argv):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, secrets_of(settings))
        return int(args.handler(args, settings) or 0)
    except (SettingsError, SchemaOutOfDate, DatabaseUnavailable, CommandError) as exc:
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
