"""A coordinator's review decisions before Confirm, applied to a parsed document.

The preview lists what needs a human: items without units, names that are not recognised.
The coordinator gives an item its units, merges an unknown name into a unit, or leaves an
item out; those decisions are plain data (kept with the pending import, or typed at the
command line) and are applied to the freshly parsed document at Confirm, so the stored plan
is exactly the previewed one plus the decisions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from bot.importing.model import ParsedDocument, ParsedItem, ParsedPlan, ReviewReason
from bot.importing.units import UnitRef
from bot.text import shorten

TEXT_SHOWN = 90


def item_key(plan_index: int, item_index: int) -> str:
    """An item's place in the document: stable for the same bytes."""
    return f"{plan_index}.{item_index}"


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One item that needs a decision, as the review dialogue shows it."""

    key: str
    plan: str
    number: str
    section: str
    text: str
    missing_units: bool
    unknown: tuple[str, ...]


@dataclass(slots=True)
class Decisions:
    """What the coordinator decided; empty means "import as previewed"."""

    units: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    merges: dict[str, str] = field(default_factory=dict)
    left_out: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.units or self.merges or self.left_out)

    def to_json(self) -> dict[str, Any]:
        return {
            "units": {key: [lead, resp] for key, (lead, resp) in self.units.items()},
            "merges": dict(self.merges),
            "left_out": sorted(self.left_out),
        }

    @classmethod
    def from_json(cls, data: Any) -> Decisions:
        """Decisions from stored JSON; anything malformed is ignored, never trusted."""
        if not isinstance(data, dict):
            return cls()
        units: dict[str, tuple[list[str], list[str]]] = {}
        for key, value in (data.get("units") or {}).items():
            if isinstance(value, list) and len(value) == 2:
                lead, resp = ([str(name) for name in part if str(name).strip()] for part in value)
                units[str(key)] = (lead, resp)
        merges = {
            str(printed): str(name)
            for printed, name in (data.get("merges") or {}).items()
            if str(name).strip()
        }
        left_out = {str(key) for key in data.get("left_out") or []}
        return cls(units, merges, left_out)

    def add_unit(self, key: str, name: str, *, lead: bool = True) -> None:
        """Give an item one more unit (lead by default)."""
        current_lead, current_resp = self.units.get(key, ([], []))
        target = current_lead if lead else current_resp
        if name not in target:
            target.append(name)
        self.units[key] = (current_lead, current_resp)


def review_entries(document: ParsedDocument) -> list[ReviewEntry]:
    """The items a coordinator should decide on: no units named, or names not recognised."""
    entries = []
    for plan_index, plan in enumerate(document.plans):
        for item_index, item in enumerate(plan.items):
            unknown = tuple(
                dict.fromkeys(
                    ref.printed for ref in [*item.lead, *item.responsible] if ref.kind == "unknown"
                )
            )
            missing = not item.lead and not item.responsible
            if not missing and not unknown:
                continue
            entries.append(
                ReviewEntry(
                    key=item_key(plan_index, item_index),
                    plan=plan.title,
                    number=item.number,
                    section=item.section_path[-1] if item.section_path else "",
                    text=shorten(item.text, TEXT_SHOWN),
                    missing_units=missing,
                    unknown=unknown,
                )
            )
    return entries


def suggested_units(document: ParsedDocument, known: list[str], limit: int = 8) -> list[str]:
    """Units to offer as buttons: the ones this document names most, then known units."""
    named = Counter(
        ref.name
        for item in document.items
        for ref in [*item.lead, *item.responsible]
        if ref.kind in {"unit", "group"}
    )
    ordered = [name for name, _count in named.most_common()]
    ordered += [name for name in known if name not in named]
    return ordered[:limit]


def similar_units(name: str, candidates: list[str], limit: int = 4) -> list[str]:
    """Known units that share the most characters with an unrecognised name."""
    scored = [
        (len(set(name) & set(candidate)), candidate)
        for candidate in candidates
        if candidate != name
    ]
    scored = [pair for pair in scored if pair[0] >= 2]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [candidate for _score, candidate in scored[:limit]]


def _without(review: list[ReviewReason], prefixes: tuple[str, ...]) -> list[ReviewReason]:
    return [reason for reason in review if not reason.code.startswith(prefixes)]


def _decided_item(item: ParsedItem, plan: ParsedPlan, decisions: Decisions, key: str) -> ParsedItem:
    chosen = decisions.units.get(key)
    item = replace(item, review=list(item.review))
    if chosen is not None and plan.directory is not None:
        lead_names, resp_names = chosen
        item.lead = [plan.directory.resolve(name) for name in lead_names]
        item.responsible = [plan.directory.resolve(name) for name in resp_names]
        item.lead_units, item.responsible_units = list(lead_names), list(resp_names)
        item.unit_source = "lines"
        item.review = _without(item.review, ("no_unit", "unknown_unit", "inherited_units"))
    if decisions.merges:
        item.lead = [_merged(ref, decisions.merges) for ref in item.lead]
        item.responsible = [_merged(ref, decisions.merges) for ref in item.responsible]
        merged = tuple(f"unknown_unit:{printed}" for printed in decisions.merges)
        item.review = [reason for reason in item.review if reason.code not in merged]
    return item


def _merged(ref: UnitRef, merges: dict[str, str]) -> UnitRef:
    name = merges.get(ref.printed)
    if name is None:
        return ref
    return UnitRef(printed=ref.printed, kind="unit", name=name)


def apply_decisions(document: ParsedDocument, decisions: Decisions) -> ParsedDocument:
    """The document as the coordinator decided: units given, names merged, items left out."""
    if not decisions:
        return document
    plans = []
    for plan_index, plan in enumerate(document.plans):
        items = []
        for item_index, item in enumerate(plan.items):
            key = item_key(plan_index, item_index)
            if key in decisions.left_out:
                continue
            items.append(_decided_item(item, plan, decisions, key))
        plans.append(replace(plan, items=items))
    left = len(decisions.left_out)
    warnings = list(document.warnings)
    if left:
        warnings.append(f"{left} items were left out in review.")
    return replace(document, plans=[plan for plan in plans if plan.items], warnings=warnings)
