"""Engine and session factory: SQLite in WAL mode with foreign keys, or PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool


class DatabaseUnavailable(Exception):
    """The database cannot be opened (no server, a file that is no database, a path that
    cannot be created); the message names the database and why, in one line."""


def shown_url(url: str) -> str:
    """The URL as it may be printed: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """The one-line error for a database that could not be opened."""
    reason = getattr(exc, "orig", None) or exc  # a driver error wrapped by SQLAlchemy
    lines = str(reason).strip().splitlines() or [type(reason).__name__]
    return DatabaseUnavailable(f"cannot open the database {shown_url(url)}: {lines[0]}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the database file with owner-only permissions before SQLite opens it (its
    -wal and -shm files get the same mode from SQLite), in an owner-only directory when new."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


# How long one SQLite statement waits for another connection's write lock before it fails
# with "database is locked"; a unit of work that fails so is run again (see `is_busy`).
BUSY_TIMEOUT_MS = 10_000


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cursor.close()


def is_busy(exc: BaseException) -> bool:
    """SQLite gave up waiting for another writer: the transaction was not recorded, and the
    same work may be tried again (under many presses at once, issue 18)."""
    message = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and (
        "database is locked" in message or "database is busy" in message
    )


class MissingDatabase(DatabaseUnavailable):
    """A SQLite file that is not there yet, asked for by a command that must not create it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no database at {path}: run `dutybot db upgrade` to create it")


def _could_be_made(path: Path) -> bool:
    """No file there yet, and nothing in the way of making one: the nearest existing
    ancestor is a directory (under a regular file, opening it is the error to report)."""
    if path.exists():
        return False
    return next(p for p in path.parents if p.exists()).is_dir()


def create_engine(url: str, *, create: bool = True, **kwargs: Any) -> AsyncEngine:
    """An async engine for the URL, configured for the bot's access pattern. With `create`
    false a SQLite file that does not exist is an error instead of a new empty database, so
    a command that only reads never leaves one behind (a mistyped path, say)."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            if not create and _could_be_made(path):
                raise MissingDatabase(path)
            try:
                _prepare_sqlite_file(path)
            except OSError as exc:
                raise unavailable(url, exc) from exc
        if path is None:
            kwargs.setdefault("poolclass", NullPool)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
