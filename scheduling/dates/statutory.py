"""The built-in statutory calendar: national recurring duties, whoever's plan is imported.

Entries live in `scheduling/dates/data/statutory.json` (read through importlib.resources, so an
installed copy finds them). Each binds unit groups ("各行政执法部门", "区直各部门", "全体单位")
that the coordinator maps to units. A deployment can switch an entry off, re-date it or re-bind
it with a `StatutoryOverride`; storing those overrides is the caller's business.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from scheduling.dates.model import Rule, RuleKind, check_params

GROUPS = ("各行政执法部门", "区直各部门", "各镇办", "政府信息公开工作主管部门", "全体单位")
CERTAINTIES = ("certain", "likely", "uncertain")


@dataclass(frozen=True)
class StatutoryEntry:
    """One national duty: what, for whom, when, and the rule it rests on."""

    key: str
    title_zh: str
    title_en: str
    phrase: str
    kind: RuleKind
    params: dict[str, Any] = field(hash=False)
    groups: tuple[str, ...]
    cites_zh: str
    cites_en: str
    enabled: bool = True
    source: str = ""  # where the cited text was read
    certainty: str = "certain"  # certain / likely / uncertain: how sure the citation is
    local: bool = False  # a local rule, not a national one: off unless switched on

    def title(self, locale: str) -> str:
        return self.title_zh if locale.startswith("zh") else self.title_en

    def cites(self, locale: str) -> str:
        return self.cites_zh if locale.startswith("zh") else self.cites_en

    def rule(self) -> Rule:
        """The entry as a schedule rule, phrased in the statute's own words."""
        return Rule(self.kind, self.phrase, dict(self.params))


@dataclass(frozen=True)
class StatutoryOverride:
    """A deployment's change to one entry; None leaves a field as built in.

    `params` is merged over the built-in params (re-dating: {"month": 2, "day": 28}); with
    `replace_params` it replaces them, which together with `kind` can change the rule's shape.
    """

    key: str
    enabled: bool | None = None
    kind: RuleKind | str | None = None
    params: Mapping[str, Any] | None = None
    replace_params: bool = False
    groups: tuple[str, ...] | None = None


class StatutoryError(ValueError):
    """The data file or an override is not usable."""


@cache
def _data() -> dict[str, Any]:
    text = resources.files("scheduling.dates.data").joinpath("statutory.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _entry(raw: Mapping[str, Any]) -> StatutoryEntry:
    entry = StatutoryEntry(
        key=raw["key"],
        title_zh=raw["title"]["zh_CN"],
        title_en=raw["title"]["en"],
        phrase=raw["phrase"],
        kind=RuleKind(raw["kind"]),
        params=dict(raw["params"]),
        groups=tuple(raw["groups"]),
        cites_zh=raw["cites"]["zh_CN"],
        cites_en=raw["cites"]["en"],
        enabled=bool(raw.get("enabled", True)),
        source=str(raw.get("source", "")),
        certainty=str(raw.get("certainty", "certain")),
        local=bool(raw.get("local", False)),
    )
    check_params(entry.kind, entry.params)
    if entry.certainty not in CERTAINTIES:
        raise StatutoryError(f"{entry.key}: unknown certainty {entry.certainty!r}")
    return entry


def _apply(entry: StatutoryEntry, override: StatutoryOverride) -> StatutoryEntry:
    kind = RuleKind(override.kind) if override.kind is not None else entry.kind
    params = dict(entry.params)
    if override.params is not None:
        params = dict(override.params) if override.replace_params else {**params, **override.params}
    try:
        check_params(kind, params)
    except ValueError as exc:
        raise StatutoryError(f"override of {entry.key!r}: {exc}") from exc
    if override.groups is not None and not override.groups:
        raise StatutoryError(f"override of {entry.key!r} binds no group")
    return replace(
        entry,
        kind=kind,
        params=params,
        groups=tuple(override.groups) if override.groups is not None else entry.groups,
        enabled=override.enabled if override.enabled is not None else entry.enabled,
    )


def profiles() -> dict[str, str]:
    """The province profiles the data defines, with what each changes (in Chinese)."""
    return {name: raw["about"]["zh_CN"] for name, raw in _data().get("profiles", {}).items()}


def profile_overrides(profile: str) -> list[StatutoryOverride]:
    """A profile's overrides (a province's earlier internal dates); [] for "national"."""
    raw = _data().get("profiles", {}).get(profile)
    if raw is None:
        raise StatutoryError(
            f"unknown statutory profile {profile!r} (one of {', '.join(profiles())})"
        )
    return [
        StatutoryOverride(
            key=item["key"],
            kind=item.get("kind"),
            params=item.get("params"),
            replace_params=bool(item.get("replace_params", False)),
        )
        for item in raw.get("overrides", [])
    ]


def load_statutory(
    overrides: Iterable[StatutoryOverride] = (), profile: str = "national"
) -> list[StatutoryEntry]:
    """Every entry, switched-off ones included, with the profile's and then the deployment's
    overrides applied in order."""
    entries = {raw["key"]: _entry(raw) for raw in _data()["entries"]}
    for override in [*profile_overrides(profile), *overrides]:
        if override.key not in entries:
            raise StatutoryError(f"no statutory entry {override.key!r}")
        entries[override.key] = _apply(entries[override.key], override)
    return list(entries.values())


def active_statutory(overrides: Iterable[StatutoryOverride] = ()) -> list[StatutoryEntry]:
    """The entries that should produce reminders."""
    return [entry for entry in load_statutory(overrides) if entry.enabled]


def constitution_weeks(
    extra: Mapping[int, tuple[date, date]] | None = None,
) -> dict[int, tuple[date, date]]:
    """Announced Constitution Week dates by year (extra ones, e.g. this year's, win)."""
    table = {
        int(year): (date.fromisoformat(first), date.fromisoformat(last))
        for year, (first, last) in _data()["constitution_weeks"]["years"].items()
    }
    table.update(extra or {})
    return table


def constitution_week(
    year: int, table: Mapping[int, tuple[date, date]] | None = None
) -> tuple[date, date]:
    """The week for a year: as announced, else the usual 1–7 December."""
    if table is None:
        table = constitution_weeks()
    if year in table:
        return table[year]
    first, last = _data()["constitution_weeks"]["default"]
    return (
        date.fromisoformat(f"{year:04d}-{first}"),
        date.fromisoformat(f"{year:04d}-{last}"),
    )
