"""The administrator's unit and group chores: listing, merging spellings, editing groups.

Merging keeps history: a unit created under a spelling that turns out to be another unit's
has its duty links, assignments (with their status reports and reminders), liaisons and
invites moved to the real unit before the duplicate row goes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.planning.retire import retire_dropped_units
from bot.usecases.units.groups import (
    DEFAULT_GROUP_RULES,
    GroupRule,
    drop_by_kind,
    exclude,
    include,
    load_rules,
    save_rules,
    sync_members,
)
from bot.usecases.units.lookup import find_unit, suggest_units
from storage.models import (
    Assignment,
    Binding,
    DutyUnit,
    Invite,
    Reminder,
    StatusReport,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupAlias,
    UnitGroupMember,
    UnitKind,
)


class UnitAdminError(Exception):
    """A request the administrator can fix (unknown name, a spelling taken by a group …)."""


@dataclass(frozen=True)
class UnitRow:
    name: str
    kind: str
    jurisdiction: str | None
    aliases: tuple[str, ...]
    groups: tuple[str, ...]
    duties: int
    needs_review: bool


@dataclass(frozen=True)
class GroupRow:
    name: str
    rule: str
    automatic: bool
    members: tuple[str, ...]
    aliases: tuple[str, ...]
    duties: int


@dataclass(frozen=True)
class Unresolved:
    """A printed name no unit or group stands for yet, and how many duties name it."""

    raw_name: str
    duties: int


@dataclass(frozen=True)
class AliasOutcome:
    alias: str
    unit: str
    merged_unit: str | None
    moved_links: int
    moved_assignments: int
    duty_ids: tuple[int, ...]


@dataclass(frozen=True)
class GroupChange:
    group: str
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    duty_ids: tuple[int, ...]


def _normal(name: str) -> str:
    return "".join(name.split())


async def _duty_counts(session: AsyncSession, column: object) -> dict[int, int]:
    rows = await session.execute(
        select(column, func.count(func.distinct(DutyUnit.duty_id))).group_by(column)
    )
    return {key: count for key, count in rows if key is not None}


async def list_units(session: AsyncSession, review_only: bool = False) -> list[UnitRow]:
    """Every unit with its spellings, groups and number of duties naming it."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for unit_id, alias in await session.execute(select(UnitAlias.unit_id, UnitAlias.alias)):
        aliases[unit_id].append(alias)
    groups: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in await session.execute(
        select(UnitGroupMember.unit_id, UnitGroup.name).join(
            UnitGroup, UnitGroup.id == UnitGroupMember.group_id
        )
    ):
        groups[unit_id].append(name)
    duties = await _duty_counts(session, DutyUnit.unit_id)
    query = select(Unit).order_by(Unit.name)
    if review_only:
        query = query.where(Unit.needs_review.is_(True))
    return [
        UnitRow(
            name=unit.name,
            kind=str(unit.kind),
            jurisdiction=unit.jurisdiction,
            aliases=tuple(sorted(aliases[unit.id])),
            groups=tuple(sorted(groups[unit.id])),
            duties=duties.get(unit.id, 0),
            needs_review=bool(unit.needs_review),
        )
        for unit in await session.scalars(query)
    ]


async def unresolved_names(session: AsyncSession) -> list[Unresolved]:
    """Printed names stored without a unit or group, for the coordinator to resolve."""
    rows = await session.execute(
        select(DutyUnit.raw_name, func.count(func.distinct(DutyUnit.duty_id)))
        .where(DutyUnit.unit_id.is_(None), DutyUnit.group_id.is_(None))
        .group_by(DutyUnit.raw_name)
        .order_by(DutyUnit.raw_name)
    )
    return [Unresolved(name, count) for name, count in rows]


async def list_groups(session: AsyncSession) -> list[GroupRow]:
    """Every group with its membership rule, members, spellings and bound duties."""
    rules = await load_rules(session)
    members: dict[int, list[str]] = defaultdict(list)
    for group_id, name in await session.execute(
        select(UnitGroupMember.group_id, Unit.name)
        .join(Unit, Unit.id == UnitGroupMember.unit_id)
        .order_by(Unit.name)
    ):
        members[group_id].append(name)
    aliases: dict[int, list[str]] = defaultdict(list)
    for group_id, alias in await session.execute(
        select(UnitGroupAlias.group_id, UnitGroupAlias.alias)
    ):
        aliases[group_id].append(alias)
    duties = await _duty_counts(session, DutyUnit.group_id)
    result = []
    for group in await session.scalars(select(UnitGroup).order_by(UnitGroup.name)):
        rule = rules.of(group) or GroupRule(selective=True)
        result.append(
            GroupRow(
                name=group.name,
                rule=rule.describe(),
                automatic=rule.automatic,
                members=tuple(members[group.id]),
                aliases=tuple(sorted(aliases[group.id])),
                duties=duties.get(group.id, 0),
            )
        )
    return result


async def require_unit(session: AsyncSession, name: str) -> Unit:
    unit = await find_unit(session, name)
    if unit is None:
        hints = await suggest_units(session, name)
        hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
        raise UnitAdminError(f"unknown unit {name!r}{hint}; see `dutybot units`")
    return unit


async def require_group(session: AsyncSession, name: str) -> UnitGroup:
    wanted = _normal(name)
    group = await session.scalar(select(UnitGroup).where(UnitGroup.name == wanted))
    if group is None:
        group = await session.scalar(
            select(UnitGroup)
            .join(UnitGroupAlias, UnitGroupAlias.group_id == UnitGroup.id)
            .where(UnitGroupAlias.alias == wanted)
        )
    if group is None:
        raise UnitAdminError(f"unknown group {name!r}; see `dutybot groups`")
    return group


async def _group_named(session: AsyncSession, name: str) -> bool:
    found = await session.scalar(select(UnitGroup.id).where(UnitGroup.name == name))
    alias = await session.scalar(select(UnitGroupAlias.id).where(UnitGroupAlias.alias == name))
    return found is not None or alias is not None


async def alias_unit(
    session: AsyncSession,
    alias: str,
    unit_name: str,
    *,
    target: Unit | None = None,
    source: Unit | None = None,
) -> AliasOutcome:
    """Make `alias` a spelling of the unit; a unit created under that spelling is merged in.
    The chat passes both rows (found by id within the coordinator's office), since the same
    name may be a unit of several jurisdictions."""
    spelling = _normal(alias)
    if not spelling:
        raise UnitAdminError("the alias is empty")
    target = target or await require_unit(session, unit_name)
    if await _group_named(session, spelling):
        raise UnitAdminError(f"{spelling!r} already names a group; see `dutybot groups`")
    source = source or await find_unit(session, spelling)
    if source is not None and source.id == target.id:
        return AliasOutcome(spelling, target.name, None, 0, 0, ())
    merged = None
    moved_links = moved_assignments = 0
    duty_ids: set[int] = set()
    if source is not None and source.name == spelling:
        merged = source.name
        moved_links, moved_assignments, duty_ids = await _merge_unit(session, source, target)
    elif source is not None:
        result = await session.execute(
            select(DutyUnit.id, DutyUnit.duty_id).where(
                DutyUnit.unit_id == source.id, DutyUnit.raw_name == spelling
            )
        )
        links = list(result)
        duty_ids.update(duty_id for _link, duty_id in links)
        await session.execute(
            update(DutyUnit)
            .where(DutyUnit.id.in_([link_id for link_id, _duty in links]))
            .values(unit_id=target.id)
        )
        moved_links = len(links)
        await session.execute(delete(UnitAlias).where(UnitAlias.alias == spelling))
    if merged is None:
        session.add(UnitAlias(unit_id=target.id, alias=spelling))
    unknown = list(
        await session.scalars(
            select(DutyUnit).where(
                DutyUnit.unit_id.is_(None),
                DutyUnit.group_id.is_(None),
                DutyUnit.raw_name == spelling,
            )
        )
    )
    for link in unknown:
        link.unit_id = target.id
        duty_ids.add(link.duty_id)
    await session.flush()
    return AliasOutcome(
        alias=spelling,
        unit=target.name,
        merged_unit=merged,
        moved_links=moved_links + len(unknown),
        moved_assignments=moved_assignments,
        duty_ids=tuple(sorted(duty_ids)),
    )


async def _merge_unit(
    session: AsyncSession, source: Unit, target: Unit
) -> tuple[int, int, set[int]]:
    """Move everything of `source` onto `target`, then delete `source`."""
    duty_ids = set(
        await session.scalars(select(DutyUnit.duty_id).where(DutyUnit.unit_id == source.id))
    )
    links = await session.execute(
        update(DutyUnit).where(DutyUnit.unit_id == source.id).values(unit_id=target.id)
    )
    moved_assignments = 0
    target_by_occurrence = {
        occurrence_id: assignment_id
        for assignment_id, occurrence_id in await session.execute(
            select(Assignment.id, Assignment.occurrence_id).where(Assignment.unit_id == target.id)
        )
    }
    for assignment_id, occurrence_id in list(
        await session.execute(
            select(Assignment.id, Assignment.occurrence_id).where(Assignment.unit_id == source.id)
        )
    ):
        keep = target_by_occurrence.get(occurrence_id)
        if keep is None:
            await session.execute(
                update(Assignment).where(Assignment.id == assignment_id).values(unit_id=target.id)
            )
        else:
            for model in (StatusReport, Reminder):
                await session.execute(
                    update(model)
                    .where(model.assignment_id == assignment_id)
                    .values(assignment_id=keep)
                )
            await session.execute(delete(Assignment).where(Assignment.id == assignment_id))
        moved_assignments += 1
    taken = {
        (member_id, role)
        for member_id, role in await session.execute(
            select(Binding.member_id, Binding.role).where(Binding.unit_id == target.id)
        )
    }
    for binding in list(await session.scalars(select(Binding).where(Binding.unit_id == source.id))):
        if (binding.member_id, binding.role) in taken:
            await session.delete(binding)
        else:
            binding.unit_id = target.id
    await session.execute(
        update(Invite).where(Invite.unit_id == source.id).values(unit_id=target.id)
    )
    target_groups = set(
        await session.scalars(
            select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id == target.id)
        )
    )
    for group_id in await session.scalars(
        select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id == source.id)
    ):
        if group_id not in target_groups:
            session.add(UnitGroupMember(group_id=group_id, unit_id=target.id))
    await session.execute(
        update(UnitAlias).where(UnitAlias.unit_id == source.id).values(unit_id=target.id)
    )
    name = source.name
    await session.flush()
    await session.delete(source)
    await session.flush()
    session.add(UnitAlias(unit_id=target.id, alias=name))
    return links.rowcount or 0, moved_assignments, duty_ids


async def _bound_duties(session: AsyncSession, group_id: int) -> list[int]:
    return list(
        await session.scalars(select(DutyUnit.duty_id).where(DutyUnit.group_id == group_id))
    )


async def change_group(
    session: AsyncSession,
    group_name: str,
    unit_names: Sequence[str],
    *,
    add: bool,
    now: datetime,
    today: date,
) -> GroupChange:
    """Put units into a group or take them out; taken-out units are never re-added by imports."""
    group = await require_group(session, group_name)
    units = [await require_unit(session, name) for name in unit_names]
    return await change_group_units(session, group, units, add=add, now=now, today=today)


async def change_group_units(
    session: AsyncSession,
    group: UnitGroup,
    units: Sequence[Unit],
    *,
    add: bool,
    now: datetime,
    today: date,
) -> GroupChange:
    """`change_group` with the rows found already (the chat and the board find them by id)."""
    members = set(
        await session.scalars(
            select(UnitGroupMember.unit_id).where(UnitGroupMember.group_id == group.id)
        )
    )
    changed, unchanged = [], []
    for unit in units:
        present = unit.id in members
        if add and not present:
            session.add(UnitGroupMember(group_id=group.id, unit_id=unit.id))
            members.add(unit.id)
            changed.append(unit.name)
        elif not add and present:
            await session.execute(
                delete(UnitGroupMember).where(
                    UnitGroupMember.group_id == group.id, UnitGroupMember.unit_id == unit.id
                )
            )
            members.discard(unit.id)
            changed.append(unit.name)
        else:
            unchanged.append(unit.name)
    rules = await load_rules(session)
    rule = rules.of(group) or DEFAULT_GROUP_RULES.get(group.name) or GroupRule(selective=True)
    ids = [unit.id for unit in units]
    rules.set(group.jurisdiction_id, group.name, include(rule, ids) if add else exclude(rule, ids))
    await save_rules(session, rules, now)
    await session.flush()
    duty_ids = await _bound_duties(session, group.id)
    if not add and changed:
        await retire_dropped_units(session, duty_ids, today)
    return GroupChange(group.name, tuple(changed), tuple(unchanged), tuple(sorted(set(duty_ids))))


@dataclass(frozen=True)
class KindOutcome:
    unit: str
    old: str
    new: str
    groups_left: int
    duty_ids: tuple[int, ...]


async def set_unit_kind(
    session: AsyncSession, unit_name: str, kind: str, found: Unit | None = None
) -> KindOutcome:
    """A coordinator corrects a unit's kind; automatic groups follow (joined or left). The
    chat passes the unit `found` by id (the same name may be a unit of several jurisdictions)."""
    try:
        new = UnitKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in UnitKind if k is not UnitKind.COMMITTEE)
        raise UnitAdminError(f"unknown kind {kind!r} (one of {choices})") from None
    unit = found or await require_unit(session, unit_name)
    old = str(unit.kind)
    unit.kind = new
    unit.needs_review = False
    rules = await load_rules(session)
    left = await drop_by_kind(session, rules, unit.id, new.value)
    await sync_members(session, rules)
    duty_ids = tuple(
        await session.scalars(
            select(DutyUnit.duty_id).where(
                or_(
                    DutyUnit.unit_id == unit.id,
                    DutyUnit.group_id.in_(
                        select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id == unit.id)
                    ),
                    DutyUnit.group_id.in_(left),
                )
            )
        )
    )
    return KindOutcome(unit.name, old, new.value, len(left), duty_ids)
