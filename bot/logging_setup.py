"""Logging that never prints the bot token, wherever it appears (httpx logs request URLs)."""

from __future__ import annotations

import logging

_REDACTED = "<token>"


class RedactingFilter(logging.Filter):
    """Replaces each secret in a record's final text with a placeholder."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, _REDACTED)
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, _REDACTED)
            record.exc_text = text
            record.exc_info = None
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def configure_logging(level: str, secrets: list[str]) -> None:
    """Root logging for the CLI and the bot; quiet chatty libraries, redact secrets."""
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


def add_redaction(secrets: list[str]) -> None:
    """Redact secrets on every handler already installed (e.g. pytest's capture)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(secrets))
