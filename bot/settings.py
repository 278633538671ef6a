"""Typed settings, loaded once from the environment, `.env` and an optional TOML file."""

from __future__ import annotations

import os
import re
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.text import shorten

SUPPORTED_LOCALES = ("zh_CN", "en")
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_ZONE = ZoneInfo(DEFAULT_TIMEZONE)  # for callers without settings (tests, scripts)
# Telegram bot usernames: 5-32 characters, a letter first (they end in "bot")
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TELEGRAM_API_ROOT = "https://api.telegram.org"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dutybot"


def config_file_path() -> Path:
    """The TOML file read for settings: `DUTYBOT_CONFIG`, else `dutybot.toml` here (which may
    be absent; a file named in DUTYBOT_CONFIG must exist, or a typo would go unnoticed)."""
    named = os.environ.get("DUTYBOT_CONFIG")
    if named is None:
        return Path("dutybot.toml")
    path = Path(named)
    if not path.is_file():
        raise SettingsError(f"invalid setting DUTYBOT_CONFIG: {named!r} is not a file")
    return path


class RunMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


CheckinCadence = Literal["month", "quarter", "half_year", "year", "off"]


class Settings(BaseSettings):
    """Everything an administrator can set; see the README's configuration reference."""

    model_config = SettingsConfigDict(
        env_prefix="DUTYBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    token: SecretStr | None = Field(default=None, description="Bot token from @BotFather")
    bot_username: str | None = Field(default=None, description="for invite links from the CLI")
    api_url: str = Field(default=TELEGRAM_API_ROOT, description="Bot API server root URL")
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(default=None, description="SQLAlchemy async URL")
    timezone: str = DEFAULT_TIMEZONE
    locale: str = "zh_CN"
    reminder_time: time = time(9, 0)
    digest_weekday: str = "monday"
    digest_time: time = time(9, 0)
    lead_days: list[int] = Field(default_factory=lambda: [14, 7, 3, 1, 0])
    overdue_every_days: int = Field(default=2, ge=1, le=60)
    overdue_max_repeats: int = Field(default=5, ge=0, le=50)
    statutory_profile: str = Field(
        default="national",
        description="national, or a province's earlier internal dates (departments_by_march_1)",
    )
    checkin_every: CheckinCadence = Field(
        default="quarter",
        description="how often undated duties are asked about: month, quarter, "
        "half_year, year or off",
    )
    log_level: str = "INFO"
    mode: RunMode = RunMode.POLLING
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    board_url: str | None = Field(
        default=None,
        description="public https address of the board (the Mini App); in webhook mode it "
        "defaults to the webhook's host, path /board/",
    )
    board_listen: str = "127.0.0.1"
    board_port: int = Field(default=8444, ge=0, le=65535, description="polling mode: 0 = any")
    board_session_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, description="how long a board opened stays signed in"
    )
    tick_seconds: float = Field(default=5.0, gt=0, le=3600)
    send_rate: float = Field(default=30.0, gt=0, le=10_000, description="messages/s per bot")
    private_chat_interval: float = Field(default=1.05, ge=0, le=60)
    group_per_minute: int = Field(default=19, ge=1, le=10_000)
    worker_id: str | None = None
    press_answer_after_seconds: float = Field(
        default=2.0, gt=0, le=10, description="answer a press plainly when its turn runs longer"
    )
    flood_limit: int = Field(default=20, ge=1, le=10_000, description="updates per user per window")
    flood_window_seconds: float = Field(default=5.0, gt=0, le=3600)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file_path())
        return (init_settings, env_settings, dotenv_settings, toml, file_secret_settings)

    @field_validator("statutory_profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        from scheduling.dates.statutory import profiles

        if value not in profiles():
            raise ValueError(f"unknown profile {value!r} (one of {', '.join(profiles())})")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long
            shown = shorten(value, 41)
            raise ValueError(f"unknown time zone {shown!r} (try Asia/Shanghai)") from exc
        return value

    @field_validator("bot_username")
    @classmethod
    def _telegram_username(cls, value: str | None) -> str | None:
        """The bot's @name as Telegram allows it, so invite links are never broken."""
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not BOT_USERNAME.fullmatch(name):
            raise ValueError(
                "a bot username is 5-32 letters, digits or underscores, starting with a letter"
            )
        return name

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        normalized = value.replace("-", "_")
        for known in SUPPORTED_LOCALES:
            if normalized.lower() == known.lower():
                return known
        raise ValueError(
            f"unsupported locale {value!r}; choose one of {', '.join(SUPPORTED_LOCALES)}"
        )

    @field_validator("digest_weekday")
    @classmethod
    def _known_weekday(cls, value: str) -> str:
        lowered = value.strip().lower()
        if lowered not in WEEKDAYS:
            raise ValueError(f"{value!r} is not a weekday name (monday … sunday)")
        return lowered

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"{value!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")
        return upper

    @field_validator("lead_days")
    @classmethod
    def _sane_lead_days(cls, value: list[int]) -> list[int]:
        if any(day < 0 or day > 366 for day in value):
            raise ValueError("lead days must be between 0 and 366")
        return sorted(set(value), reverse=True)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("sqlite://"):
            value = "sqlite+aiosqlite://" + value[len("sqlite://") :]
        elif value.startswith(("postgresql://", "postgres://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
        try:
            make_url(value)
        except (ArgumentError, ValueError) as exc:  # e.g. an unclosed [ of an IPv6 host
            raise ValueError(f"cannot read the URL: {exc}") from None
        return value

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_needs_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("mode") is RunMode.WEBHOOK and not value:
            raise ValueError("webhook mode (DUTYBOT_MODE=webhook) needs a public https URL")
        return value

    @field_validator("board_url")
    @classmethod
    def _board_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL (Telegram wants https)")
        return value if value.endswith("/") else value + "/"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'dutybot.db'}"

    @property
    def bot_base_url(self) -> str:
        """The `base_url` python-telegram-bot wants (the token is appended to it)."""
        return f"{self.api_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    @property
    def digest_weekday_index(self) -> int:
        return WEEKDAYS.index(self.digest_weekday)


class SettingsError(Exception):
    """A setting is wrong; the message names it in one line."""


def _env_name(field: str) -> str:
    return f"DUTYBOT_{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Load settings, turning pydantic's report into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
        message = first.get("msg", "invalid value").removeprefix("Value error, ")
        name = _env_name(location) if location else "settings"
        raise SettingsError(f"invalid setting {name}: {message}") from None
    except SettingsError:
        raise
    except Exception as exc:  # a value pydantic-settings cannot decode, a malformed TOML file
        text = str(exc)
        field = re.search(r'field "([a-z_]+)"', text)
        if field:
            raise SettingsError(
                f"invalid setting {_env_name(field.group(1))}: cannot parse its value"
            ) from None
        raise SettingsError(f"cannot read settings: {text.splitlines()[0]}") from None
