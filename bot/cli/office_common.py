"""What the digest, export and ics commands share: a unit by name, the reader's language."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.errors import CommandError
from bot.settings import SUPPORTED_LOCALES
from bot.usecases.units.lookup import find_unit, suggest_units
from storage.models import Unit


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=SUPPORTED_LOCALES, help="language of the output (default: DUTYBOT_LOCALE)"
    )


async def unit_or_error(session: AsyncSession, name: str) -> Unit:
    """The unit by name, alias or id, or a CommandError that suggests close names."""
    unit = await find_unit(session, name)
    if unit is None:
        hints = await suggest_units(session, name)
        hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
        raise CommandError(f"unknown unit {name!r}{hint}; see `dutybot units`")
    return unit


def writable(path: Path, suffix: str) -> Path:
    """An output path with the right suffix in an existing directory, checked before any work
    is done: a directory, a pipe (writing would wait for a reader forever) or a device is
    refused."""
    if path.suffix.lower() != suffix:
        raise CommandError(f"{path} should end in {suffix}")
    try:
        if not path.parent.is_dir():
            raise CommandError(f"the directory {path.parent} does not exist")
        if path.exists() and not path.is_file():
            raise CommandError(f"{path} is not a regular file")
    except OSError as exc:  # a name too long, a parent that cannot be searched
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def write_output(path: Path, data: bytes) -> None:
    """Write a finished document, or say in one line why it could not be (no permission, a
    full disk)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
