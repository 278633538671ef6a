"""Who a yearly count is for. "区委中心组每年学法不少于4次" is the lead body's own count, not
every listed unit's; "民生部门…不少于6次，其它部门…不少于1次" gives each tier its own count.

A tier is matched to the coordinator's groups by name. Where no group carries a tier's name the
stricter, named tier is kept for every unit and the "others" tier is dropped: a unit is asked
for too much rather than too little, and the coordinator splits the tiers by making the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OTHERS = "others"


def tier_members(tier: str, groups_by_name: Mapping[str, set[int]]) -> set[int] | None:
    """The units of the groups whose name names this tier (None: no such group)."""
    found = [members for name, members in groups_by_name.items() if tier in name or name in tier]
    return set().union(*found) if found else None


def count_units(
    params: Mapping[str, Any],
    assigned: Mapping[int, str],
    tiers: list[str],
    groups_by_name: Mapping[str, set[int]],
) -> set[int]:
    """The assigned units (unit id → role) a count rule applies to; `tiers` are the named
    tiers of the duty's other count rules."""
    units = set(assigned)
    if params.get("holder") == "body":
        leads = {unit for unit, role in assigned.items() if role == "lead"}
        units = leads or units
    tier = params.get("tier")
    if tier is None:
        return units
    if tier != OTHERS:
        members = tier_members(tier, groups_by_name)
        return units if members is None else units & members
    named = [tier_members(name, groups_by_name) for name in tiers if name != OTHERS]
    if not named:
        return units
    if any(members is None for members in named):
        return set()  # the named tier is everyone's: "others" would only ask for less
    return units - set().union(*named)
