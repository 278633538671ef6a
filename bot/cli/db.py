"""`dutybot db upgrade|status`: create, upgrade and inspect the database schema."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.settings import Settings
from storage.db import MissingDatabase, create_engine, shown_url
from storage.schema import SCHEMA_HEAD, schema_state, upgrade


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="create, upgrade or inspect the database")
    db_commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_commands.add_parser("upgrade", help="create the database or bring it up to date")
    up.set_defaults(handler=run_upgrade)
    status = db_commands.add_parser("status", help="show the schema revision")
    status.set_defaults(handler=run_status)


def run_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> str:
        engine = create_engine(settings.effective_database_url)
        try:
            state = await upgrade(engine)
        finally:
            await engine.dispose()
        return state.current or "?"

    revision = asyncio.run(go())
    print(f"database ready at revision {revision}: {shown_url(settings.effective_database_url)}")
    return 0


def run_status(_args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> tuple[str | None, str]:
        try:
            engine = create_engine(settings.effective_database_url, create=False)
        except MissingDatabase:  # no file yet: nothing to read, and none made by asking
            return None, SCHEMA_HEAD
        try:
            state = await schema_state(engine)
        finally:
            await engine.dispose()
        return state.current, state.head

    current, head = asyncio.run(go())
    verdict = "up to date" if current == head else "run `dutybot db upgrade`"
    print(
        f"database {shown_url(settings.effective_database_url)}: revision {current or 'none'}, code {head} ({verdict})"
    )
    return 0 if current == head else 1
