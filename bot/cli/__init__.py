"""The `dutybot` command line: one subcommand per administrator task.

Each subcommand module exposes `register(subparsers)`; a handler takes the parsed arguments
and the settings and returns an exit code. Known failures raise `CommandError` and end with
one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import (
    calendar,
    db,
    demo,
    groups,
    import_plans,
    invite,
    run,
    sandbox,
    simulate,
    statutory,
    units,
)
from bot.cli.errors import CommandError
from bot.logging_setup import configure_logging
from bot.settings import SettingsError, load_settings
from storage.schema import SchemaOutOfDate

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
        token = settings.token.get_secret_value() if settings.token else ""
        configure_logging(settings.log_level, [token])
        return int(args.handler(args, settings) or 0)
    except (SettingsError, SchemaOutOfDate, CommandError) as exc:
        print(f"dutybot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
