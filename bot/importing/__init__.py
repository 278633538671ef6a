"""Plan importer: turns a plan document (.txt/.html/.docx/.xlsx) into plain dataclasses.

No database here; another layer persists what `parse_document` returns.
"""

from bot.importing.model import (
    DocumentError,
    ParsedDocument,
    ParsedItem,
    ParsedPlan,
    ReviewReason,
    SourceLine,
    UnusedText,
)
from bot.importing.parser import parse_bytes, parse_document
from bot.importing.units import GROUPS, Group, UnitDirectory, UnitRef
from storage.enums import UnitKind

__all__ = [
    "GROUPS",
    "DocumentError",
    "Group",
    "ParsedDocument",
    "ParsedItem",
    "ParsedPlan",
    "ReviewReason",
    "SourceLine",
    "UnitDirectory",
    "UnitKind",
    "UnitRef",
    "UnusedText",
    "parse_bytes",
    "parse_document",
]
