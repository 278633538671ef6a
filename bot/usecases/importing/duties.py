"""One plan's stored duties brought in line with its items, keeping history attached.

Items are paired with stored duties (see `import_match`); a paired duty is updated in place,
so its occurrences, assignments and status reports stay; an unpaired item becomes a new
duty; an unpaired stored duty is deactivated, never deleted. Rules that no longer appear are
disabled (deleting one would cascade into its occurrences and their reports).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.importing import ReviewReason
from bot.usecases.importing.match import ItemKey, pair_items
from bot.usecases.importing.result import Change, ItemOutcome, RemovedItem
from bot.usecases.units.book import Target
from scheduling.dates.model import Rule
from storage.models import Duty, DutyUnit, Plan, RuleKind, ScheduleRule, UnitRole

CONTENT_FIELDS = frozenset({"text", "units", "rules", "restored"})
NUMBER_LIMIT = 32
NAME_LIMIT = 200
PHRASE_LIMIT = 200

LinkKey = tuple[str, int | None, int | None, str]
RuleKey = tuple[str, str, str]


@dataclass(frozen=True)
class WantedLink:
    role: UnitRole
    target: Target

    def key(self) -> LinkKey:
        unit = self.target.unit.id if self.target.unit is not None else None
        group = self.target.group.id if self.target.group is not None else None
        return (self.role.value, unit, group, self.target.raw_name[:NAME_LIMIT])


@dataclass(frozen=True)
class WantedItem:
    """An item as it should be stored (units already resolved to rows with ids)."""

    number: str
    section_path: tuple[str, ...]
    text: str
    position: int
    review: tuple[ReviewReason, ...]
    links: tuple[WantedLink, ...]
    rules: tuple[Rule, ...]

    @property
    def review_codes(self) -> list[str]:
        return [reason.code for reason in self.review]


def _link_key(link: DutyUnit) -> LinkKey:
    return (link.role.value, link.unit_id, link.group_id, link.raw_name)


def _rule_key(kind: str, phrase: str, params: dict[str, object]) -> RuleKey:
    return (kind, phrase[:PHRASE_LIMIT], json.dumps(params, sort_keys=True, ensure_ascii=False))


def _new_rule(rule: Rule, now: datetime) -> ScheduleRule:
    return ScheduleRule(
        kind=RuleKind(str(rule.kind)),
        phrase=rule.phrase[:PHRASE_LIMIT],
        params=dict(rule.params),
        repaired=rule.repaired,
        enabled=True,
        created_at=now,
    )


def _new_link(link: WantedLink) -> DutyUnit:
    role, unit_id, group_id, raw = link.key()
    return DutyUnit(role=UnitRole(role), unit_id=unit_id, group_id=group_id, raw_name=raw)


@dataclass
class PlanSync:
    """The changes for one plan, applied to the session's objects by `apply`.

    New duties are not ORM objects: `new_rows` gives them to one bulk insert (the ORM would
    insert them one by one on SQLite to learn their ids), and `set_new_ids` hands the ids
    back, keyed by position.
    """

    plan: Plan
    wanted: list[WantedItem]
    now: datetime
    records: list[tuple[WantedItem, Duty | None, Change, tuple[str, ...]]] = field(
        default_factory=list
    )
    removed: list[Duty] = field(default_factory=list)
    disabled_rules: list[ScheduleRule] = field(default_factory=list)
    relinked: list[Duty] = field(default_factory=list)
    added: list[WantedItem] = field(default_factory=list)
    new_ids: dict[int, int] = field(default_factory=dict)

    def apply(self) -> bool:
        """Update and deactivate stored duties, note new ones; returns whether anything changes."""
        stored = list(self.plan.duties)
        keys = [
            ItemKey(duty.number, tuple(duty.section_path or ()), duty.text, duty.active)
            for duty in stored
        ]
        wanted_keys = [ItemKey(item.number, item.section_path, item.text) for item in self.wanted]
        pairs = pair_items(keys, wanted_keys)
        paired = set(pairs.values())
        wrote = False
        for index, item in enumerate(self.wanted):
            if index in pairs:
                duty: Duty | None = stored[pairs[index]]
                assert duty is not None
                fields = self._update(duty, item)
                change: Change = "changed" if CONTENT_FIELDS & set(fields) else "unchanged"
                wrote = wrote or bool(fields)
            else:
                duty, fields, change, wrote = None, (), "added", True
                self.added.append(item)
            self.records.append((item, duty, change, fields))
        for position, stored_duty in enumerate(stored):
            if position not in paired and stored_duty.active:
                stored_duty.active = False
                stored_duty.updated_at = self.now
                self.removed.append(stored_duty)
                wrote = True
        return wrote

    def new_rows(self) -> list[dict[str, Any]]:
        """The new duties as rows for a bulk insert (the plan must have its id)."""
        return [
            {
                "plan_id": self.plan.id,
                "number": item.number[:NUMBER_LIMIT],
                "position": item.position,
                "section_path": list(item.section_path),
                "text": item.text,
                "review": item.review_codes,
                "active": True,
                "statutory_key": None,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for item in self.added
        ]

    def set_new_ids(self, ids_by_position: dict[int, int]) -> None:
        self.new_ids = {item.position: ids_by_position[item.position] for item in self.added}

    def child_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Unit links and rules of the new duties as rows for one bulk insert each."""
        links: list[dict[str, Any]] = []
        rules: list[dict[str, Any]] = []
        for item in self.added:
            duty_id = self.new_ids[item.position]
            for link in item.links:
                role, unit_id, group_id, raw = link.key()
                links.append(
                    {
                        "duty_id": duty_id,
                        "role": UnitRole(role),
                        "unit_id": unit_id,
                        "group_id": group_id,
                        "raw_name": raw,
                    }
                )
            for rule in item.rules:
                rules.append(
                    {
                        "duty_id": duty_id,
                        "kind": RuleKind(str(rule.kind)),
                        "phrase": rule.phrase[:PHRASE_LIMIT],
                        "params": dict(rule.params),
                        "repaired": rule.repaired,
                        "enabled": True,
                        "created_at": self.now,
                    }
                )
        return links, rules

    def duty_id(self, item: WantedItem, duty: Duty | None) -> int:
        return duty.id if duty is not None else self.new_ids[item.position]

    def _update(self, duty: Duty, item: WantedItem) -> tuple[str, ...]:
        fields: list[str] = []
        if duty.text != item.text:
            duty.text = item.text
            fields.append("text")
        if duty.number != item.number[:NUMBER_LIMIT]:
            duty.number = item.number[:NUMBER_LIMIT]
            fields.append("number")
        if list(duty.section_path or ()) != list(item.section_path):
            duty.section_path = list(item.section_path)
            fields.append("section")
        if list(duty.review or ()) != item.review_codes:
            duty.review = item.review_codes
            fields.append("review")
        if duty.position != item.position:
            duty.position = item.position
            fields.append("position")
        if not duty.active:
            duty.active = True
            fields.append("restored")
        if self._sync_links(duty, item):
            fields.append("units")
            self.relinked.append(duty)
        if self._sync_rules(duty, item):
            fields.append("rules")
        if fields:
            duty.updated_at = self.now
        return tuple(fields)

    def _sync_links(self, duty: Duty, item: WantedItem) -> bool:
        wanted = Counter(link.key() for link in item.links)
        if Counter(_link_key(link) for link in duty.units) == wanted:
            return False
        duty.units.clear()
        duty.units.extend(_new_link(link) for link in item.links)
        return True

    def _sync_rules(self, duty: Duty, item: WantedItem) -> bool:
        changed = False
        stored = {_rule_key(rule.kind.value, rule.phrase, rule.params): rule for rule in duty.rules}
        kept: set[RuleKey] = set()
        for rule in item.rules:
            key = _rule_key(str(rule.kind), rule.phrase, dict(rule.params))
            kept.add(key)
            existing = stored.get(key)
            if existing is None:
                duty.rules.append(_new_rule(rule, self.now))
                changed = True
            elif not existing.enabled:
                existing.enabled = True
                changed = True
            if existing is not None and existing.repaired != rule.repaired:
                existing.repaired = rule.repaired
        for key, existing in stored.items():
            if key not in kept and existing.enabled:
                existing.enabled = False
                self.disabled_rules.append(existing)
                changed = True
        return changed

    def outcomes(self) -> list[ItemOutcome]:
        """The items as stored, once flushed (so new duties have ids)."""
        result = []
        for item, duty, change, fields in self.records:
            lead = tuple(link.target.label for link in item.links if link.role is UnitRole.LEAD)
            responsible = tuple(
                link.target.label for link in item.links if link.role is UnitRole.RESPONSIBLE
            )
            unresolved = tuple(
                link.target.raw_name
                for link in item.links
                if link.target.unit is None and link.target.group is None
            )
            result.append(
                ItemOutcome(
                    number=item.number,
                    section_path=item.section_path,
                    text=item.text,
                    lead_units=lead,
                    responsible_units=responsible,
                    unresolved=unresolved,
                    review=item.review,
                    rules=item.rules,
                    change=change,
                    changed_fields=fields,
                    duty_id=self.duty_id(item, duty),
                )
            )
        return result

    def removed_items(self) -> list[RemovedItem]:
        return [RemovedItem(duty.number, duty.text, duty.id) for duty in self.removed]
