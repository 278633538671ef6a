"""Explain a stored schedule rule in the reader's language."""

from __future__ import annotations

import logging
from typing import Any

from bot.i18n import Translator
from scheduling.dates.model import Rule

log = logging.getLogger(__name__)


def explain_stored_rule(kind: str, phrase: str, params: dict[str, Any], t: Translator) -> str:
    """The rule's own explanation; the bare phrase if stored params no longer validate."""
    try:
        return Rule(kind=kind, phrase=phrase, params=dict(params)).explain(t)
    except (ValueError, KeyError, TypeError):
        log.warning("stored rule %r with params %r does not validate", kind, params)
        return phrase or kind
