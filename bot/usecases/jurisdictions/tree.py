"""The jurisdiction tree: finding a place by name, making it, and the part below an office.

A deployment of one office has one jurisdiction. A city's has the city at the top and its
districts and counties as children; a coordinator bound to the city sees the city's own units
and every district's, one bound to a district sees that district's only. The tree is small (a
province has a few hundred places), so it is read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import JurisdictionLevel, Role
from storage.models import HOME_JURISDICTION, Binding, Jurisdiction, Plan, Unit


@dataclass(frozen=True)
class Place:
    """One jurisdiction as the views need it."""

    id: int
    name: str
    level: JurisdictionLevel
    parent_id: int | None


@dataclass(frozen=True)
class Tree:
    """Every jurisdiction, by id, with its children."""

    places: dict[int, Place]

    def children(self, jurisdiction_id: int) -> list[Place]:
        return sorted(
            (place for place in self.places.values() if place.parent_id == jurisdiction_id),
            key=lambda place: (place.name, place.id),
        )

    def below(self, jurisdiction_id: int) -> set[int]:
        """The jurisdiction and every one under it."""
        found = {jurisdiction_id}
        frontier = [jurisdiction_id]
        while frontier:
            parent = frontier.pop()
            for place in self.places.values():
                if place.parent_id == parent and place.id not in found:
                    found.add(place.id)
                    frontier.append(place.id)
        return found

    def above(self, jurisdiction_id: int) -> set[int]:
        """The jurisdiction and every one over it (whose offices it answers to)."""
        found: set[int] = set()
        current: int | None = jurisdiction_id
        while current is not None and current not in found and current in self.places:
            found.add(current)
            current = self.places[current].parent_id
        return found

    def by_name(self, name: str) -> Place | None:
        wanted = "".join(name.split())
        matches = [place for place in self.places.values() if place.name == wanted]
        return min(matches, key=lambda place: place.id) if matches else None

    @property
    def home(self) -> Place | None:
        """The first top-level jurisdiction: where rows made without one belong."""
        tops = [place for place in self.places.values() if place.parent_id is None]
        return min(tops, key=lambda place: place.id) if tops else None


async def load_tree(session: AsyncSession) -> Tree:
    rows = await session.scalars(select(Jurisdiction))
    return Tree(
        {
            row.id: Place(row.id, row.name, JurisdictionLevel(row.level), row.parent_id)
            for row in rows
        }
    )


async def ensure_jurisdiction(
    session: AsyncSession,
    now: datetime,
    name: str,
    *,
    parent_id: int | None = None,
    level: JurisdictionLevel | None = None,
) -> Jurisdiction:
    """The jurisdiction of that name (anywhere in the tree), made under `parent_id` when new.

    A deployment still holding only the placeholder made for rows without a place (本辖区,
    with nothing under it) has it renamed instead: its first named plan names it."""
    wanted = "".join(name.split())
    tree = await load_tree(session)
    found = tree.by_name(wanted)
    if found is not None:
        row = await session.get(Jurisdiction, found.id)
        assert row is not None
        return row
    if len(tree.places) == 1 and tree.home is not None and tree.home.name == HOME_JURISDICTION:
        row = await session.get(Jurisdiction, tree.home.id)
        assert row is not None
        if parent_id is None:
            row.name = wanted
            row.level = level or JurisdictionLevel.of_place(wanted)
            await session.flush()
            return row
    row = Jurisdiction(
        name=wanted,
        level=level or JurisdictionLevel.of_place(wanted),
        parent_id=parent_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def home_id(session: AsyncSession, now: datetime) -> int:
    """The home jurisdiction's id, made (as the placeholder) when the tree is empty."""
    tree = await load_tree(session)
    if tree.home is not None:
        return tree.home.id
    row = Jurisdiction(
        name=HOME_JURISDICTION, level=JurisdictionLevel.DISTRICT, parent_id=None, created_at=now
    )
    session.add(row)
    await session.flush()
    return row.id


@dataclass(frozen=True)
class JurisdictionRow:
    """One line of the administrator's listing, indented by its depth in the tree."""

    name: str
    level: JurisdictionLevel
    depth: int
    units: int
    plans: int
    coordinators: int


async def _counts(session: AsyncSession, column: Any, *where: Any) -> dict[int, int]:
    rows = await session.execute(select(column, func.count()).where(*where).group_by(column))
    return {int(place): int(count) for place, count in rows if place is not None}


async def list_jurisdictions(session: AsyncSession) -> list[JurisdictionRow]:
    tree = await load_tree(session)
    units = await _counts(session, Unit.jurisdiction_id)
    plans = await _counts(session, Plan.jurisdiction_id, Plan.is_statutory.is_(False))
    coordinators = await _counts(
        session,
        Binding.jurisdiction_id,
        Binding.active.is_(True),
        Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
    )
    rows: list[JurisdictionRow] = []

    def walk(place: Place, depth: int) -> None:
        rows.append(
            JurisdictionRow(
                place.name,
                place.level,
                depth,
                units.get(place.id, 0),
                plans.get(place.id, 0),
                coordinators.get(place.id, 0),
            )
        )
        for child in tree.children(place.id):
            walk(child, depth + 1)

    for top in sorted(
        (place for place in tree.places.values() if place.parent_id is None),
        key=lambda place: place.id,
    ):
        walk(top, 0)
    return rows


async def add_jurisdiction(
    session: AsyncSession,
    now: datetime,
    name: str,
    *,
    level: JurisdictionLevel | None = None,
    parent: str | None = None,
) -> str:
    """Add a jurisdiction, or put an existing one under `parent` (a district the importer
    made on its own, joined to its city); returns what was done, in a line."""
    tree = await load_tree(session)
    parent_place = tree.by_name(parent) if parent else None
    if parent and parent_place is None:
        raise LookupError(f"unknown jurisdiction {parent!r}; see `dutybot jurisdictions`")
    parent_id = parent_place.id if parent_place else None
    found = tree.by_name(name)
    if found is not None:
        row = await session.get(Jurisdiction, found.id)
        assert row is not None
        if parent_id is not None and parent_id in tree.below(row.id):
            raise LookupError(f"{parent} is under {row.name}: it cannot be its parent")
        row.parent_id = parent_id if parent else row.parent_id
        row.level = level or row.level
        await session.flush()
        return f"{row.name} ({row.level}) is under {parent or '—'}"
    row = await ensure_jurisdiction(session, now, name, parent_id=parent_id, level=level)
    row.parent_id = parent_id
    await session.flush()
    return f"{row.name} ({row.level}) added" + (f" under {parent}" if parent else "")
