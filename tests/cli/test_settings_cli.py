"""Settings load from the environment and a TOML file; wrong ones end in one clear line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from bot.cli import COMMANDS, build_parser, main
from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(tmp_path / "data"))


def test_defaults_are_the_embedded_deployment(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.locale == "zh_CN"
    assert settings.token is None
    assert (
        settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'dutybot.db'}"
    )
    assert settings.bot_base_url == "https://api.telegram.org/bot"
    assert settings.reminder_time == time(9, 0)
    assert settings.digest_weekday == "monday"


def test_environment_and_toml_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "dutybot.toml").write_text(
        'locale = "en"\nreminder_time = "08:30"\ndigest_weekday = "Friday"\n', encoding="utf-8"
    )
    monkeypatch.setenv("DUTYBOT_TOKEN", "123:topsecretvalue")
    monkeypatch.setenv("DUTYBOT_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    settings = load_settings()
    assert settings.locale == "en"
    assert settings.reminder_time == time(8, 30)
    assert settings.digest_weekday == "friday"
    assert settings.token is not None and settings.token.get_secret_value() == "123:topsecretvalue"
    assert "topsecretvalue" not in repr(settings)
    assert settings.effective_database_url.startswith("postgresql+asyncpg://")
    monkeypatch.setenv("DUTYBOT_BOT_USERNAME", " @duty_office_bot")
    assert load_settings().bot_username == "duty_office_bot"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DUTYBOT_TIMEZONE", "Mars/Olympus", "invalid setting DUTYBOT_TIMEZONE: unknown time zone"),
        ("DUTYBOT_LOCALE", "fr", "invalid setting DUTYBOT_LOCALE: unsupported locale"),
        ("DUTYBOT_REMINDER_TIME", "25:00", "invalid setting DUTYBOT_REMINDER_TIME"),
        ("DUTYBOT_DIGEST_WEEKDAY", "someday", "invalid setting DUTYBOT_DIGEST_WEEKDAY"),
        ("DUTYBOT_LEAD_DAYS", "[1, x]", "invalid setting DUTYBOT_LEAD_DAYS"),
        ("DUTYBOT_DATABASE_URL", "mysql://x", "invalid setting DUTYBOT_DATABASE_URL"),
        ("DUTYBOT_DATABASE_URL", "postgresql://u@[::1/x", "invalid setting DUTYBOT_DATABASE_URL"),
        ("DUTYBOT_MODE", "webhook", "invalid setting DUTYBOT_WEBHOOK_URL"),
        ("DUTYBOT_LOG_LEVEL", "LOUD", "invalid setting DUTYBOT_LOG_LEVEL"),
        ("DUTYBOT_TIMEZONE", "A" * 5000, "invalid setting DUTYBOT_TIMEZONE: unknown time zone"),
        ("DUTYBOT_BOT_USERNAME", "@", "invalid setting DUTYBOT_BOT_USERNAME: a bot username"),
        ("DUTYBOT_BOT_USERNAME", "my bot", "invalid setting DUTYBOT_BOT_USERNAME"),
        ("DUTYBOT_CONFIG", "missing.toml", "invalid setting DUTYBOT_CONFIG: 'missing.toml'"),
    ],
)
def test_wrong_setting_names_itself_and_exits_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError):
        load_settings()
    assert main(["db", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutybot: " + expected)
    assert len(err.strip().splitlines()) == 1


def test_wrong_setting_from_the_installed_script_has_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOT_")}
    env["DUTYBOT_TIMEZONE"] = "Nowhere/Land"
    env["DUTYBOT_DATA_DIR"] = str(tmp_path)
    script = Path(sys.executable).parent / "dutybot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    result = subprocess.run(
        [*command, "run"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "dutybot: invalid setting DUTYBOT_TIMEZONE: unknown time zone 'Nowhere/Land' "
        "(try Asia/Shanghai)"
    )


def test_run_refuses_a_database_without_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DUTYBOT_TOKEN", "1:abc")
    assert main(["run"]) == 2
    assert "run `dutybot db upgrade`" in capsys.readouterr().err


def _database_cases(tmp_path: Path) -> list[tuple[str, str]]:
    """URLs of databases that cannot be opened, each with what its line must say."""
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("just some notes\n" * 50, encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    return [
        ("postgresql+asyncpg://ops:hunter2pass@127.0.0.1:1/x", "Connect call failed"),
        ("postgresql+asyncpg://postgres@nohost.invalid/x", "nohost.invalid"),
        (f"sqlite+aiosqlite:///{not_a_database}", "file is not a database"),
        (f"sqlite+aiosqlite:///{tmp_path}", "unable to open database file"),
        (f"sqlite+aiosqlite:///{a_file}/inside.db", "a-file"),
    ]


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "status"], ["units"]])
def test_a_database_that_cannot_be_opened_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
) -> None:
    for url, says in _database_cases(tmp_path):
        monkeypatch.setenv("DUTYBOT_DATABASE_URL", url)
        assert main(command) == 2, url
        err = capsys.readouterr().err
        assert err.startswith("dutybot: cannot open the database "), err
        assert says in err and len(err.strip().splitlines()) == 1, err
        assert "hunter2pass" not in err


def test_db_upgrade_then_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["db", "status"]) == 1
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert "up to date" in out
    database = tmp_path / "data" / "dutybot.db"
    assert database.exists()
    assert database.stat().st_mode & 0o077 == 0, "the database file must be owner-only"


@pytest.mark.parametrize(
    "command",
    [["units"], ["export", "ledger.xlsx"], ["simulate"], ["digest", "--preview"], ["run"]],
)
def test_commands_on_a_database_not_made_yet_create_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
) -> None:
    """A mistyped path must not leave an empty database (and its directory) behind."""
    where = tmp_path / "typo" / "dutybot.db"
    monkeypatch.setenv("DUTYBOT_DATABASE_URL", f"sqlite+aiosqlite:///{where}")
    monkeypatch.setenv("DUTYBOT_TOKEN", "123456:not-used-before-the-database")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err == f"dutybot: no database at {where}: run `dutybot db upgrade` to create it\n"
    assert not where.parent.exists()
    assert main(["db", "status"]) == 1
    assert "revision none" in capsys.readouterr().out
    assert not where.parent.exists()


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(action.choices)


def test_every_subcommand_is_in_the_lazy_command_map() -> None:
    """`dutybot X` imports only COMMANDS[X]'s module; a command missing from the map would
    still work (everything is loaded) but lose that saving, so the map must list them all."""
    assert _subcommands(build_parser()) == set(COMMANDS)
    for name in COMMANDS:
        assert name in _subcommands(build_parser([name]))
