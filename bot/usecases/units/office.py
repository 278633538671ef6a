"""A coordinator's unit and group chores from the chat (and the board), without the CLI.

The same changes `dutybot groups` and `dutybot units` make (`bot.usecases.units.admin`), by
row id (buttons) or by a typed name, with the outcomes as plain values for the chat to word:
a group created, units put into or taken out of a group (remembered, so an import never puts
a removed unit back), a unit's kind corrected, a unit merged into another (its name kept as
an alias). The caller plans the returned duties again (`bot.usecases.planning.replan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.units.admin import (
    AliasOutcome,
    GroupChange,
    KindOutcome,
    UnitAdminError,
    alias_unit,
    change_group,
    set_unit_kind,
)
from bot.usecases.units.groups import DEFAULT_GROUP_RULES, GroupRule, load_rules, save_rules
from bot.usecases.units.lookup import find_unit, suggest_units
from storage.models import (
    DutyUnit,
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


async def group_lines(session: AsyncSession) -> list[GroupLine]:
    """Every group with its number of members and bound duties, empty ones first."""
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
            rules.get(group.name, GroupRule(selective=True)).automatic,
        )
        for group in await session.scalars(select(UnitGroup).order_by(UnitGroup.name))
    ]
    return sorted(lines, key=lambda line: (line.members > 0, line.name))


async def group_view(session: AsyncSession, group_id: int) -> GroupView | None:
    group = await session.get(UnitGroup, group_id)
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
    rule = rules.get(group.name) or DEFAULT_GROUP_RULES.get(group.name) or GroupRule(selective=True)
    return GroupView(
        group.id,
        group.name,
        members,
        await _duty_count(session, DutyUnit.group_id, group.id),
        rule.automatic,
    )


async def _name_taken(session: AsyncSession, name: str) -> bool:
    for query in (
        select(UnitGroup.id).where(UnitGroup.name == name),
        select(UnitGroupAlias.id).where(UnitGroupAlias.alias == name),
        select(Unit.id).where(Unit.name == name),
        select(UnitAlias.id).where(UnitAlias.alias == name),
    ):
        if await session.scalar(query) is not None:
            return True
    return False


async def create_group(session: AsyncSession, name: str, now: datetime) -> GroupView:
    """A new hand-picked group (members chosen by the coordinator); duties that print its
    name (as an unresolved name) are bound to it."""
    wanted = "".join(name.split())
    if not wanted or len(wanted) > NAME_LIMIT:
        raise OfficeRefused("bad_name")
    if await _name_taken(session, wanted):
        raise OfficeRefused("name_taken", (wanted,))
    group = UnitGroup(name=wanted, created_at=now)
    session.add(group)
    await session.flush()
    rules = await load_rules(session)
    rules[wanted] = GroupRule(selective=True)
    await save_rules(session, rules, now)
    for link in await session.scalars(
        select(DutyUnit).where(
            DutyUnit.unit_id.is_(None), DutyUnit.group_id.is_(None), DutyUnit.raw_name == wanted
        )
    ):
        link.group_id = group.id
    await session.flush()
    view = await group_view(session, group.id)
    assert view is not None
    return view


async def _resolve(session: AsyncSession, names: list[str]) -> list[str]:
    """Canonical unit names for typed ones; unknown ones refused with suggestions."""
    found: list[str] = []
    unknown: list[str] = []
    hints: list[str] = []
    for name in names:
        unit = await find_unit(session, name)
        if unit is None:
            unknown.append(name)
            hints.extend(await suggest_units(session, name, limit=3))
        else:
            found.append(unit.name)
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
) -> GroupChange:
    """Put units (typed names or ids) into a group, or take them out."""
    group = await session.get(UnitGroup, group_id)
    if group is None:
        raise OfficeRefused("gone")
    names = await _resolve(session, unit_names or [])
    if unit_ids:
        names.extend(
            await session.scalars(
                select(Unit.name).where(Unit.id.in_(unit_ids)).order_by(Unit.name)
            )
        )
    if not names:
        raise OfficeRefused("no_units")
    try:
        return await change_group(session, group.name, names, add=add, now=now, today=today)
    except UnitAdminError:
        raise OfficeRefused("gone") from None


async def units_to_review(session: AsyncSession) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Units whose kind needs a look (id, name, kind), and printed names no unit stands for."""
    units = [
        (unit_id, name, str(kind))
        for unit_id, name, kind in await session.execute(
            select(Unit.id, Unit.name, Unit.kind)
            .where(Unit.needs_review.is_(True))
            .order_by(Unit.name)
        )
    ]
    unresolved = list(
        await session.scalars(
            select(DutyUnit.raw_name)
            .where(DutyUnit.unit_id.is_(None), DutyUnit.group_id.is_(None))
            .group_by(DutyUnit.raw_name)
            .order_by(DutyUnit.raw_name)
        )
    )
    return units, unresolved


async def unit_view(session: AsyncSession, unit_id: int) -> UnitView | None:
    unit = await session.get(Unit, unit_id)
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


async def set_kind(session: AsyncSession, unit_id: int, kind: str) -> KindOutcome:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise OfficeRefused("gone")
    try:
        return await set_unit_kind(session, unit.name, kind)
    except UnitAdminError:
        raise OfficeRefused("bad_kind") from None


async def merge_into(session: AsyncSession, unit_id: int, target_name: str) -> AliasOutcome:
    """Merge the unit into the one named (its duties, reports, liaisons and groups move; its
    name becomes the target's alias)."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise OfficeRefused("gone")
    [target] = await _resolve(session, ["".join(target_name.split())])
    if target == unit.name:
        raise OfficeRefused("same_unit", (target,))
    try:
        return await alias_unit(session, unit.name, target)
    except UnitAdminError:
        raise OfficeRefused("name_taken", (unit.name,)) from None
