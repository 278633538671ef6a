"""Which claimed rows still go out, and as what.

A claimed row may have become moot while it waited (its assignment was closed), may be for a
member the bot can no longer reach, or may be one of several rows of one assignment due in one
chat (reminders missed while the bot was down): those collapse into the newest, which says
what was missed. What is left goes to the composer, grouped by chat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from scheduling.delivery.ports import DueReminder
from storage.enums import CLOSED_STATUSES
from storage.models import Reminder


@dataclass
class Triage:
    closed: list[int] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    collapsed: list[int] = field(default_factory=list)
    due: dict[int, list[DueReminder]] = field(default_factory=dict)  # by chat, in claim order
    notices: list[Reminder] = field(default_factory=list)  # rows with no assignment


def triage(rows: Sequence[Reminder]) -> Triage:
    """Sort claimed rows (loaded with their member and assignment) into what happens to them."""
    result = Triage()
    result.closed = [r.id for r in rows if r.assignment and r.assignment.status in CLOSED_STATUSES]
    closed = set(result.closed)
    result.unreachable = [
        r.id
        for r in rows
        if r.id not in closed
        and r.member is not None
        and not r.member.reachable
        and r.chat_id == r.member.chat_id
    ]
    skip = closed | set(result.unreachable)
    live = [r for r in rows if r.id not in skip and r.chat_id is not None]
    per_key: dict[tuple[int, int], list[Reminder]] = defaultdict(list)
    for row in live:
        if row.assignment is not None and row.chat_id is not None:
            per_key[(row.chat_id, row.assignment_id or 0)].append(row)
    for (chat_id, _assignment_id), group in per_key.items():
        group.sort(key=lambda r: (r.planned_at, r.id))
        older = tuple(group[:-1])
        result.collapsed.extend(r.id for r in older)
        result.due.setdefault(chat_id, []).append(DueReminder(group[-1], older))
    result.notices = [r for r in live if r.assignment is None]
    return result
