"""Public entry point for reading schedule rules from a duty's text.

`extract_rules` is what the importer calls; `scan_text` also returns the dated phrases that
were deliberately not read as deadlines, for coverage reports and for showing a coordinator
why a date in the text produced no reminder. See `scheduling.reading.extract` for what counts.
"""

from __future__ import annotations

from scheduling.dates.model import IgnoredPhrase, Rule, RuleKind, check_params
from scheduling.reading.extract import Extraction, PlanYears, scan

__all__ = [
    "Extraction",
    "IgnoredPhrase",
    "PlanYears",
    "Rule",
    "RuleKind",
    "check_params",
    "extract_rules",
    "scan_text",
]


def scan_text(
    text: str, *, plan_year: int | None, year_from: int | None, year_to: int | None
) -> Extraction:
    """Rules and deliberately ignored phrases in one duty's text."""
    return scan(text, PlanYears(plan_year, year_from, year_to))


def extract_rules(
    text: str, *, plan_year: int | None, year_from: int | None, year_to: int | None
) -> list[Rule]:
    """The schedule rules of one duty; a duty with no date gets a quarterly check-in."""
    return scan_text(text, plan_year=plan_year, year_from=year_from, year_to=year_to).rules
