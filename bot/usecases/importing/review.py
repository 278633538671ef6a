"""Reviewing an import in the chat, before Confirm: one item at a time, decided by buttons.

What the dialogue needs between presses (the items to review, the units to offer, the
decisions so far, which item awaits a typed name) is kept in the pending import's payload;
the file itself is downloaded again only to show the new preview and at Confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import ParsedDocument
from bot.importing.review import (
    Decisions,
    ReviewEntry,
    review_entries,
    similar_units,
    suggested_units,
)
from bot.usecases.members.directory import is_coordinator
from storage.models import PendingInput, Unit

IMPORT_KIND = "import"
MAX_ENTRIES = 200
NAME_LIMIT = 100


@dataclass
class ReviewState:
    """The dialogue's state: entries in order, the current one, the decisions so far."""

    entries: list[ReviewEntry]
    suggestions: list[str]
    similar: dict[str, list[str]]
    position: int = 0
    decisions: Decisions = field(default_factory=Decisions)
    awaiting: str | None = None  # the key of the entry whose unit name is being typed

    @property
    def current(self) -> ReviewEntry | None:
        return self.entries[self.position] if self.position < len(self.entries) else None

    def entry(self, index: int) -> ReviewEntry | None:
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def next(self) -> None:
        self.position = min(self.position + 1, len(self.entries))

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": [
                [e.key, e.plan, e.number, e.section, e.text, e.missing_units, list(e.unknown)]
                for e in self.entries
            ],
            "suggestions": self.suggestions,
            "similar": self.similar,
            "position": self.position,
            "decisions": self.decisions.to_json(),
            "awaiting": self.awaiting,
        }

    @classmethod
    def from_json(cls, data: Any) -> ReviewState | None:
        if not isinstance(data, dict):
            return None
        try:
            entries = [
                ReviewEntry(str(k), str(p), str(n), str(s), str(t), bool(m), tuple(map(str, u)))
                for k, p, n, s, t, m, u in data.get("entries", [])
            ]
        except (TypeError, ValueError):
            return None
        return cls(
            entries=entries,
            suggestions=[str(name) for name in data.get("suggestions", [])],
            similar={str(k): [str(v) for v in vs] for k, vs in data.get("similar", {}).items()},
            position=int(data.get("position", 0)),
            decisions=Decisions.from_json(data.get("decisions")),
            awaiting=data.get("awaiting") if isinstance(data.get("awaiting"), str) else None,
        )


async def known_unit_names(session: AsyncSession) -> list[str]:
    """Every unit already in the database, by name."""
    return list(await session.scalars(select(Unit.name).order_by(Unit.name)))


def new_review(document: ParsedDocument, known: list[str]) -> ReviewState | None:
    """The review a document needs, or None when nothing needs a decision."""
    entries = review_entries(document)[:MAX_ENTRIES]
    if not entries:
        return None
    named = [ref.name for item in document.items for ref in [*item.lead, *item.responsible]]
    candidates = list(dict.fromkeys([*known, *(n for n in named if n)]))
    unknown = {name for entry in entries for name in entry.unknown}
    return ReviewState(
        entries=entries,
        suggestions=suggested_units(document, known),
        similar={name: similar_units(name, candidates) for name in sorted(unknown)},
    )


async def load(
    session: AsyncSession, pending_id: int, member_id: int, now: datetime
) -> tuple[PendingInput, ReviewState] | None:
    """The member's waiting import and its review; None if gone, expired or not theirs."""
    pending = await session.get(PendingInput, pending_id)
    if pending is None or pending.kind != IMPORT_KIND or pending.member_id != member_id:
        return None
    if pending.expires_at < now or not await is_coordinator(session, member_id):
        return None
    state = ReviewState.from_json((pending.payload or {}).get("review"))
    return (pending, state) if state is not None else None


def save(pending: PendingInput, state: ReviewState) -> None:
    """Write the state back (a new dict, so the JSON column sees the change)."""
    pending.payload = {**(pending.payload or {}), "review": state.to_json()}


async def awaiting_name(
    session: AsyncSession, member_id: int, chat_id: int, now: datetime
) -> tuple[PendingInput, ReviewState] | None:
    """The review that waits for this member to type a unit name in this chat."""
    pending = await session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == member_id,
            PendingInput.chat_id == chat_id,
            PendingInput.kind == IMPORT_KIND,
        )
    )
    if pending is None or pending.expires_at < now:
        return None
    state = ReviewState.from_json((pending.payload or {}).get("review"))
    if state is None or state.awaiting is None:
        return None
    return pending, state


def typed_names(text: str) -> list[str]:
    """Unit names typed in one message ("区司法局、区委宣传部"), each at most 100 characters."""
    from bot.importing.unit_text import split_names

    return [name[:NAME_LIMIT] for name in split_names(text.strip()) if name.strip()][:10]


@dataclass(frozen=True)
class Press:
    """A review button: what to do, to which entry, with which option."""

    action: str  # go, unit, merge, leave, next, type, done
    entry: int = -1
    option: int = -1
    name: int = -1


def press(state: ReviewState, action: Press) -> str:
    """Apply a press; returns what happened ("unit", "merge", "left", "next", "type",
    "done", "stale") so the handler knows what to show."""
    if action.action == "done":
        return "done"
    if action.action == "go":
        return "show"
    entry = state.entry(action.entry)
    if entry is None or action.entry != state.position:
        return "stale"  # an older card's button: the dialogue has moved on
    if action.action == "unit" and 0 <= action.option < len(state.suggestions):
        state.decisions.add_unit(entry.key, state.suggestions[action.option])
        return "unit"
    if action.action == "merge" and 0 <= action.name < len(entry.unknown):
        name = entry.unknown[action.name]
        candidates = state.similar.get(name, [])
        if 0 <= action.option < len(candidates):
            state.decisions.merges[name] = candidates[action.option]
            return "merge"
        return "stale"
    if action.action == "leave":
        state.decisions.left_out.add(entry.key)
        state.decisions.units.pop(entry.key, None)
        state.next()
        return "left"
    if action.action == "next":
        state.next()
        return "next"
    if action.action == "type":
        state.awaiting = entry.key
        return "type"
    return "stale"


def give_typed(state: ReviewState, names: list[str]) -> ReviewEntry | None:
    """The typed names become the awaited entry's lead units; returns that entry."""
    key = state.awaiting
    state.awaiting = None
    entry = next((e for e in state.entries if e.key == key), None)
    if entry is None:
        return None
    for name in names:
        state.decisions.add_unit(entry.key, name)
    return entry
