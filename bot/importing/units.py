"""Unit names: aliases, collective groups, kind guesses, and what counts as a plausible name.

A plan names the same unit several ways ("区市场监管局" / "区市场监督管理局", "司法局" right
after "区行政审批局、") and uses collective expressions ("区直各部门", "各街办") that stand for a
group of units. The directory turns each printed name into a canonical unit, a named group, or
"unknown" — it never guesses a merge it cannot justify from the alias table below.

Canonical unit names keep the plan's own level prefix: in 宝应县 "县司法局" stays "县司法局";
a bare "司法局" in a district plan becomes "区司法局", and party organs ("组织部", "政法委")
get the party-committee prefix ("区委组织部", "区委政法委").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.importing.unit_kinds import classify
from storage.enums import UnitKind

LEVELS = ("区", "县", "市", "旗", "省", "自治区", "州", "盟", "地区", "镇", "乡", "街道")


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What one printed name resolved to: a unit, a named group, or nothing we recognise."""

    printed: str
    kind: Literal["unit", "group", "unknown"]
    name: str
    unit_kind: UnitKind | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """A collective expression's target: which kinds of units it covers.

    `selective` groups ("有关部门", "相关部门") cover only the relevant members, which a
    coordinator has to pick; non-selective ones ("各部门") cover all members of those kinds.
    Names and aliases are templates: ``{J}`` is the plan's level character.
    """

    name: str
    member_kinds: tuple[UnitKind, ...]
    selective: bool
    aliases: tuple[str, ...]


_D = (UnitKind.DEPARTMENT,)
GROUPS: tuple[Group, ...] = (
    Group(
        "{J}直各部门",
        _D,
        False,
        ("{J}直各部门", "{J}级各部门", "{J}各部门", "各部门", "{J}直各单位", "{J}级各单位"),
    ),
    Group(
        "{J}直有关部门",
        _D,
        True,
        (
            "{J}直有关部门",
            "{J}直相关部门",
            "{J}级有关部门",
            "{J}级相关部门",
            "{J}各有关部门",
            "{J}各相关部门",
            "各有关部门",
            "各相关部门",
            "有关部门",
            "相关部门",
            "{J}级有关部门、单位",
            "{J}直有关部门、单位",
            "有关部门、单位",
            "各有关部门、单位",
            "{J}直有关单位",
            "有关单位",
        ),
    ),
    Group("{J}政府各部门", _D, False, ("{J}政府各部门", "{J}政府各工作部门")),
    Group("{J}政府有关部门", _D, True, ("{J}政府有关部门", "{J}政府相关部门")),
    Group(
        "各街道",
        (UnitKind.STREET,),
        False,
        ("各街道", "各街办", "街办", "街道", "各街道办事处", "各街道办"),
    ),
    Group(
        "各镇办",
        (UnitKind.TOWN, UnitKind.STREET),
        False,
        ("各镇办", "镇办", "各镇政府", "各镇人民政府", "各镇", "各乡镇", "各乡镇政府", "各镇街"),
    ),
    Group(
        "各镇区",
        (UnitKind.TOWN, UnitKind.GOVERNMENT, UnitKind.COMMITTEE),
        False,
        ("各镇区", "镇区", "各镇（区）"),
    ),
    Group(
        "各行政执法部门",
        _D,
        True,
        (
            "各行政执法部门",
            "行政执法部门",
            "各执法部门",
            "{J}直其他行政执法部门",
            "{J}直相关行政执法部门",
            "{J}直各行政执法部门",
            "其他行政执法部门",
        ),
    ),
    Group("其他部门", _D, True, ("其他部门", "其他有关部门", "其他相关部门", "其他单位")),
    Group("各政法单位", _D, False, ("各政法单位", "政法各单位", "各政法部门")),
    Group(
        "各单位党委（党组）",
        (
            UnitKind.DEPARTMENT,
            UnitKind.PARTY,
            UnitKind.CONGRESS,
            UnitKind.JUDICIAL,
            UnitKind.MASS,
            UnitKind.INSTITUTION,
            UnitKind.TOWN,
            UnitKind.STREET,
            UnitKind.COMMITTEE,
        ),
        False,
        ("各单位党委（党组）", "各级党委（党组）", "各单位党组（党委）"),
    ),
)

# Core names (without the level prefix) that mean the same unit. Only spellings the seed
# documents actually use, plus their official long forms.
CORE_ALIASES: dict[str, str] = {
    "市场监管局": "市场监督管理局",
    "发改局": "发展和改革局",
    "发改委": "发展和改革局",
    "发展改革委": "发展和改革局",
    "发展改革局": "发展和改革局",
    "发展和改革委员会": "发展和改革局",
    "卫健局": "卫生健康局",
    "卫健委": "卫生健康局",
    "卫生健康委": "卫生健康局",
    "卫生健康委员会": "卫生健康局",
    "人社局": "人力资源和社会保障局",
    "人力社保局": "人力资源和社会保障局",
    "生态局": "生态环境局",
    "应急局": "应急管理局",
    "政府办": "政府办公室",
    "办": "办公室",
    "人大办": "人大常委会办公室",
    "人大": "人大常委会",
    "纪委监委机关": "纪委监委",
    "文旅局": "文化和旅游局",
    "文化旅游局": "文化和旅游局",
    "交运局": "交通运输局",
    "交通局": "交通运输局",
    "住建局": "住房和城乡建设局",
}

# Party organs: a bare or level-prefixed mention gets the party-committee prefix ("区委").
PARTY_CORES = frozenset(
    {
        "组织部",
        "宣传部",
        "统战部",
        "政法委",
        "编办",
        "网信办",
        "文明办",
        "党校",
        "巡察办",
        "机要和保密局",
        "办",
        "办公室",
        "依法治区办",
        "依法治县办",
        "依法治市办",
        "政研室",
        "老干部局",
    }
)

_UNIT_SUFFIXES = (
    "局",
    "办",
    "委",
    "部",
    "院",
    "会",
    "中心",
    "室",
    "所",
    "队",
    "站",
    "校",
    "联",
    "处",
    "科",
    "厅",
    "政府",
    "街道",
    "街办",
    "镇",
    "乡",
    "公司",
    "行",
    "人大",
    "政协",
    "机关",
    "小组",
    "庭",
    "馆",
    "社",
    "股",
    "团",
    "组",
)
_NOT_IN_NAMES = re.compile(
    r"[。！？：“”《》\"]|的|要求|需要|要将|要把|将|应当|必须|了|把|对于|进行|通过"
)
_TRAILING_PAREN = re.compile(r"（[^（）]*）$")
# Names of other levels or bodies that never take the plan's prefix ("市" but not "市场…").
_NO_PREFIX_START = re.compile(r"^(人行|中国|国家|省|市(?!场|民)|中共|团|共青团|各)")
_NO_PREFIX_PART = ("支行", "分行", "银行", "公司", "集团", "镇", "乡", "街道")
_NOT_GOVERNMENT = ("支行", "分行", "银行", "公司", "集团")


def _group_aliases(level: str) -> dict[str, Group]:
    table: dict[str, Group] = {}
    for group in GROUPS:
        for alias in group.aliases:
            table[alias.format(J=level)] = group
    return table


_GROUP_TABLES = {level: _group_aliases(level) for level in LEVELS}


def match_group(name: str, level: str | None = None) -> Group | None:
    """The group a collective expression names, for one level or any level."""
    levels = (level,) if level else LEVELS
    for lvl in levels:
        group = _GROUP_TABLES.get(lvl, _GROUP_TABLES["区"]).get(name)
        if group:
            return group
    return None


_COLLECTIVE = re.compile(
    r"^(?:各|全|所有|全体)[\u4e00-\u9fff（）]{0,12}(?:单位|部门|机关|处室|科室|股室|系统|镇|乡|乡镇|街道|"
    r"镇街|村|社区|学校|企业|政府|区县|县区|县市区|市县)$"
)


def is_collective(name: str) -> bool:
    """A name for several units ("各行政复议机关", "全系统各单位"), known group or not."""
    return bool(_COLLECTIVE.match(name))


def looks_like_unit(name: str) -> bool:
    """Whether a fragment could be a unit or group name (as opposed to prose or debris)."""
    if match_group(name) or is_collective(name):
        return True
    if not 2 <= len(name) <= 30 or name[0].isdigit() or _NOT_IN_NAMES.search(name):
        return False
    core = _TRAILING_PAREN.sub("", name)
    return len(core) >= 2 and core.endswith(_UNIT_SUFFIXES)


def guess_kind(name: str, level: str = "区") -> UnitKind:
    """The kind of a unit name (see `unit_kinds`); groups expand by it, so it matters."""
    core = _TRAILING_PAREN.sub("", name)
    if core == f"{level}委":
        return UnitKind.PARTY
    return classify(core)


@dataclass(slots=True)
class UnitEntry:
    """A canonical unit and every printed spelling that resolved to it."""

    name: str
    kind: UnitKind
    aliases: set[str] = field(default_factory=set)


class UnitDirectory:
    """Resolves printed names for one plan's jurisdiction and remembers what it has seen."""

    def __init__(self, level: str = "区", place: str | None = None) -> None:
        self.level = level if level in LEVELS else "区"
        self.place = place
        self._place_core = self._core_of_place(place)
        self._units: dict[str, UnitEntry] = {}
        self._groups_seen: dict[str, set[str]] = {}

    @staticmethod
    def _core_of_place(place: str | None) -> str | None:
        if not place:
            return None
        for level in sorted(LEVELS, key=len, reverse=True):
            if place.endswith(level):
                core = place.removesuffix(level)
                return core if len(core) >= 2 else None
        return place if len(place) >= 2 else None

    def group_name(self, group: Group) -> str:
        """The group's name in this jurisdiction ("{J}直各部门" → "县直各部门")."""
        return group.name.format(J=self.level)

    def canonical(self, printed: str) -> str:
        """The canonical unit name for a printed (non-group) name."""
        name = printed
        if self._place_core and self._place_core in name and name != self._place_core:
            stripped = name.replace(self._place_core + self.level, "", 1)
            if stripped == name:
                stripped = name.replace(self._place_core, "", 1)
            name = stripped
        party = f"{self.level}委"
        if name.startswith(party) and len(name) > len(party):
            prefix, core = party, name[len(party) :]
        elif name.startswith(self.level) and len(name) > len(self.level):
            prefix, core = self.level, name[len(self.level) :]
        elif _NO_PREFIX_START.match(name) or any(p in name for p in _NO_PREFIX_PART):
            return name
        else:
            prefix, core = self.level, name
        core = CORE_ALIASES.get(core, core)
        if core in PARTY_CORES:
            prefix = party
        return prefix + core

    def resolve(self, printed: str) -> UnitRef:
        """Resolve one printed name; unknown-looking fragments come back as kind "unknown"."""
        group = match_group(printed, self.level)
        if group:
            name = self.group_name(group)
            self._groups_seen.setdefault(name, set()).add(printed)
            return UnitRef(printed=printed, kind="group", name=name)
        if not looks_like_unit(printed) or is_collective(printed):
            return UnitRef(printed=printed, kind="unknown", name=printed)
        name = self.canonical(printed)
        kind = guess_kind(name, self.level)
        entry = self._units.setdefault(name, UnitEntry(name=name, kind=kind))
        entry.aliases.add(printed)
        return UnitRef(printed=printed, kind="unit", name=name, unit_kind=kind)

    def units(self) -> list[UnitEntry]:
        """Every canonical unit resolved so far, sorted by name."""
        return sorted(self._units.values(), key=lambda entry: entry.name)

    def groups(self) -> dict[str, set[str]]:
        """Every group resolved so far with the printed expressions that named it."""
        return {name: set(spellings) for name, spellings in sorted(self._groups_seen.items())}

    def group(self, name: str) -> Group | None:
        """The group definition behind a resolved group name."""
        for group in GROUPS:
            if self.group_name(group) == name:
                return group
        return None
