"""The names a plan prints, turned into unit and group rows (creating what is new).

Loaded once per import so resolving hundreds of names costs no queries. A printed name is
looked up by the parser's canonical name first, then as an alias (a coordinator may have
merged spellings with `dutybot units alias`), then by the printed spelling itself. What the
parser could not read as a unit stays unresolved: the caller stores it with its raw name for
review, never merged into a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import UnitDirectory, UnitRef
from bot.usecases.units.groups import (
    DEFAULT_GROUP_RULES,
    STATUTORY_GROUP_RULES,
    GroupRule,
    GroupRules,
    below_rule,
    load_rules,
)
from storage.models import Unit, UnitAlias, UnitGroup, UnitGroupAlias, UnitKind


@dataclass(frozen=True)
class Target:
    """What one printed name stands for: a unit, a group, or nothing known (raw name only)."""

    raw_name: str
    unit: Unit | None = None
    group: UnitGroup | None = None

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        if self.group is not None:
            return self.group.name
        return self.raw_name


@dataclass
class UnitBook:
    """Every unit, group and alias of one jurisdiction, plus what this import adds: a name
    printed in a plan means the unit of that plan's own jurisdiction."""

    session: AsyncSession
    now: datetime
    jurisdiction_id: int
    units: dict[str, Unit] = field(default_factory=dict)
    unit_aliases: dict[str, Unit] = field(default_factory=dict)
    groups: dict[str, UnitGroup] = field(default_factory=dict)
    group_aliases: dict[str, UnitGroup] = field(default_factory=dict)
    rules: GroupRules = field(default_factory=GroupRules)
    created_units: list[Unit] = field(default_factory=list)
    created_groups: list[UnitGroup] = field(default_factory=list)
    created_aliases: int = 0

    @classmethod
    async def load(cls, session: AsyncSession, now: datetime, jurisdiction_id: int) -> UnitBook:
        book = cls(session=session, now=now, jurisdiction_id=jurisdiction_id)
        units = {
            unit.id: unit
            for unit in await session.scalars(
                select(Unit).where(Unit.jurisdiction_id == jurisdiction_id)
            )
        }
        book.units = {unit.name: unit for unit in units.values()}
        for alias in await session.scalars(
            select(UnitAlias).where(UnitAlias.unit_id.in_(list(units)))
        ):
            book.unit_aliases[alias.alias] = units[alias.unit_id]
        groups = {
            group.id: group
            for group in await session.scalars(
                select(UnitGroup).where(UnitGroup.jurisdiction_id == jurisdiction_id)
            )
        }
        book.groups = {group.name: group for group in groups.values()}
        for alias in await session.scalars(
            select(UnitGroupAlias).where(UnitGroupAlias.group_id.in_(list(groups)))
        ):
            book.group_aliases[alias.alias] = groups[alias.group_id]
        book.rules = await load_rules(session)
        return book

    def _taken(self, name: str) -> bool:
        return (
            name in self.units
            or name in self.unit_aliases
            or name in self.groups
            or name in self.group_aliases
        )

    def find_unit(self, *names: str) -> Unit | None:
        for name in names:
            unit = self.units.get(name) or self.unit_aliases.get(name)
            if unit is not None:
                return unit
        return None

    def find_group(self, *names: str) -> UnitGroup | None:
        for name in names:
            group = self.groups.get(name) or self.group_aliases.get(name)
            if group is not None:
                return group
        return None

    def _add_unit_alias(self, unit: Unit, alias: str) -> None:
        if alias == unit.name or self._taken(alias):
            return
        self.session.add(UnitAlias(unit=unit, alias=alias, jurisdiction_id=self.jurisdiction_id))
        self.unit_aliases[alias] = unit
        self.created_aliases += 1

    def _add_group_alias(self, group: UnitGroup, alias: str) -> None:
        if alias == group.name or self._taken(alias):
            return
        self.session.add(
            UnitGroupAlias(group=group, alias=alias, jurisdiction_id=self.jurisdiction_id)
        )
        self.group_aliases[alias] = group
        self.created_aliases += 1

    def ensure_group(self, name: str, rule: GroupRule | None) -> UnitGroup:
        """The group of that name, created when new; a rule is recorded if it has none."""
        group = self.find_group(name)
        if group is None:
            group = UnitGroup(name=name, jurisdiction_id=self.jurisdiction_id, created_at=self.now)
            self.session.add(group)
            self.groups[name] = group
            self.created_groups.append(group)
        if rule is not None and self.rules.get(self.jurisdiction_id, group.name) is None:
            self.rules.set(self.jurisdiction_id, group.name, rule)
        return group

    def ensure_statutory_groups(self) -> list[UnitGroup]:
        """The groups the statutory calendar binds, with their default membership rules."""
        return [self.ensure_group(name, rule) for name, rule in STATUTORY_GROUP_RULES.items()]

    def resolve(self, ref: UnitRef, directory: UnitDirectory | None, place: str | None) -> Target:
        """The row a printed name stands for; units and groups the plan names are created.

        "各区县司法局" in a city's plan is a group: each district's (and county's) 司法局."""
        if (below := below_rule(ref.printed) or below_rule(ref.name)) is not None:
            name = "".join(ref.printed.split())
            group = self.ensure_group(name, below)
            return Target(raw_name=ref.printed, group=group)
        if ref.kind == "group":
            found = self.find_group(ref.name, ref.printed)
            definition = directory.group(ref.name) if directory else None
            rule = DEFAULT_GROUP_RULES.get(ref.name)
            if rule is None and definition is not None:
                rule = GroupRule(
                    kinds=tuple(kind.value for kind in definition.member_kinds),
                    prefix=directory.level if directory and "{J}" in definition.name else "",
                    selective=definition.selective,
                )
            group = self.ensure_group(found.name if found else ref.name, rule)
            self._add_group_alias(group, ref.printed)
            return Target(raw_name=ref.printed, group=group)
        if ref.kind == "unit":
            unit = self.find_unit(ref.name, ref.printed)
            if unit is None:
                kind = UnitKind(ref.unit_kind.value) if ref.unit_kind else UnitKind.OTHER
                unit = Unit(
                    jurisdiction_id=self.jurisdiction_id,
                    name=ref.name,
                    kind=kind,
                    jurisdiction=place,
                    needs_review=kind is UnitKind.OTHER,
                    created_at=self.now,
                )
                self.session.add(unit)
                self.units[ref.name] = unit
                self.created_units.append(unit)
            self._add_unit_alias(unit, ref.printed)
            return Target(raw_name=ref.printed, unit=unit)
        unit = self.find_unit(ref.printed)
        if unit is not None:
            return Target(raw_name=ref.printed, unit=unit)
        group = self.find_group(ref.printed)
        if group is not None:
            return Target(raw_name=ref.printed, group=group)
        return Target(raw_name=ref.printed)
