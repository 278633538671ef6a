"""Who belongs to a collective group ("区直各部门", "各行政执法部门"), automatically or by hand.

A group's rule says which units join it automatically: units of some kinds ("*" = every
kind), optionally only those whose name contains one of some keywords. Selective groups
("区直有关部门") join nobody automatically; the coordinator picks their members. Automatic
membership only ever adds (so a coordinator's additions stay), and a unit the coordinator
removed is remembered in `excluded` and never re-added. Rules live in one `config_entries`
row so a coordinator can change them without a schema change, by jurisdiction then group name
(the same name in two districts is two groups with two rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing.unit_kinds import classify
from bot.usecases.jurisdictions.tree import Tree, load_tree
from storage.enums import JurisdictionLevel
from storage.models import ConfigEntry, Unit, UnitGroup, UnitGroupMember, UnitKind

RULES_KEY = "group_rules"
EVERY_KIND = "*"

# Departments whose names mark an administrative enforcement agency (行政执法机关): the
# default members of "各行政执法部门", which binds the January 31 enforcement-statistics duty.
# Matched as substrings of the canonical name; the coordinator corrects the result with
# `dutybot groups add|remove 各行政执法部门 UNIT…`.
ENFORCEMENT_KEYWORDS: tuple[str, ...] = (
    "公安",
    "市场监督",
    "市场监管",
    "生态环境",
    "城市管理",
    "城管",
    "综合执法",
    "交通运输",
    "农业农村",
    "文化和旅游",
    "文化旅游",
    "文化广电",
    "卫生健康",
    "应急管理",
    "自然资源",
    "住房和城乡建设",
    "水利",
    "水务",
    "税务",
    "司法局",
    "人力资源和社会保障",
    "医疗保障",
    "统计局",
    "林业",
    "消防救援",
    "发展和改革",
    "发改",
    "教育",
    "科技",
    "工业和信息化",
    "工信",
    "经信",
    "民政",
    "财政",
    "商务",
    "审计",
    "退役军人",
    "人防",
    "气象",
    "粮食",
    "档案",
    "体育",
    "文体",
    "文旅",
    "广电",
    "民族宗教",
    "烟草",
)


@dataclass(frozen=True)
class GroupRule:
    """How a group's membership is kept: automatic kinds/keywords, or hand-picked."""

    kinds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    prefix: str = ""
    selective: bool = False
    excluded: tuple[int, ...] = field(default=())
    # a city's "各区县司法局": the units of the jurisdictions below the group's own whose
    # names end so (each district's 区司法局, each county's 县司法局)
    below: str = ""

    @property
    def automatic(self) -> bool:
        return not self.selective and (bool(self.kinds) or bool(self.below))

    def admits(self, name: str, kind: str) -> bool:
        """Whether a unit joins the group automatically."""
        if not self.automatic:
            return False
        if self.below:
            return name.endswith(self.below)
        if EVERY_KIND not in self.kinds and kind not in self.kinds:
            return False
        if self.prefix and not name.startswith(self.prefix):
            return False
        return not self.keywords or any(word in name for word in self.keywords)

    def describe(self) -> str:
        """A one-line account for the administrator's listing."""
        if not self.automatic:
            return "picked by the coordinator"
        if self.below:
            return f"each jurisdiction below's …{self.below}"
        text = "every unit" if EVERY_KIND in self.kinds else "every " + "/".join(self.kinds)
        if self.prefix:
            text += f" named {self.prefix}…"
        if self.keywords:
            shown = "/".join(self.keywords[:5])
            text += f" whose name has {shown}{'/…' if len(self.keywords) > 5 else ''}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kinds": list(self.kinds),
            "keywords": list(self.keywords),
            "prefix": self.prefix,
            "selective": self.selective,
            "excluded": sorted(self.excluded),
            **({"below": self.below} if self.below else {}),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> GroupRule:
        return cls(
            kinds=tuple(raw.get("kinds", ())),
            keywords=tuple(raw.get("keywords", ())),
            prefix=str(raw.get("prefix", "")),
            selective=bool(raw.get("selective", False)),
            excluded=tuple(int(value) for value in raw.get("excluded", ())),
            below=str(raw.get("below", "")),
        )


_DEPARTMENTS = (UnitKind.DEPARTMENT.value,)

# Political-legal units (政法单位): the default members of "各政法单位".
POLITICAL_LEGAL_KEYWORDS: tuple[str, ...] = (
    "政法委",
    "法院",
    "检察院",
    "公安",
    "司法局",
    "国家安全",
)

# The groups the built-in statutory calendar binds (scheduling/dates/data/statutory.json). They
# cover every unit of their kinds, whatever the level prefix of its name.
STATUTORY_GROUP_RULES: dict[str, GroupRule] = {
    "全体单位": GroupRule(kinds=(EVERY_KIND,)),
    "区直各部门": GroupRule(kinds=_DEPARTMENTS),
    "各镇办": GroupRule(kinds=(UnitKind.TOWN.value, UnitKind.STREET.value)),
    "政府信息公开工作主管部门": GroupRule(kinds=_DEPARTMENTS, keywords=("政府办",)),
    "各行政执法部门": GroupRule(kinds=_DEPARTMENTS, keywords=ENFORCEMENT_KEYWORDS),
}

# Groups whose default membership is narrower than "every unit of the parser's kinds".
DEFAULT_GROUP_RULES: dict[str, GroupRule] = {
    **STATUTORY_GROUP_RULES,
    "各政法单位": GroupRule(kinds=(EVERY_KIND,), keywords=POLITICAL_LEGAL_KEYWORDS),
}


# "各区县司法局", "各县（市、区）政府": a higher office's name for a unit of each jurisdiction below
_BELOW = re.compile(
    r"^各(?:区县|县区|县市区|区|县|县[（(]市、?区[）)]|区[（(]县[）)]|县[（(]区[）)])"
    r"(?:人民)?(?P<unit>政府|[\u4e00-\u9fff]{2,12}(?:局|委|办|院|部|中心))$"
)
PREFIX_OF_LEVEL = {
    JurisdictionLevel.PROVINCE: "省",
    JurisdictionLevel.CITY: "市",
    JurisdictionLevel.COUNTY: "县",
    JurisdictionLevel.DISTRICT: "区",
    JurisdictionLevel.TOWNSHIP: "镇",
    JurisdictionLevel.STREET: "街道",
}


def below_rule(name: str) -> GroupRule | None:
    """The rule of a name standing for one unit in each jurisdiction below ("各区县司法局")."""
    match = _BELOW.match("".join(name.split()))
    return GroupRule(below=match.group("unit")) if match else None


@dataclass
class GroupRules:
    """Every group's rule by jurisdiction, then name: 区直各部门 of 渭滨区 and of 金台区 are two
    groups, and a rule (a unit removed, a group made hand-picked) of one never applies to the
    other."""

    by_place: dict[int, dict[str, GroupRule]] = field(default_factory=dict)

    def get(self, place: int, name: str) -> GroupRule | None:
        return self.by_place.get(place, {}).get(name)

    def set(self, place: int, name: str, rule: GroupRule) -> None:
        self.by_place.setdefault(place, {})[name] = rule

    def of(self, group: UnitGroup) -> GroupRule | None:
        """The group's rule (None when it has none yet)."""
        return self.get(group.jurisdiction_id, group.name)

    def __contains__(self, name: object) -> bool:
        """Whether a group of that name has a rule in some jurisdiction."""
        return any(name in rules for rules in self.by_place.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "places": {
                str(place): {name: rules[name].to_json() for name in sorted(rules)}
                for place, rules in sorted(self.by_place.items())
                if rules
            }
        }


async def load_rules(session: AsyncSession) -> GroupRules:
    """The stored rules. Rules stored before they were kept per jurisdiction (one per group
    name, `groups`) become the rule of every group of that name, each then its own."""
    entry = await session.get(ConfigEntry, RULES_KEY)
    if entry is None:
        return GroupRules()
    rules = GroupRules()
    for place, named in entry.value.get("places", {}).items():
        for name, raw in named.items():
            rules.set(int(place), name, GroupRule.from_json(raw))
    legacy = entry.value.get("groups", {})
    if legacy:
        for name, place in await session.execute(
            select(UnitGroup.name, UnitGroup.jurisdiction_id).where(UnitGroup.name.in_(legacy))
        ):
            if rules.get(place, name) is None:
                rules.set(place, name, GroupRule.from_json(legacy[name]))
    return rules


async def save_rules(session: AsyncSession, rules: GroupRules, now: datetime) -> bool:
    """Store the rules; writes nothing when they are unchanged (keeps re-imports idempotent)."""
    value = rules.to_json()
    entry = await session.get(ConfigEntry, RULES_KEY)
    if entry is not None and entry.value == value:
        return False
    if entry is None:
        session.add(ConfigEntry(key=RULES_KEY, value=value, updated_at=now))
    else:
        entry.value = value
        entry.updated_at = now
    await session.flush()
    return True


async def _ensure_below(
    session: AsyncSession, tree: Tree, place: int, ending: str, now: datetime
) -> None:
    """Each jurisdiction right below `place` gets the unit a "各区县…" name means (区司法局)
    when it has none yet, so the higher office's duty reaches it."""
    for child in tree.children(place):
        found = await session.scalar(
            select(Unit.id)
            .where(Unit.jurisdiction_id == child.id, Unit.name.endswith(ending))
            .limit(1)
        )
        if found is None:
            name = PREFIX_OF_LEVEL[child.level] + ending
            session.add(
                Unit(
                    jurisdiction_id=child.id,
                    name=name,
                    kind=UnitKind(classify(name).value),
                    jurisdiction=child.name,
                    created_at=now,
                )
            )
    await session.flush()


def exclude(rule: GroupRule, unit_ids: Iterable[int]) -> GroupRule:
    return replace(rule, excluded=tuple(sorted({*rule.excluded, *unit_ids})))


def include(rule: GroupRule, unit_ids: Iterable[int]) -> GroupRule:
    wanted = set(unit_ids)
    return replace(rule, excluded=tuple(sorted(set(rule.excluded) - wanted)))


async def sync_members(
    session: AsyncSession, rules: GroupRules, now: datetime | None = None
) -> dict[int, set[int]]:
    """Add every unit a rule admits to its group; returns group id → unit ids added.

    A group takes units of its own jurisdiction only: 区直各部门 of 杨陵区 are 杨陵区's, by
    杨陵区's rule."""
    groups = [
        (group_id, place, rule)
        for name, group_id, place in await session.execute(
            select(UnitGroup.name, UnitGroup.id, UnitGroup.jurisdiction_id)
        )
        if (rule := rules.get(place, name)) is not None
    ]
    tree = await load_tree(session)
    for _group_id, place, rule in groups:
        if rule.below and now is not None:
            await _ensure_below(session, tree, place, rule.below, now)
    units = list(await session.execute(select(Unit.id, Unit.name, Unit.kind, Unit.jurisdiction_id)))
    current: dict[int, set[int]] = {}
    for group_id, unit_id in await session.execute(
        select(UnitGroupMember.group_id, UnitGroupMember.unit_id)
    ):
        current.setdefault(group_id, set()).add(unit_id)
    added: dict[int, set[int]] = {}
    for group_id, place, rule in groups:
        have = current.get(group_id, set())
        places = tree.below(place) - {place} if rule.below else {place}
        for unit_id, unit_name, kind, unit_place in units:
            if unit_place not in places or unit_id in have or unit_id in rule.excluded:
                continue
            if rule.admits(unit_name, str(kind)):
                session.add(UnitGroupMember(group_id=group_id, unit_id=unit_id))
                added.setdefault(group_id, set()).add(unit_id)
    if added:
        await session.flush()
    return added


async def drop_by_kind(
    session: AsyncSession, rules: GroupRules, unit_id: int, kind: str
) -> list[int]:
    """Take a unit out of the automatic groups its new kind no longer admits (its kind was
    corrected: a party organ is not one of "区直各部门"); returns the group ids left."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return []
    left: list[int] = []
    joined = select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id == unit_id)
    for group in await session.scalars(select(UnitGroup).where(UnitGroup.id.in_(joined))):
        rule = rules.of(group)
        if rule is None or not rule.automatic or rule.admits(unit.name, kind):
            continue
        result = await session.execute(
            delete(UnitGroupMember).where(
                UnitGroupMember.group_id == group.id, UnitGroupMember.unit_id == unit_id
            )
        )
        if result.rowcount:
            left.append(group.id)
    return left
