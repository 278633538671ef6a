"""What a coordinator's office reaches: their jurisdiction and those below it.

A coordinator bound to a district sees, receives and manages that district's units only; one
bound to a city sees the city's own units and each district as one row (its light and counts,
which add up to the district's units'), and can open a district. A coordinator binding with
no jurisdiction (made before jurisdictions, or by hand) reaches everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.jurisdictions.tree import Tree, load_tree
from bot.usecases.tasks.lists import UnitCounts, worst_first
from storage.enums import Role
from storage.ids import parse_id
from storage.models import Binding, Unit, UnitAlias

OFFICE_ROLES = (Role.COORDINATOR, Role.ADMIN)
_SUMMED = tuple(
    field.name
    for field in fields(UnitCounts)
    if field.name not in ("unit_id", "unit_name", "jurisdiction_id", "place")
)


@dataclass(frozen=True)
class OfficeScope:
    """The jurisdictions an office member reaches (`places` None: all of them), and the one
    their office is (`top`; None when they reach all or hold several offices)."""

    places: frozenset[int] | None
    top: int | None
    tree: Tree

    def sees(self, jurisdiction_id: int | None) -> bool:
        return self.places is None or jurisdiction_id in self.places

    def opens(self, name: str) -> int | None:
        """The jurisdiction of that name, if this office reaches it."""
        place = self.tree.by_name(name)
        return place.id if place is not None and self.sees(place.id) else None


async def office_scope(session: AsyncSession, member_id: int) -> OfficeScope | None:
    """The member's office scope, or None when they are no coordinator or admin."""
    offices = list(
        await session.scalars(
            select(Binding.jurisdiction_id).where(
                Binding.member_id == member_id,
                Binding.active.is_(True),
                Binding.role.in_(OFFICE_ROLES),
            )
        )
    )
    if not offices:
        return None
    tree = await load_tree(session)
    if any(office is None for office in offices):
        return OfficeScope(None, None, tree)
    places: set[int] = set()
    for office in offices:
        places |= tree.below(office)
    tops = {office for office in offices if office is not None}
    return OfficeScope(frozenset(places), tops.pop() if len(tops) == 1 else None, tree)


async def may_manage_unit(session: AsyncSession, member_id: int, unit_id: int) -> bool:
    """Whether the member's office reaches the unit (a forged button with another district's
    unit is refused here)."""
    scope = await office_scope(session, member_id)
    if scope is None:
        return False
    if scope.places is None:
        return True
    place = await session.scalar(select(Unit.jurisdiction_id).where(Unit.id == unit_id))
    return scope.sees(place)


async def find_seen_unit(
    session: AsyncSession, asked: str, scope: OfficeScope | None
) -> Unit | None:
    """The unit of that name the member's office reaches first (区司法局 is one per district:
    the office's own first), else any of that name (the caller refuses it unless it is the
    member's own unit)."""
    wanted = "".join(asked.split())
    aliased = select(UnitAlias.unit_id).where(UnitAlias.alias == wanted)
    found = list(
        await session.scalars(
            select(Unit).where((Unit.name == wanted) | Unit.id.in_(aliased)).order_by(Unit.id)
        )
    )
    if scope is not None and scope.places is not None:
        for unit in sorted(found, key=lambda unit: (unit.jurisdiction_id != scope.top, unit.id)):
            if scope.sees(unit.jurisdiction_id):
                return unit
    if found:
        return found[0]
    unit_id = parse_id(wanted)
    return await session.get(Unit, unit_id) if unit_id is not None else None


def scoped(rows: Iterable[UnitCounts], scope: OfficeScope) -> list[UnitCounts]:
    """The rows of units the office reaches."""
    return [row for row in rows if scope.sees(row.jurisdiction_id)]


def office_rows(
    rows: Iterable[UnitCounts], scope: OfficeScope, opened: int | None = None
) -> list[UnitCounts]:
    """/status and the board for an office: its own units' rows, and one row per jurisdiction
    right below it, summing that jurisdiction's units (with those below it); worst first.
    `opened` shows a jurisdiction below instead (a city's coordinator opening a district)."""
    base = opened if opened is not None and scope.sees(opened) else scope.top
    mine = scoped(rows, scope)
    if base is None:
        return mine
    result = [row for row in mine if row.jurisdiction_id == base]
    for child in scope.tree.children(base):
        below = scope.tree.below(child.id)
        result.append(
            summed(child.name, child.id, [row for row in mine if row.jurisdiction_id in below])
        )
    result.sort(key=worst_first)
    return result


def summed(name: str, jurisdiction_id: int, rows: list[UnitCounts]) -> UnitCounts:
    """One row standing for a jurisdiction: its units' counts added up."""
    total = UnitCounts(0, name, 0, 0, 0, 0, 0, jurisdiction_id=jurisdiction_id, place=True)
    values = {name: sum(getattr(row, name) for row in rows) for name in _SUMMED}
    return replace(total, **values)
