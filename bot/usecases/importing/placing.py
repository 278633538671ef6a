"""Which jurisdiction each imported plan goes to, and which stored plan it continues.

A plan's key is read from its document (place, issuer, title), so two districts' plans that
name no place share it: a stored plan is the one of that key *in the plan's jurisdiction*.
The operator (CLI) may import anywhere; a coordinator's import (`Reach`) may only write the
jurisdictions their office reaches, and never finds, revises or moves a plan outside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import ParsedPlan
from bot.usecases.jurisdictions.tree import Tree, ensure_jurisdiction, home_id, load_tree
from storage.models import Plan


@dataclass(frozen=True)
class Reach:
    """The jurisdictions an import may write, and where a plan goes that names none of them
    (a district coordinator's own district)."""

    places: frozenset[int]
    home: int


class OutOfReach(Exception):
    """The import would write a jurisdiction the importer's office does not reach."""

    def __init__(self, place: str) -> None:
        super().__init__(f"{place} is outside the importer's office")
        self.place = place


async def stored_places(session: AsyncSession, keys: Sequence[str]) -> dict[str, list[int]]:
    """The jurisdictions holding a plan of each key, oldest plan first."""
    found: dict[str, list[int]] = {}
    rows = await session.execute(
        select(Plan.plan_key, Plan.jurisdiction_id)
        .where(Plan.plan_key.in_(list(keys)))
        .order_by(Plan.id)
    )
    for key, place in rows:
        found.setdefault(key, []).append(place)
    return found


async def place_plans(
    session: AsyncSession,
    keyed: Sequence[tuple[ParsedPlan, str]],
    now: datetime,
    jurisdiction: str | None = None,
    reach: Reach | None = None,
) -> dict[str, int]:
    """Each plan's jurisdiction, by key: the one named for the import; else the one a stored
    plan of its key is in (the place the document names, or home, first); else the place the
    document names (made when new); else home. Within `reach` only: a stored plan outside it
    is not this plan, a place outside it gives way to `reach.home`, and a named jurisdiction
    outside it raises `OutOfReach` (nothing is written)."""
    tree = await load_tree(session)
    chosen: int | None = None
    if jurisdiction:
        known = _named(tree, jurisdiction, reach)
        if reach is not None and known is None:
            raise OutOfReach(jurisdiction)
        chosen = (
            known
            if known is not None
            else (await ensure_jurisdiction(session, now, jurisdiction)).id
        )
    stored = await stored_places(session, [key for _plan, key in keyed])
    places: dict[str, int] = {}
    for plan, key in keyed:
        if chosen is not None:
            places[key] = chosen
            continue
        named = tree.by_name(plan.jurisdiction_name) if plan.jurisdiction_name else None
        candidates = [
            place for place in stored.get(key, []) if reach is None or place in reach.places
        ]
        if candidates:
            preferred = named.id if named is not None else await _home(session, now, reach)
            places[key] = preferred if preferred in candidates else candidates[0]
        elif reach is not None:
            places[key] = named.id if named is not None and named.id in reach.places else reach.home
        elif plan.jurisdiction_name:
            places[key] = (await ensure_jurisdiction(session, now, plan.jurisdiction_name)).id
        else:
            places[key] = await home_id(session, now)
    return places


def _named(tree: Tree, name: str, reach: Reach | None) -> int | None:
    """The jurisdiction of that name; within `reach` only, when given (two townships of one
    name under two counties: the office's own)."""
    wanted = "".join(name.split())
    found = sorted(place.id for place in tree.places.values() if place.name == wanted)
    if reach is not None:
        found = [place for place in found if place in reach.places]
    return found[0] if found else None


async def _home(session: AsyncSession, now: datetime, reach: Reach | None) -> int:
    return reach.home if reach is not None else await home_id(session, now)
