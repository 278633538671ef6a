"""Which duties of a plan fell due before the plan was imported.

A plan imported after its "10月底前" (or a five-year plan imported after its last year) would
otherwise remind nobody about those duties and say nothing: the importer lists them and the
coordinator chooses what happens (ask the units once, record them as done, or leave them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scheduling.dates.model import Rule, RuleKind


def passed_by(rules: Sequence[Rule], today: date, year_to: int | None) -> date | None:
    """The last deadline of a duty whose every deadline lies before `today`, else None.

    One-off dates count as they are; recurring and undated duties count as past only when
    the plan's last year has ended. A duty that counts from an event is never past: the
    event has not been reported.
    """
    if not rules:
        return None
    last: date | None = None
    for rule in rules:
        if rule.kind is RuleKind.EVENT_RELATIVE:
            return None
        if rule.kind is RuleKind.ONE_OFF:
            due = date.fromisoformat(rule.params["due"])
        elif year_to is not None and year_to < today.year:
            due = date(year_to, 12, 31)
        else:
            return None
        if due >= today:
            return None
        last = due if last is None else max(last, due)
    return last
