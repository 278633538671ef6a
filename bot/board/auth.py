"""Who opened the board: Telegram's signed Mini App launch data (`initData`), verified.

Telegram signs the launch data it hands a Mini App with the bot's token, as its Bot API
documentation describes ("Validating data received via the Mini App"):

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where data_check_string is every received field except `hash`, sorted by key, written
`key=value` and joined with line feeds. `auth_date` (Unix seconds) says when it was signed;
data older than the allowed age, or from the future beyond a little clock skew, is refused,
so a leaked launch string stops working. Nothing here trusts a field before the hash matched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

SECRET_KEY_SALT = b"WebAppData"
CLOCK_SKEW = timedelta(seconds=60)
MAX_LENGTH = 8192


class InitDataError(Exception):
    """Launch data that proves nothing: missing, malformed, forged or stale."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAppUser:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


@dataclass(frozen=True)
class LaunchData:
    """Verified launch data: who, and when Telegram signed it."""

    user: WebAppUser
    auth_date: datetime
    fields: dict[str, str]


def secret_key(bot_token: str) -> bytes:
    return hmac.new(SECRET_KEY_SALT, bot_token.encode("utf-8"), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def signature(fields: dict[str, str], bot_token: str) -> str:
    """The hex `hash` Telegram puts on these fields."""
    message = data_check_string(fields).encode("utf-8")
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def sign(fields: dict[str, str], bot_token: str) -> str:
    """Launch data as Telegram would hand it over (for tests and tools, never trusted)."""
    return urlencode({**fields, "hash": signature(fields, bot_token)})


def _fields(init_data: str) -> dict[str, str]:
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataError("missing" if not init_data else "too_long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("duplicate_field")
    return fields


def verify(init_data: str, bot_token: str, now: datetime, max_age: timedelta) -> LaunchData:
    """The launch data's user, if Telegram signed it for this bot within `max_age` of `now`;
    else `InitDataError` with a reason (never the data)."""
    fields = _fields(init_data)
    received = fields.get("hash", "")
    if len(received) != 64:
        raise InitDataError("no_hash")
    if not hmac.compare_digest(signature(fields, bot_token), received.lower()):
        raise InitDataError("bad_hash")
    try:
        signed = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise InitDataError("no_auth_date") from None
    if now - signed > max_age:
        raise InitDataError("stale")
    if signed - now > CLOCK_SKEW:
        raise InitDataError("from_the_future")
    try:
        raw = json.loads(fields["user"])
        user = WebAppUser(
            id=int(raw["id"]),
            first_name=str(raw.get("first_name", "")),
            last_name=raw.get("last_name"),
            username=raw.get("username"),
            language_code=raw.get("language_code"),
        )
    except (KeyError, ValueError, TypeError):
        raise InitDataError("no_user") from None
    return LaunchData(user=user, auth_date=signed, fields=fields)
