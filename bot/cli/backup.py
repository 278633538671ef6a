"""`dutybot backup FILE` and `dutybot restore FILE [--force]`: SQLite snapshots.

A backup can be taken while the bot runs (storage.backup copies in one read transaction). A
restore refuses a file that is not an intact dutybot database of a schema revision this code
knows, refuses while a bot or worker has the database open, and replaces an existing database
only with --force, keeping the replaced one beside it. PostgreSQL deployments use the
server's own tools; both commands say which, instead of doing half a job.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError as AlembicCommandError
from sqlalchemy.engine import make_url

from bot.cli.errors import CommandError
from bot.settings import Settings
from storage import backup as snapshots
from storage.db import is_sqlite, sqlite_path
from storage.schema import alembic_config, head_revision


def register(subparsers: Any) -> None:
    take = subparsers.add_parser(
        "backup", help="write a consistent snapshot of the SQLite database (safe while running)"
    )
    take.add_argument("file", type=Path, help="where to write the snapshot")
    take.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    take.set_defaults(handler=run_backup)
    back = subparsers.add_parser(
        "restore", help="replace the (stopped) SQLite database with a snapshot"
    )
    back.add_argument("file", type=Path, help="a snapshot written by `dutybot backup`")
    back.add_argument(
        "--force", action="store_true", help="replace an existing database (it is kept aside)"
    )
    back.set_defaults(handler=run_restore)


def _database_file(settings: Settings, verb: str) -> Path:
    url = settings.effective_database_url
    if not is_sqlite(url):
        raise CommandError(postgres_advice(url, verb))
    path = sqlite_path(url)
    if path is None:
        raise CommandError(f"an in-memory database has no file to {verb}")
    return path


def postgres_advice(url: str, verb: str) -> str:
    """The PostgreSQL commands to use instead (password never shown)."""
    parsed = make_url(url)
    target = parsed.set(drivername="postgresql")._replace(password=None).render_as_string()
    if verb == "back up":
        return (
            "the database is PostgreSQL: back it up with the server's tool, e.g. "
            f"`pg_dump --format=custom --file FILE {target}` (safe while the bot runs)"
        )
    return (
        "the database is PostgreSQL: stop the bot, then restore with the server's tool, e.g. "
        f"`pg_restore --clean --if-exists --dbname {target} FILE`, and run `dutybot db status`"
    )


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    source = _database_file(settings, "back up")
    destination: Path = args.file
    if not destination.name:
        raise CommandError("give the snapshot a file name")
    try:
        same = destination.resolve() == source.resolve()
        exists = destination.exists()
    except OSError as exc:
        raise CommandError(f"{destination} cannot be written ({exc.strerror})") from None
    if same:
        raise CommandError("the snapshot cannot be written over the database itself")
    if exists and not args.force:
        raise CommandError(f"{destination} exists; choose another name or add --force")
    try:
        info = snapshots.backup(source, destination)
    except (snapshots.BackupError, OSError) as exc:
        raise CommandError(f"backup failed: {exc}") from None
    print(f"backup written to {destination} (revision {info.revision}; {info.summary()})")
    return 0


def check_revision(revision: str) -> str | None:
    """None when the snapshot is at the code's revision, else what to do after restoring.

    Raises CommandError for a revision this code does not know (a newer dutybot made it).
    """
    head = head_revision()
    if revision == head:
        return None
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except AlembicCommandError:
        known = None
    if known is None:
        raise CommandError(
            f"the snapshot has schema revision {revision}, unknown to this dutybot "
            f"(it expects {head}); restore it with the dutybot version that made it"
        )
    return (
        f"its schema revision {revision} is older than the code's {head}: run `dutybot db upgrade`"
    )


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    target = _database_file(settings, "restore")
    snapshot: Path = args.file
    try:
        info = snapshots.inspect(snapshot)
    except snapshots.BackupError as exc:
        raise CommandError(f"refusing to restore: {exc}") from None
    upgrade_note = check_revision(info.revision)
    if snapshot.resolve() == target.resolve():
        raise CommandError("the snapshot is the database itself; nothing to restore")
    if snapshots.in_use(target):
        raise CommandError(
            f"refusing to restore: a running bot or worker has {target} open; stop it first"
        )
    if target.exists() and not target.is_file():
        raise CommandError(f"the database path {target} is not a file; check DUTYBOT_DATA_DIR")
    keep_as = None
    if target.exists() and target.stat().st_size > 0:
        if not args.force:
            raise CommandError(
                f"{target} already exists; add --force to replace it (it will be kept aside)"
            )
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        keep_as = target.with_name(f"{target.name}.replaced-{stamp}")
    try:
        snapshots.restore(snapshot, target, keep_as)
    except (snapshots.BackupError, OSError) as exc:
        raise CommandError(f"restore failed: {exc}") from None
    print(f"restored {snapshot} into {target} (revision {info.revision}; {info.summary()})")
    if keep_as is not None:
        print(f"the database it replaced is kept as {keep_as}")
    if upgrade_note:
        print(upgrade_note)
    return 0
