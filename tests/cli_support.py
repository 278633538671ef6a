"""What the command-line tests share: a clean environment with a migrated SQLite database,
and running `dutybot` in-process with its exit code and output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main


def migrated_cli_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No DUTYBOT_ settings from outside, the data directory under `tmp_path` (also the
    working directory), a wide terminal for tables, and `dutybot db upgrade` run; the
    database file's path."""
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["db", "upgrade"]) == 0
    return tmp_path / "data" / "dutybot.db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`dutybot ARGV…` in-process: exit code, stdout, stderr (of this command only)."""
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
