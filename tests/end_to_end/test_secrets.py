"""Secrets: the bot token never reaches a log or an error message; invite tokens are stored
only hashed; the SQLite database (and its -wal/-shm) is owner-only."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from telegram import Bot
from telegram.error import InvalidToken

from bot.clock import SettableClock
from bot.logging_setup import REDACTED, forget_secrets, install_redaction
from bot.sandbox.server import SandboxServer
from bot.services import Services
from bot.usecases.invites.links import create_invite, hash_token
from storage.db import create_engine
from storage.models import Role
from storage.schema import upgrade
from tests.e2e import TOKEN, running_bot
from tests.factories import build_assignment
from tests.reliability import clean_env, run_cli
from tests.web_page_server import web_page_server

BAD_TOKEN = "777:this-token-is-wrong/and-rejected"


class Capture(logging.Handler):
    """Every record, formatted as a deployment's handler would print it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    saved = root.level, logging.getLogger("httpx").level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.INFO)  # request URLs carry the token
    install_redaction([TOKEN, BAD_TOKEN])
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        logging.getLogger("httpx").setLevel(saved[1])
        forget_secrets()


def _secret_parts(token: str) -> list[str]:
    return [token, token.split(":", 1)[1]]


async def test_the_token_never_reaches_a_log_line(
    sqlite_url: str,
    tmp_path: Path,
    clock: SettableClock,
    capture: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = logging.getLogger("tests.secrets")
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        user = await h.user("王")
        await h.say(user, "/start")  # httpx logs each request URL, token included

        def explode() -> None:
            raise RuntimeError(f"handler failed while calling /bot{TOKEN}/sendMessage")

        monkeypatch.setattr("handlers.basics.visible_commands", explode)
        apology = await h.say(user, "/help")  # an exception reaching the error handler
        monkeypatch.undo()

        await h.sandbox.set_faults(methods=["*"], reset_next=2, error_next=2, error_code=502)
        after_faults = await h.say(user, "/whoami")  # network faults, retried
        await h.sandbox.clear_faults()

        log.info("calling %s with %r", f"{h.server.url}/bot{TOKEN}/getMe", {"token": TOKEN})
        rejected = Bot(BAD_TOKEN, base_url=h.app.bot.base_url.rsplit("/bot", 1)[0] + "/bot")
        with pytest.raises(InvalidToken) as refused:
            await rejected.initialize()  # the sandbox answers 404 for a malformed token
        log.error("start-up failed", exc_info=refused.value)
        await rejected.shutdown()
    text = "\n".join(capture.lines)
    leaks = [part for token in (TOKEN, BAD_TOKEN) for part in _secret_parts(token) if part in text]
    redacted = text.count(REDACTED)
    print(
        f"\nlog capture: {len(capture.lines)} records, {redacted} redactions, "
        f"token occurrences {len(leaks)}; sample: "
        + next(line for line in capture.lines if "HTTP Request" in line)
    )
    assert leaks == []
    assert any("HTTP Request" in line and f"/bot{REDACTED}/" in line for line in capture.lines)
    assert any("handler failed while calling" in line for line in capture.lines)
    assert any(f"The token `{REDACTED}` was rejected" in line for line in capture.lines)
    assert "Sorry" in apology["text"] or "抱歉" in apology["text"]
    assert TOKEN not in apology["text"]
    assert "王" in after_faults["text"]


async def test_a_rejected_token_stops_the_cli_with_one_clean_line(tmp_path: Path) -> None:
    server = SandboxServer()
    url = await server.start()
    try:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'dutybot.db'}")
        await upgrade(engine)
        await engine.dispose()
        env = clean_env(token=BAD_TOKEN, api_url=url, data_dir=str(tmp_path))
        run, invite = await asyncio.gather(
            run_cli("run", env=env, cwd=tmp_path),
            run_cli("invite", "--role", "coordinator", env=env, cwd=tmp_path),
        )
    finally:
        await server.stop()
    everything = run.stdout + run.stderr + invite.stdout + invite.stderr
    for part in _secret_parts(BAD_TOKEN):
        assert part not in everything
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "dutybot: the Bot API rejected the token (check DUTYBOT_TOKEN and DUTYBOT_API_URL)"
    )
    assert invite.returncode == 2
    assert invite.stderr.strip().splitlines()[-1].startswith("dutybot: cannot ask the Bot API")
    print(f"\ncli with a rejected token: {run.stderr.strip().splitlines()[-1]}")


async def test_invite_asking_a_server_that_is_no_bot_api_is_one_short_line(
    tmp_path: Path,
) -> None:
    """A wrong DUTYBOT_API_URL answering with a web page: no library traceback, no page."""
    async with web_page_server() as url:
        env = clean_env(token=BAD_TOKEN, api_url=f"{url}/bot", data_dir=str(tmp_path))
        invite = await run_cli("invite", "--role", "coordinator", env=env, cwd=tmp_path)
    assert invite.returncode == 2
    assert "Traceback" not in invite.stderr + invite.stdout
    [line] = invite.stderr.strip().splitlines()
    assert line.startswith("dutybot: cannot ask the Bot API for the bot's name: ")
    assert line.endswith(
        "Not Implemented (501), and not in the Bot API's JSON (check DUTYBOT_API_URL)"
    ), line


async def _all_rows_as_text(services: Services) -> str:
    """Every value of every table, as text (PostgreSQL)."""
    async with services.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: sa_inspect(sync).get_table_names())
        chunks = []
        for table in tables:
            rows = await connection.execute(text(f'SELECT t::text FROM "{table}" t'))
            chunks.extend(row[0] for row in rows)
    return "\n".join(chunks)


def _sqlite_bytes(url: str) -> bytes:
    path = Path(url.split("///", 1)[1])
    parts = [path, Path(f"{path}-wal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


async def test_invite_tokens_are_stored_only_as_hashes(
    services: Services, db_url: str, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        built = await build_assignment(session, clock.now())
        invites = [
            await create_invite(session, clock, Role.LIAISON, built.unit),
            await create_invite(session, clock, Role.COORDINATOR, None),
        ]
    tokens = [invite.token for invite in invites]
    if db_url.startswith("sqlite"):
        stored = _sqlite_bytes(db_url).decode("latin-1")
    else:
        stored = await _all_rows_as_text(services)
    assert all(hash_token(token) in stored for token in tokens), "the hashes are there"
    assert [token for token in tokens if token in stored] == []


async def test_database_files_are_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a typical server umask: new files readable by everyone
    try:
        data = tmp_path / "fresh" / "data"
        engine = create_engine(f"sqlite+aiosqlite:///{data / 'dutybot.db'}")
        async with engine.begin() as connection:  # WAL: -wal and -shm exist while open
            await connection.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            await connection.execute(text("INSERT INTO probe VALUES (1)"))
            modes = {
                path.name: stat.S_IMODE(path.stat().st_mode)
                for path in data.iterdir()
                if path.name.startswith("dutybot.db")
            }
        await engine.dispose()
        directory = stat.S_IMODE(data.stat().st_mode)
    finally:
        os.umask(previous)
    print(
        f"\nfile modes: { ({name: oct(mode) for name, mode in modes.items()}) }, dir {directory:o}"
    )
    assert set(modes) == {"dutybot.db", "dutybot.db-wal", "dutybot.db-shm"}
    assert set(modes.values()) == {0o600}
    assert directory == 0o700


def test_redaction_covers_arguments_tracebacks_stacks_and_late_handlers() -> None:
    """Records are cleaned when made, so a handler added afterwards never sees the token."""
    install_redaction([BAD_TOKEN])
    log = logging.getLogger("tests.secrets.unit")
    late = Capture()
    log.addHandler(late)
    log.setLevel(logging.DEBUG)
    try:
        log.info("args %s and %r", BAD_TOKEN, {"url": f"/bot{BAD_TOKEN}/getMe"})
        try:
            raise ValueError(f"the key {BAD_TOKEN.split(':', 1)[1]} leaked")
        except ValueError:
            log.exception("failed")
        log.warning("where", stack_info=True, extra={"note": "no secret here"})
        log.info("%d%%", 5)  # an ordinary record is left as it was
    finally:
        log.removeHandler(late)
        forget_secrets()
    text = "\n".join(late.lines)
    assert all(part not in text for part in _secret_parts(BAD_TOKEN))
    assert text.count(REDACTED) >= 3
    assert "INFO tests.secrets.unit: 5%" in late.lines
