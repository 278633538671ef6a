"""What date math needs to say things in the reader's language, and no more.

Rules are explained and periods named here (`explain`, `labels`), but the catalogs live above,
in `bot.i18n`: this module is the port. `_` marks a message for extraction (it is translated
when shown), and `Translator` is the shape of the reader's translator that `bot.i18n.Translator`
fills.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


def _(message: str) -> str:
    """Mark a string for extraction without translating it here (translated at render time)."""
    return message


class Translator(Protocol):
    """One reader's language: catalog lookups and locale-aware dates."""

    @property
    def locale(self) -> str: ...

    def gettext(self, message: str, **values: object) -> str: ...

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str: ...

    def date(self, day: date) -> str: ...
