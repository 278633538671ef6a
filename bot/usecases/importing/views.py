"""Units and groups as plain summaries (names, aliases, members) for import results and lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.importing.result import GroupSummary, UnitSummary
from bot.usecases.units.book import UnitBook
from bot.usecases.units.groups import GroupRule
from storage.models import Unit, UnitGroupMember


def _inverse(aliases: dict[str, object]) -> dict[int, list[str]]:
    by_owner: dict[int, list[str]] = defaultdict(list)
    for alias, owner in aliases.items():
        by_owner[id(owner)].append(alias)
    return by_owner


async def unit_summaries(
    session: AsyncSession, book: UnitBook, names: Iterable[str]
) -> list[UnitSummary]:
    """The named units with every alias they have (stored ones and this import's)."""
    aliases = _inverse(dict(book.unit_aliases))
    created = {id(unit) for unit in book.created_units}
    result = []
    for name in sorted(set(names)):
        unit = book.find_unit(name)
        if unit is None:
            continue
        result.append(
            UnitSummary(
                name=unit.name,
                kind=str(unit.kind),
                aliases=tuple(sorted(aliases.get(id(unit), []))),
                is_new=id(unit) in created,
                needs_review=bool(unit.needs_review),
            )
        )
    return result


async def group_summaries(
    session: AsyncSession, book: UnitBook, names: Iterable[str]
) -> list[GroupSummary]:
    """The named groups with their members as they stand in this transaction."""
    groups = [group for name in sorted(set(names)) if (group := book.find_group(name))]
    members: dict[int, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(UnitGroupMember.group_id, Unit.name)
        .join(Unit, Unit.id == UnitGroupMember.unit_id)
        .where(UnitGroupMember.group_id.in_([group.id for group in groups]))
        .order_by(Unit.name)
    )
    for group_id, unit_name in rows:
        members[group_id].append(unit_name)
    aliases = _inverse(dict(book.group_aliases))
    created = {id(group) for group in book.created_groups}
    result = []
    for group in groups:
        rule = book.rules.of(group) or GroupRule(selective=True)
        result.append(
            GroupSummary(
                name=group.name,
                members=tuple(members.get(group.id, [])),
                aliases=tuple(sorted(aliases.get(id(group), []))),
                selective=not rule.automatic,
                is_new=id(group) in created,
                rule=rule.describe(),
            )
        )
    return result
