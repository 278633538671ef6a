"""A coordinator's unit and group chores from the chat (and the board), without the CLI.

The same changes `dutybot groups` and `dutybot units` make (`bot.usecases.units.admin`), by
row id (buttons) or by a typed name, with the outcomes as plain values for the chat to word:
a group created, units put into or taken out of a group (remembered, so an import never puts
a removed unit back), a unit's kind corrected, a unit merged into another (its name kept as
an alias). The caller plans the returned duties again (`bot.usecases.planning.replan`).

Each takes the caller's office scope (`bot.usecases.jurisdictions.scope`; None: everything):
lists show the jurisdictions it reaches only, and a group or unit of another one is "gone".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.jurisdictions.scope import OfficeScope, find_seen_unit
from bot.usecases.units.admin import (
    AliasOutcome,
    GroupChange,
    KindOutcome,
    UnitAdminError,
    alias_unit,
    change_group_units,
    set_unit_kind,
)
from bot.usecases.units.groups import DEFAULT_GROUP_RULES, GroupRule, load_rules, save_rules
from bot.usecases.units.lookup import suggest_units
from storage.models import (
    Duty,
    DutyUnit,
    Plan,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupAlias,
    UnitGroupMember,
)

NAME_LIMIT = 60
_SEPARATORS = re.compile(r"[、，,；;\n]+")


class OfficeRefused(Exception):
    """A request the chat answers with a sentence: `reason` names which."""

    def __init__(self, reason: str, names: tuple[str, ...] = (), hints: tuple[str, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.names = names
        self.hints = hints


@dataclass(frozen=True)
class GroupLine:
    id: int
    name: str
    members: int
    duties: int
    automatic: bool


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    members: tuple[tuple[int, str], ...]
    duties: int
    automatic: bool  # filled from unit kinds by imports, beside the coordinator's choices


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    kind: str
    needs_review: bool
    aliases: tuple[str, ...]
    groups: tuple[str, ...]
    duties: int


def split_names(text: str) -> list[str]:
    """Unit names typed in one message, separated by 、 ， , ； or new lines."""
    names = ["".join(part.split()) for part in _SEPARATORS.split(text)]
    return [name for name in dict.fromkeys(names) if name]


async def _duty_count(session: AsyncSession, column: object, key: int) -> int:
    count = await session.scalar(
        select(func.count(func.distinct(DutyUnit.duty_id))).where(column == key)
    )
    return int(count or 0)


def _sees(scope: OfficeScope | None, jurisdiction_id: int | None) -> bool:
    return scope is None or scope.sees(jurisdiction_id)


def _within(scope: OfficeScope | None, column: Any) -> tuple[Any, ...]:
    """A where-clause keeping rows of the jurisdictions the office reaches."""
    if scope is None or scope.places is None:
        return ()
    return (column.in_(scope.places),)


async def _seen_group(
    session: AsyncSession, group_id: int, scope: OfficeScope | None
) -> UnitGroup | None:
    group = await session.get(UnitGroup, group_id)
    return group if group is not None and _sees(scope, group.jurisdiction_id) else None


async def _seen_unit(session: AsyncSession, unit_id: int, scope: OfficeScope | None) -> Unit | None:
    unit = await session.get(Unit, unit_id)
    return unit if unit is not None and _sees(scope, unit.jurisdiction_id) else None


async def group_lines(session: AsyncSession, scope: OfficeScope | None = None) -> list[GroupLine]:
    """Every group the office reaches with its number of members and bound duties, empty ones
    first."""
    rules = await load_rules(session)
    members = dict(
        (row[0], int(row[1]))
        for row in await session.execute(
            select(UnitGroupMember.group_id, func.count()).group_by(UnitGroupMember.group_id)
        )
    )
    duties = dict(
        (row[0], int(row[1]))
        for row in await session.execute(
            select(DutyUnit.group_id, func.count(func.distinct(DutyUnit.duty_id)))
            .where(DutyUnit.group_id.is_not(None))
            .group_by(DutyUnit.group_id)
        )
    )
    lines = [
        GroupLine(
            group.id,
            group.name,
            members.get(group.id, 0),
            duties.get(group.id, 0),
            (rules.of(group) or GroupRule(selective=True)).automatic,
        )
        for group in await session.scalars(
            select(UnitGroup)
            .where(*_within(scope, UnitGroup.jurisdiction_id))
            .order_by(UnitGroup.name)
        )
    ]
    return sorted(lines, key=lambda line: (line.members > 0, line.name))


async def group_view(
    session: AsyncSession, group_id: int, scope: OfficeScope | None = None
) -> GroupView | None:
    group = await _seen_group(session, group_id, scope)
    if group is None:
        return None
    rules = await load_rules(session)
    members = tuple(
        (unit_id, name)
        for unit_id, name in await session.execute(
            select(Unit.id, Unit.name)
            .join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id)
            .where(UnitGroupMember.group_id == group_id)
            .order_by(Unit.name)
        )
    )
    rule = rules.of(group) or DEFAULT_GROUP_RULES.get(group.name) or GroupRule(selective=True)
    return GroupView(
        group.id,
        group.name,
        members,
        await _duty_count(session, DutyUnit.group_id, group.id),
        rule.automatic,
    )


async def _name_taken(session: AsyncSession, name: str, jurisdiction_id: int | None) -> bool:
    """The name is a group's or unit's of that jurisdiction (of any, when None)."""
    for model, column in (
        (UnitGroup, UnitGroup.name),
        (UnitGroupAlias, UnitGroupAlias.alias),
        (Unit, Unit.name),
        (UnitAlias, UnitAlias.alias),
    ):
        query = select(model.id).where(column == name)
        if jurisdiction_id is not None:
            query = query.where(model.jurisdiction_id == jurisdiction_id)
        if await session.scalar(query) is not None:
            return True
    return False


async def create_group(
    session: AsyncSession, name: str, now: datetime, scope: OfficeScope | None = None
) -> GroupView:
    """A new hand-picked group (members chosen by the coordinator) of the coordinator's own
    jurisdiction; duties of that jurisdiction's plans that print its name (as an unresolved
    name) are bound to it."""
    wanted = "".join(name.split())
    if not wanted or len(wanted) > NAME_LIMIT:
        raise OfficeRefused("bad_name")
    place = scope.top if scope is not None else None
    if await _name_taken(session, wanted, place):
        raise OfficeRefused("name_taken", (wanted,))
    group = UnitGroup(name=wanted, created_at=now)
    if place is not None:
        group.jurisdiction_id = place
    session.add(group)
    await session.flush()
    rules = await load_rules(session)
    rules.set(group.jurisdiction_id, wanted, GroupRule(selective=True))
    await save_rules(session, rules, now)
    planned_here = select(Duty.id).join(Plan, Plan.id == Duty.plan_id)
    if place is not None:
        planned_here = planned_here.where(Plan.jurisdiction_id == place)
    for link in await session.scalars(
        select(DutyUnit).where(
            DutyUnit.unit_id.is_(None),
            DutyUnit.group_id.is_(None),
            DutyUnit.raw_name == wanted,
            DutyUnit.duty_id.in_(planned_here),
        )
    ):
        link.group_id = group.id
    await session.flush()
    view = await group_view(session, group.id)
    assert view is not None
    return view


async def _resolve(
    session: AsyncSession, names: list[str], scope: OfficeScope | None = None
) -> list[Unit]:
    """The units typed names stand for, within the office; unknown ones refused with
    suggestions (another jurisdiction's unit is unknown here)."""
    found: list[Unit] = []
    unknown: list[str] = []
    hints: list[str] = []
    for name in names:
        unit = await find_seen_unit(session, name, scope)
        if unit is None or not _sees(scope, unit.jurisdiction_id):
            unknown.append(name)
            places = scope.places if scope is not None else None
            hints.extend(await suggest_units(session, name, limit=3, places=places))
        else:
            found.append(unit)
    if unknown:
        raise OfficeRefused("unknown_units", tuple(unknown), tuple(dict.fromkeys(hints)))
    return found


async def change_members(
    session: AsyncSession,
    group_id: int,
    *,
    add: bool,
    now: datetime,
    today: date,
    unit_names: list[str] | None = None,
    unit_ids: list[int] | None = None,
    scope: OfficeScope | None = None,
) -> GroupChange:
    """Put units (typed names or ids) into a group, or take them out."""
    group = await _seen_group(session, group_id, scope)
    if group is None:
        raise OfficeRefused("gone")
    units = await _resolve(session, unit_names or [], scope)
    if unit_ids:
        units.extend(
            await session.scalars(
                select(Unit)
                .where(Unit.id.in_(unit_ids), *_within(scope, Unit.jurisdiction_id))
                .order_by(Unit.name)
            )
        )
    if not units:
        raise OfficeRefused("no_units")
    return await change_group_units(session, group, units, add=add, now=now, today=today)


async def units_to_review(
    session: AsyncSession, scope: OfficeScope | None = None
) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Units whose kind needs a look (id, name, kind), and printed names no unit stands for,
    of the jurisdictions the office reaches (the names: of those jurisdictions' plans)."""
    units = [
        (unit_id, name, str(kind))
        for unit_id, name, kind in await session.execute(
            select(Unit.id, Unit.name, Unit.kind)
            .where(Unit.needs_review.is_(True), *_within(scope, Unit.jurisdiction_id))
            .order_by(Unit.name)
        )
    ]
    planned_here = select(Duty.id).join(Plan, Plan.id == Duty.plan_id)
    unresolved = list(
        await session.scalars(
            select(DutyUnit.raw_name)
            .where(
                DutyUnit.unit_id.is_(None),
                DutyUnit.group_id.is_(None),
                DutyUnit.duty_id.in_(planned_here.where(*_within(scope, Plan.jurisdiction_id))),
            )
            .group_by(DutyUnit.raw_name)
            .order_by(DutyUnit.raw_name)
        )
    )
    return units, unresolved


async def unit_view(
    session: AsyncSession, unit_id: int, scope: OfficeScope | None = None
) -> UnitView | None:
    unit = await _seen_unit(session, unit_id, scope)
    if unit is None:
        return None
    aliases = tuple(
        await session.scalars(
            select(UnitAlias.alias).where(UnitAlias.unit_id == unit_id).order_by(UnitAlias.alias)
        )
    )
    groups = tuple(
        await session.scalars(
            select(UnitGroup.name)
            .join(UnitGroupMember, UnitGroupMember.group_id == UnitGroup.id)
            .where(UnitGroupMember.unit_id == unit_id)
            .order_by(UnitGroup.name)
        )
    )
    return UnitView(
        unit.id,
        unit.name,
        str(unit.kind),
        bool(unit.needs_review),
        aliases,
        groups,
        await _duty_count(session, DutyUnit.unit_id, unit.id),
    )


async def set_kind(
    session: AsyncSession, unit_id: int, kind: str, scope: OfficeScope | None = None
) -> KindOutcome:
    unit = await _seen_unit(session, unit_id, scope)
    if unit is None:
        raise OfficeRefused("gone")
    try:
        return await set_unit_kind(session, unit.name, kind, found=unit)
    except UnitAdminError:
        raise OfficeRefused("bad_kind") from None


async def merge_into(
    session: AsyncSession, unit_id: int, target_name: str, scope: OfficeScope | None = None
) -> AliasOutcome:
    """Merge the unit into the one named (its duties, reports, liaisons and groups move; its
    name becomes the target's alias); both within the office."""
    unit = await _seen_unit(session, unit_id, scope)
    if unit is None:
        raise OfficeRefused("gone")
    [target] = await _resolve(session, ["".join(target_name.split())], scope)
    if target.id == unit.id:
        raise OfficeRefused("same_unit", (target.name,))
    try:
        return await alias_unit(session, unit.name, target.name, target=target, source=unit)
    except UnitAdminError:
        raise OfficeRefused("name_taken", (unit.name,)) from None
