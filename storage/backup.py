"""SQLite snapshots: a consistent copy while the bot runs, checked before it is trusted.

The copy goes through SQLite's online backup API in one step, so it is one read transaction:
every row committed before it started, nothing half-written, while the bot keeps writing (WAL
readers never block writers). A file is trusted as a backup only after `PRAGMA
integrity_check`, the dutybot tables and a known schema revision. Files are written
owner-only, next to their destination, and renamed into place, so a crash mid-copy leaves no
half file under the real name.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = ("alembic_version", "units", "members", "assignments", "reminders")
COUNTED_TABLES = (
    "units",
    "plans",
    "duties",
    "members",
    "bindings",
    "assignments",
    "status_reports",
    "reminders",
    "invites",
)
SHM_DMS_BYTE = 128  # SQLite's "dead man switch": every open WAL connection share-locks it


class BackupError(Exception):
    """A snapshot cannot be taken or trusted; the message says why in one sentence."""


@dataclass(frozen=True)
class SnapshotInfo:
    """What a database file holds: its schema revision and row counts."""

    revision: str
    counts: dict[str, int]

    def summary(self) -> str:
        shown = ("assignments", "status_reports", "reminders", "units", "members")
        return ", ".join(f"{self.counts.get(name, 0)} {name}" for name in shown)


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _owner_only_file(path: Path) -> None:
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))


def in_use(db: Path) -> bool:
    """Whether another process has this WAL database open (a running bot or worker).

    Every SQLite connection in WAL mode holds a shared lock on one byte of the `-shm` file
    while it is open; if an exclusive lock on that byte cannot be had, someone holds it.
    """
    shm = Path(f"{db}-shm")
    if not shm.exists():
        return False
    fd = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE, os.SEEK_SET)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def _copy(source: Path, destination: Path) -> None:
    """Copy a live database in one backup step into a fresh owner-only file."""
    _owner_only_file(destination)
    with _connect(source) as src, _connect(destination) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()


def inspect(path: Path) -> SnapshotInfo:
    """Check that `path` is an intact dutybot database; its revision and row counts."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    if not path.is_file():
        raise BackupError(f"{path} is not a regular file")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"{path} cannot be read ({exc.strerror})") from None
    if magic != SQLITE_MAGIC:
        raise BackupError(f"{path} is not a SQLite database")
    try:
        with _connect(path) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()
            if not verdict or verdict[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check: {verdict and verdict[0]})")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            missing = [name for name in REQUIRED_TABLES if name not in tables]
            if missing:
                raise BackupError(
                    f"{path} is not a dutybot database (no {', '.join(missing)} table)"
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None:
                raise BackupError(f"{path} has no schema revision")
            counts = {
                name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                for name in COUNTED_TABLES
                if name in tables
            }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database ({exc})") from None
    return SnapshotInfo(revision=str(row[0]), counts=counts)


def _check_destination(destination: Path) -> None:
    """A snapshot replaces nothing but a regular file. Renaming it over a device or a pipe
    would replace that node itself (run as root, `/dev/null` became a file)."""
    try:
        mode = destination.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BackupError(f"{destination} cannot be written ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise BackupError(f"{destination} is not a regular file; write the snapshot to a file")


def backup(source: Path, destination: Path) -> SnapshotInfo:
    """Snapshot the live database `source` into `destination` and verify the copy."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    _check_destination(destination)
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        _copy(source, partial)
        info = inspect(partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return info


def restore(snapshot: Path, target: Path, keep_as: Path | None) -> SnapshotInfo:
    """Replace the (stopped) database `target` with a checked copy of `snapshot`.

    The database replaced is first copied to `keep_as` (with anything its WAL still held).
    The caller has checked the snapshot's revision and that no process uses `target`.
    """
    info = inspect(snapshot)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    try:
        _copy(snapshot, partial)
        if target.exists() and keep_as is not None:
            _copy(target, keep_as)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)  # they belong to the database being replaced
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return info
