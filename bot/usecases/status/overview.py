"""What /status shows a member: which units they may see, and each unit's counts.

A coordinator sees every unit their office reaches (the office overview, counted outside the
update's session, see `SharedCityCounts`, then cut to the office by `office_rows`: a city's
districts as one row each), any of those units by name, or a district below by its name; a
liaison sees their own units, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.jurisdictions.scope import OfficeScope, find_seen_unit, office_scope
from bot.usecases.members.directory import is_coordinator
from bot.usecases.tasks.lists import (
    TaskRow,
    UnitCounts,
    liaison_unit_ids,
    next_deadlines,
    unit_counts,
)
from bot.usecases.units.lookup import suggest_units, unit_names
from scheduling.dates.workdays import WorkingDays
from storage.models import Unit


class Shows(StrEnum):
    UNITS = "units"  # the units in `units`
    OFFICE = "office"  # every unit, for a coordinator
    UNKNOWN_UNIT = "unknown_unit"  # no unit by the asked name; `hints` are near names
    NOT_ALLOWED = "not_allowed"  # another unit, asked by a liaison
    NOT_BOUND = "not_bound"  # a liaison of no unit


@dataclass(frozen=True)
class UnitStatus:
    name: str
    counts: UnitCounts | None
    deadlines: list[TaskRow]


@dataclass(frozen=True)
class StatusView:
    shows: Shows
    asked: str = ""
    hints: tuple[str, ...] = ()
    units: tuple[UnitStatus, ...] = ()
    scope: OfficeScope | None = None  # a coordinator's office, for `office_rows`
    opened: int | None = None  # the jurisdiction below the office asked for by name


async def may_see_office(session: AsyncSession, member_id: int) -> bool:
    """Only coordinators (and administrators) see the office's units."""
    return await is_coordinator(session, member_id)


async def _places_of(session: AsyncSession, unit_ids: list[int]) -> frozenset[int]:
    """The jurisdictions of a liaison's units: the only ones whose names a hint may show."""
    rows = await session.scalars(select(Unit.jurisdiction_id).where(Unit.id.in_(unit_ids)))
    return frozenset(place for place in rows if place is not None)


async def status_view(
    session: AsyncSession, member_id: int, asked: str, today: date, calendar: WorkingDays
) -> StatusView:
    """/status [unit]: what this member may see, with the counts of the units shown."""
    scope = await office_scope(session, member_id)
    coordinator = scope is not None
    mine = await liaison_unit_ids(session, member_id)
    if not coordinator and not mine:
        return StatusView(Shows.NOT_BOUND)  # a stranger learns no unit's name, not even a hint
    if asked and scope is not None and (opened := scope.opens(asked)) is not None:
        return StatusView(Shows.OFFICE, asked=asked, scope=scope, opened=opened)
    if asked:
        unit = await find_seen_unit(session, asked, scope)
        if unit is None:
            places = scope.places if scope is not None else await _places_of(session, mine)
            hints = await suggest_units(session, asked, places=places)
            return StatusView(Shows.UNKNOWN_UNIT, asked=asked, hints=tuple(hints))
        if unit.id not in mine and (scope is None or not scope.sees(unit.jurisdiction_id)):
            return StatusView(Shows.NOT_ALLOWED, asked=asked)
        shown = [(unit.id, unit.name)]
    elif coordinator:
        return StatusView(Shows.OFFICE, scope=scope)
    else:
        names = await unit_names(session, mine)
        shown = [(unit_id, names[unit_id]) for unit_id in mine]
    units = [await _unit_status(session, unit_id, name, today, calendar) for unit_id, name in shown]
    return StatusView(Shows.UNITS, asked=asked, units=tuple(units))


async def _unit_status(
    session: AsyncSession, unit_id: int, name: str, today: date, calendar: WorkingDays
) -> UnitStatus:
    counts = await unit_counts(session, today, calendar, [unit_id])
    deadlines = await next_deadlines(session, [unit_id], today)
    return UnitStatus(name, counts[0] if counts else None, deadlines)
