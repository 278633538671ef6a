"""`dutybot doctor`: one line per check, ✓ or ✗ with what to fix; exit 1 if anything needs it.

Checks settings (a setting that does not parse stops every command earlier, with one line
naming it), the data directory and database file permissions, the schema revision, the Bot
API (getMe with the token), this and next year's official holidays, and a font for charts.

Each check is independent and never raises: a failure is a result, so one broken part (an
unreachable database) does not hide the state of the others.
"""

from __future__ import annotations

import argparse
import asyncio
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.clock import Clock, SystemClock
from bot.logging_setup import redact
from bot.render.fonts import find_cjk_family
from bot.services import build_services
from bot.settings import RunMode, Settings
from scheduling.dates.workdays import BUNDLED_YEARS, WorkdayCalendar
from storage.db import DatabaseUnavailable, create_engine, is_sqlite, shown_url, sqlite_path
from storage.schema import schema_state

API_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_settings(settings: Settings) -> Check:
    """Settings parsed (else the CLI stopped earlier); the token and webhook make sense."""
    if settings.token is None:
        return Check(
            "settings",
            False,
            "DUTYBOT_TOKEN is not set: `dutybot run` would start the sandbox demo; "
            "set the token from @BotFather",
        )
    if settings.mode is RunMode.WEBHOOK and not (settings.webhook_url or "").startswith("https://"):
        return Check("settings", False, "webhook mode needs an https DUTYBOT_WEBHOOK_URL")
    return Check(
        "settings",
        True,
        f"token set, {settings.mode.value} mode, locale {settings.locale}, "
        f"zone {settings.timezone}",
    )


def check_database_file(settings: Settings) -> Check | None:
    """SQLite only: the file is owner-only (it holds names, chats and evidence links)."""
    url = settings.effective_database_url
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is None or not path.parent.exists():  # the data directory's line says it
        return None
    if not path.exists():
        return Check("database file", False, f"{path} does not exist: run `dutybot db upgrade`")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check(
            "database file",
            False,
            f"{path} is readable by others (mode {mode:o}): run `chmod 600 {path}`",
        )
    return Check("database file", True, f"{path} (owner-only, mode {mode:o})")


async def check_schema(settings: Settings) -> Check:
    url = settings.effective_database_url
    shown = shown_url(url)
    try:  # create=False: asking must not leave an empty database behind
        engine = create_engine(url, create=False, connect_args=_short_connect(url))
    except DatabaseUnavailable as exc:  # no file yet, or a path that cannot hold one
        return Check("database schema", False, str(exc))
    try:
        state = await schema_state(engine)
    except Exception as exc:  # any driver error is the finding itself
        return Check("database schema", False, f"cannot open {shown}: {_first_line(exc)}")
    finally:
        await engine.dispose()
    if state.current is None:
        return Check("database schema", False, f"{shown} has no schema: run `dutybot db upgrade`")
    if not state.up_to_date:
        return Check(
            "database schema",
            False,
            f"revision {state.current}, the code expects {state.head}: run `dutybot db upgrade`",
        )
    return Check("database schema", True, f"revision {state.current} (up to date)")


def _short_connect(url: str) -> dict[str, object]:
    return {} if is_sqlite(url) else {"timeout": API_TIMEOUT}


async def check_bot_api(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> Check:
    """getMe with the token against the configured server, with a short timeout."""
    if settings.token is None:
        return Check("Bot API", False, "no DUTYBOT_TOKEN, so getMe cannot be asked")
    token = settings.token.get_secret_value()
    url = f"{settings.api_url}/bot{token}/getMe"
    try:
        async with httpx.AsyncClient(timeout=API_TIMEOUT, transport=transport) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        reason = redact(_first_line(exc), [token]) or type(exc).__name__
        return Check(
            "Bot API", False, f"cannot reach {settings.api_url} ({reason}): check DUTYBOT_API_URL"
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "ok" not in body:  # a web page, another service …
        return Check(
            "Bot API",
            False,
            f"{settings.api_url} answers (HTTP {response.status_code}), but not as a Bot API: "
            "check DUTYBOT_API_URL",
        )
    if response.status_code in (401, 404):
        return Check(
            "Bot API",
            False,
            f"{settings.api_url} rejected the token ({response.status_code}): check DUTYBOT_TOKEN",
        )
    if response.status_code != 200 or not body.get("ok"):
        return Check(
            "Bot API",
            False,
            f"{settings.api_url} answered getMe with {response.status_code}: try again later",
        )
    username = (body.get("result") or {}).get("username") or "?"
    return Check("Bot API", True, f"@{username} answers at {settings.api_url}")


def check_holidays(calendar: WorkdayCalendar, clock: Clock, settings: Settings) -> Check:
    """This year's and next year's official holidays are known (not guessed as weekends)."""
    year = clock.today(settings.zone).year
    missing = [y for y in (year, year + 1) if not calendar.is_official(y)]
    if missing:
        years = " and ".join(str(y) for y in missing)
        return Check(
            "holidays",
            False,
            f"{years} not covered (bundled data ends with {BUNDLED_YEARS.stop - 1}): working "
            "days there count Monday–Friday; once the State Council announces them, load them "
            "with `dutybot calendar load FILE` (CSV date,kind,name)",
        )
    return Check("holidays", True, f"{year} and {year + 1} official holidays known")


def check_fonts(find_family: Callable[[], str | None]) -> Check:
    family = find_family()
    if family is None:
        return Check(
            "chart fonts",
            False,
            "no font with Chinese glyphs: digests go out without their chart; install one "
            "(e.g. `apt-get install fonts-noto-cjk`)",
        )
    return Check("chart fonts", True, f"charts use {family}")


def check_data_dir(settings: Settings) -> Check | None:
    """The data directory exists and is not open to others (SQLite deployments)."""
    if not is_sqlite(settings.effective_database_url):
        return None
    path: Path = settings.data_dir
    if not path.exists():
        return Check("data directory", False, f"{path} does not exist: run `dutybot db upgrade`")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o002:
        return Check(
            "data directory", False, f"{path} is writable by anyone: run `chmod 700 {path}`"
        )
    return Check("data directory", True, f"{path}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check the installation; say what to fix")
    parser.set_defaults(handler=run_doctor)


async def collect(
    settings: Settings,
    clock: Clock | None = None,
    find_font: Callable[[], str | None] = find_cjk_family,
) -> list[Check]:
    """Every check's result, in the order printed."""
    clock = clock or SystemClock()
    checks: list[Check | None] = [
        check_settings(settings),
        check_data_dir(settings),
        check_database_file(settings),
    ]
    schema = await check_schema(settings)
    checks.append(schema)
    checks.append(await check_bot_api(settings))
    checks.append(await _holidays(settings, schema.ok, clock))
    checks.append(check_fonts(find_font))
    return [check for check in checks if check is not None]


async def _holidays(settings: Settings, database_ready: bool, clock: Clock) -> Check:
    """Bundled holidays, plus those an administrator loaded when the database can be read."""
    if not database_ready:  # opening a missing SQLite file would create it
        return check_holidays(WorkdayCalendar(), clock, settings)
    services = build_services(settings, clock)
    try:
        await services.load_calendar()
        return check_holidays(services.calendar, clock, settings)
    finally:
        await services.close()


def render(checks: list[Check]) -> tuple[list[str], int]:
    """The lines to print and the exit code (1 when anything needs fixing)."""
    lines = [f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}" for check in checks]
    failing = sum(1 for check in checks if not check.ok)
    if failing:
        return [*lines, f"{failing} of {len(checks)} checks need attention"], 1
    return [*lines, f"all {len(checks)} checks passed"], 0


def run_doctor(_args: argparse.Namespace, settings: Settings) -> int:
    lines, code = render(asyncio.run(collect(settings)))
    print("\n".join(lines))
    return code
