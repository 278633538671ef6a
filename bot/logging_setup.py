"""Logging that never prints the bot token, wherever it appears (httpx logs request URLs).

Redaction happens when a record is created (a logging record factory), so every handler sees
the redacted text: the CLI's stream handler, pytest's capture, a handler a library adds later.
A record's `%`-arguments are merged into its message first, and a traceback (`exc_info`) is
formatted and redacted into `exc_text`, because the secret is often in the exception's words
(python-telegram-bot's InvalidToken quotes the token) rather than in the message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

REDACTED = "<token>"
MIN_SECRET_PART = 8

_secrets: set[str] = set()
_base_factory: Any = None


def secret_variants(secret: str) -> list[str]:
    """The secret and, for a bot token `<id>:<key>`, its key alone (logged on its own too)."""
    if not secret:
        return []
    variants = [secret]
    _bot_id, colon, key = secret.partition(":")
    if colon and len(key) >= MIN_SECRET_PART:
        variants.append(key)
    return variants


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every known secret (longest first) replaced by a placeholder."""
    chosen = _secrets if secrets is None else {v for s in secrets for v in secret_variants(s)}
    for secret in sorted(chosen, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_record(record: logging.LogRecord, secrets: Iterable[str] | None = None) -> None:
    """Rewrite a record in place so no formatter can print a secret."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to logging's own error report
        message = None
    if message is not None:
        cleaned = redact(message, secrets)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(text, secrets)
        if cleaned != text:
            record.exc_text = cleaned
            record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, secrets)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, secrets)


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    if _secrets:
        redact_record(record)
    return record


def install_redaction(secrets: Iterable[str]) -> None:
    """Redact these secrets in every log record from now on (idempotent, process-wide)."""
    global _base_factory
    for secret in secrets:
        _secrets.update(secret_variants(secret))
    if _base_factory is None:
        _base_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_redacting_factory)


def forget_secrets() -> None:
    """Stop redacting (tests that install a throwaway token clean up with this)."""
    _secrets.clear()


class RedactingFilter(logging.Filter):
    """A handler-level second line of defence for records made before the factory was set."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            redact_record(record, self.secrets)
        return True


def configure_logging(level: str, secrets: list[str]) -> None:
    """Root logging for the CLI and the bot; quiet chatty libraries, redact secrets."""
    install_redaction(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # "skipped: maximum number of running instances reached" is the intended coalescing
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def add_redaction(secrets: list[str]) -> None:
    """Redact secrets everywhere, and on every handler already installed (e.g. pytest's)."""
    install_redaction(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(secrets))
