"""Finding units by any of their names."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.ids import parse_id
from storage.models import Unit, UnitAlias
from storage.search import contains_literally


def _normal(name: str) -> str:
    return "".join(name.split())


async def find_unit(
    session: AsyncSession, name: str, jurisdiction_id: int | None = None
) -> Unit | None:
    """A unit by canonical name or alias (whitespace ignored), or by its database id; within
    one jurisdiction when one is named (the same name may be a unit of several)."""
    wanted = _normal(name)
    if not wanted:
        return None
    scoped = (Unit.jurisdiction_id == jurisdiction_id,) if jurisdiction_id is not None else ()
    unit = await session.scalar(
        select(Unit).where(Unit.name == wanted, *scoped).order_by(Unit.id).limit(1)
    )
    if unit is not None:
        return unit
    unit = await session.scalar(
        select(Unit)
        .join(UnitAlias, UnitAlias.unit_id == Unit.id)
        .where(UnitAlias.alias == wanted, *scoped)
        .order_by(Unit.id)
        .limit(1)
    )
    if unit is not None:
        return unit
    unit_id = parse_id(wanted)
    return await session.get(Unit, unit_id) if unit_id is not None else None


async def suggest_units(
    session: AsyncSession,
    fragment: str,
    limit: int = 5,
    places: Collection[int] | None = None,
) -> list[str]:
    """Unit names containing the fragment, for a helpful "did you mean" reply (of those
    jurisdictions only, when `places` are given: a coordinator's office)."""
    wanted = _normal(fragment)
    if not wanted:
        return []
    within = (Unit.jurisdiction_id.in_(places),) if places is not None else ()
    names = await session.scalars(
        select(Unit.name)
        .where(contains_literally(Unit.name, wanted), *within)
        .order_by(func.length(Unit.name))
        .limit(limit)
    )
    return list(names)


async def unit_names(session: AsyncSession, unit_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)))
    return {unit_id: name for unit_id, name in rows}
