"""What an import did (or, on a dry run, would do), as plain values for the CLI, chat and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.importing import ParsedDocument, ReviewReason, UnusedText
from bot.usecases.planning.plan import PlanningReport
from scheduling.dates.model import Rule

Change = Literal["added", "changed", "unchanged"]


@dataclass(frozen=True)
class Source:
    """One document to import: what the parser made of it and the SHA-256 of its bytes."""

    name: str
    digest: str
    document: ParsedDocument


@dataclass(frozen=True)
class ItemOutcome:
    """One item of a plan as stored: canonical unit names, review reasons, rules, its change.

    `changed_fields` names what differs from the stored duty ("text", "units", "rules",
    "restored" count as changes; "number", "section" are renumbering and are kept quietly).
    """

    number: str
    section_path: tuple[str, ...]
    text: str
    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    unresolved: tuple[str, ...]
    review: tuple[ReviewReason, ...]
    rules: tuple[Rule, ...]
    change: Change
    changed_fields: tuple[str, ...] = ()
    duty_id: int | None = None
    past_due: date | None = None  # every deadline of it fell before the import


@dataclass(frozen=True)
class RemovedItem:
    """A stored duty the document no longer has: deactivated, its history kept."""

    number: str
    text: str
    duty_id: int


@dataclass
class PlanOutcome:
    """One plan of the document and what happened to its duties."""

    key: str
    title: str
    issuer: str | None
    jurisdiction: str | None
    year_from: int | None
    year_to: int | None
    plan_year: int | None
    layout: str
    source_name: str
    is_new: bool
    items: list[ItemOutcome] = field(default_factory=list)
    removed: list[RemovedItem] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)
    plan_id: int | None = None
    jurisdiction_id: int | None = None  # the jurisdiction the plan was stored in

    @property
    def added(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.change == "added"]

    @property
    def changed(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.change == "changed"]

    @property
    def needs_review(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.review]

    @property
    def past(self) -> list[ItemOutcome]:
        """Items whose deadlines all passed before the import."""
        return [item for item in self.items if item.past_due is not None]

    @property
    def all_past(self) -> bool:
        """Every dated item of the plan is past (a plan imported after its end)."""
        dated = [item for item in self.items if any(r.kind != "ongoing" for r in item.rules)]
        return bool(dated) and all(item.past_due is not None for item in dated)

    @property
    def renumbered(self) -> int:
        return sum(1 for item in self.items if "number" in item.changed_fields)


@dataclass(frozen=True)
class UnitSummary:
    name: str
    kind: str
    aliases: tuple[str, ...]
    is_new: bool
    needs_review: bool


@dataclass(frozen=True)
class GroupSummary:
    name: str
    members: tuple[str, ...]
    aliases: tuple[str, ...]
    selective: bool
    is_new: bool
    rule: str

    @property
    def needs_members(self) -> bool:
        """A group with nobody in it: duties bound to it reach no one until members are set."""
        return not self.members


@dataclass(frozen=True)
class SourceSummary:
    name: str
    format: str
    encoding: str | None
    digest: str
    warnings: tuple[str, ...]
    unused: tuple[UnusedText, ...] = ()
    chrome_lines: int = 0


@dataclass
class ImportResult:
    """Everything one import touched; on a dry run nothing of it was kept."""

    sources: list[SourceSummary]
    plans: list[PlanOutcome]
    units: list[UnitSummary]
    groups: list[GroupSummary]
    dry_run: bool
    touched_duty_ids: list[int] = field(default_factory=list)
    planning: PlanningReport | None = None
    past_choice: str = "ask"
    past_settled: int = 0  # assignments made for duties whose deadlines had passed

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.touched_duty_ids
            or any(plan.is_new or plan.removed for plan in self.plans)
            or any(unit.is_new for unit in self.units)
        )

    @property
    def new_units(self) -> list[UnitSummary]:
        return [unit for unit in self.units if unit.is_new]

    @property
    def groups_needing_members(self) -> list[GroupSummary]:
        return [group for group in self.groups if group.needs_members]
