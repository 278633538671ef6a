"""Translations and locale-aware formatting through Babel.

The catalogs ship as .po files and are compiled in memory when first used, so an installed
copy (wheel or editable) needs no build hook and can never run with a stale .mo file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.settings import SUPPORTED_LOCALES
from locales import DOMAIN, LOCALES_DIR
from scheduling.dates.wording import _ as _  # the one extraction marker, for bot/ and handlers/

DEFAULT_LOCALE = "zh_CN"

# One way per locale to show a day and a moment (issue 18: a conversation showed 2026年12月7日,
# 2026/12/14 05:04 and 2026/12/7 side by side). Times are local and on the 24-hour clock.
DATE_PATTERNS = {"zh_CN": "yyyy年M月d日", "en": "d MMMM yyyy"}
WEEKDAY_PATTERNS = {"zh_CN": "yyyy年M月d日 EEEE", "en": "EEEE, d MMMM yyyy"}
DATETIME_PATTERNS = {"zh_CN": "yyyy年M月d日 HH:mm", "en": "d MMMM yyyy, HH:mm"}


def normalize_locale(code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a user-supplied or Telegram language code ("zh", "zh-hans", "en-US") to a catalog."""
    if not code:
        return default
    lowered = code.replace("-", "_").lower()
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered.startswith("en"):
        return "en"
    return default


@cache
def translations(locale: str) -> Translations:
    """The compiled catalog for a locale (an empty one for the source language fallback)."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"no catalog for {locale!r}")
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def babel_locale(locale: str) -> Locale:
    """Parsed once per process: Babel parses a locale string again on every format call, and
    for zh_CN that scans every locale it knows (most of a millisecond per formatted date)."""
    return Locale.parse(locale)


@dataclass(frozen=True)
class Translator:
    """Everything a renderer needs for one reader: their language and zone."""

    locale: str
    zone: ZoneInfo

    def gettext(self, message: str, **values: object) -> str:
        text = translations(self.locale).ugettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = translations(self.locale).ungettext(singular, plural, count)
        return text.format(count=count, **values)

    @property
    def babel_locale(self) -> Locale:
        return babel_locale(self.locale)

    def date(self, day: date) -> str:
        """A calendar day, the one way this locale shows days (2026年12月7日, 7 December 2026)."""
        return format_date(day, format=DATE_PATTERNS[self.locale], locale=self.babel_locale)

    def date_with_weekday(self, day: date) -> str:
        """The same day with its weekday in front (en) or behind (zh_CN)."""
        return format_date(day, format=WEEKDAY_PATTERNS[self.locale], locale=self.babel_locale)

    def datetime(self, moment: datetime) -> str:
        """A moment as the reader's local day and 24-hour time (2026年12月14日 05:04)."""
        return format_datetime(
            moment,
            format=DATETIME_PATTERNS[self.locale],
            tzinfo=self.zone,
            locale=self.babel_locale,
        )


def translator(locale: str | None, zone: ZoneInfo) -> Translator:
    return Translator(locale=normalize_locale(locale), zone=zone)
