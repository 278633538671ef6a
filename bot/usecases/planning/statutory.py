"""The built-in statutory calendar as duties in the database, with the coordinator's changes.

The national recurring duties (January 31 enforcement statistics, the first-quarter annual
report, Constitution Week …) live in `scheduling/dates/data/statutory.json`. Here they become the
duties of one built-in plan, bound to unit groups, so they are planned, reminded, listed and
exported like any imported duty. Overrides (off, re-dated, re-bound) are kept in
`config_entries` and applied on every sync.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.usecases.jurisdictions.tree import home_id, load_tree
from scheduling.dates.model import RuleKind as PureRuleKind
from scheduling.dates.statutory import StatutoryEntry, StatutoryOverride, load_statutory
from storage.models import (
    ConfigEntry,
    Duty,
    DutyUnit,
    Plan,
    RuleKind,
    ScheduleRule,
    UnitGroup,
    UnitRole,
)

STATUTORY_PLAN_KEY = "statutory"
OVERRIDES_KEY = "statutory_overrides"


async def stored_overrides(session: AsyncSession) -> list[StatutoryOverride]:
    entry = await session.get(ConfigEntry, OVERRIDES_KEY)
    if entry is None:
        return []
    overrides = []
    for raw in entry.value.get("overrides", []):
        groups = raw.get("groups")
        overrides.append(
            StatutoryOverride(
                key=raw["key"],
                enabled=raw.get("enabled"),
                kind=raw.get("kind"),
                params=raw.get("params"),
                replace_params=bool(raw.get("replace_params", False)),
                groups=tuple(groups) if groups is not None else None,
            )
        )
    return overrides


async def save_override(session: AsyncSession, override: StatutoryOverride, now: datetime) -> None:
    """Record a change to one entry (validated by applying it) on top of earlier ones."""
    current = await stored_overrides(session)
    load_statutory([*current, override])  # raises StatutoryError when unusable
    raw: dict[str, Any] = {
        key: value for key, value in asdict(override).items() if value is not None
    }
    if override.kind is not None:
        raw["kind"] = str(override.kind)
    if override.groups is not None:
        raw["groups"] = list(override.groups)
    entry = await session.get(ConfigEntry, OVERRIDES_KEY)
    value = {"overrides": [*(entry.value.get("overrides", []) if entry else []), raw]}
    if entry is None:
        session.add(ConfigEntry(key=OVERRIDES_KEY, value=value, updated_at=now))
    else:
        entry.value = value
        entry.updated_at = now
    await session.flush()


async def get_or_create_group(
    session: AsyncSession, name: str, now: datetime, jurisdiction_id: int | None = None
) -> UnitGroup:
    """The group of that name in a jurisdiction (the home one when none is named)."""
    place = jurisdiction_id if jurisdiction_id is not None else await home_id(session, now)
    group = await session.scalar(
        select(UnitGroup).where(UnitGroup.name == name, UnitGroup.jurisdiction_id == place)
    )
    if group is None:
        group = UnitGroup(name=name, jurisdiction_id=place, created_at=now)
        session.add(group)
        await session.flush()
    return group


async def sync_statutory(
    session: AsyncSession, now: datetime, profile: str = "national"
) -> tuple[list[int], list[int]]:
    """Make the built-in plan match the statutory data, the province profile and overrides.

    Returns the plan's duty ids and the ids of rules whose dates changed (their future
    occurrences must be re-made)."""
    entries = load_statutory(await stored_overrides(session), profile)
    plan = await session.scalar(
        select(Plan)
        .where(Plan.plan_key == STATUTORY_PLAN_KEY)
        .options(
            selectinload(Plan.duties).selectinload(Duty.rules),
            selectinload(Plan.duties).selectinload(Duty.units),
        )
    )
    if plan is None:
        plan = Plan(
            plan_key=STATUTORY_PLAN_KEY,
            title="法定周期性任务（内置）",
            issuer=None,
            is_statutory=True,
            imported_at=now,
            updated_at=now,
            duties=[],
        )
        session.add(plan)
        await session.flush()
    by_key = {duty.statutory_key: duty for duty in plan.duties}
    changed: list[int] = []
    for position, entry in enumerate(entries, start=1):
        duty = by_key.get(entry.key)
        if duty is None:
            duty = Duty(
                number=f"S{position}",
                position=position,
                section_path=[],
                text=entry.title_zh,
                review=[],
                statutory_key=entry.key,
                created_at=now,
                updated_at=now,
                rules=[],
                units=[],
            )
            plan.duties.append(duty)
        changed_rule = await _sync_duty(session, duty, entry, now)
        if changed_rule is not None:
            changed.append(changed_rule)
    await session.flush()
    return [duty.id for duty in plan.duties], changed


async def _sync_duty(
    session: AsyncSession, duty: Duty, entry: StatutoryEntry, now: datetime
) -> int | None:
    duty.text = entry.title_zh
    duty.active = entry.enabled
    rule = entry.rule()
    kind = RuleKind(str(PureRuleKind(rule.kind)))
    current = duty.rules[0] if duty.rules else None
    changed: int | None = None
    if current is None:
        duty.rules.append(
            ScheduleRule(kind=kind, phrase=rule.phrase, params=dict(rule.params), created_at=now)
        )
    elif current.kind != kind or current.params != rule.params:
        current.kind = kind
        current.params = dict(rule.params)
        current.phrase = rule.phrase
        changed = current.id
    if current is not None:
        current.enabled = entry.enabled
    # Bound in every jurisdiction: each one's 全体单位, 区直各部门 … (the statutory duties are
    # every office's, each for its own units).
    wanted = set(entry.groups)
    have = {link.group_id for link in duty.units}
    for link in list(duty.units):
        if link.raw_name not in wanted:
            duty.units.remove(link)
    for place in sorted((await load_tree(session)).places) or [None]:
        for name in sorted(wanted):
            group = await get_or_create_group(session, name, now, place)
            if group.id not in have:
                duty.units.append(
                    DutyUnit(role=UnitRole.RESPONSIBLE, group_id=group.id, raw_name=name)
                )
    duty.updated_at = now
    return changed
