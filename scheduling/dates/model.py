"""The schedule rule: what a duty's words say about when it is due.

Kept free of database and chat types so the importer, the CLI and the tests share it; `kind`
is `storage.enums.RuleKind`, the one definition the database stores too, so a rule stores as-is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from scheduling.dates.actions import ACTIONS
from scheduling.dates.explain import explain_rule
from storage.enums import RuleKind

if TYPE_CHECKING:
    from scheduling.dates.wording import Translator


RECURRING_KINDS = frozenset(
    {
        RuleKind.YEARLY_DATE,
        RuleKind.YEARLY_WINDOW,
        RuleKind.YEARLY_EVENT,
        RuleKind.PERIODIC,
        RuleKind.YEARLY_COUNT,
        RuleKind.ONGOING,
    }
)

PERIODS = ("month", "quarter", "half_year", "year")
EVENTS = ("constitution_day", "constitution_week")
COVERS = ("previous_year", "current_year")
YEAR_SOURCES = ("explicit", "plan", "plan_start", "plan_next", "plan_start_next")


@dataclass(frozen=True)
class Rule:
    """One schedule rule read from a duty (or supplied by the statutory calendar).

    `phrase` is the exact substring of the duty text the rule came from ("" for the default
    check-in of a duty with no date), so a user can check the reading against the source.
    `also` lists further phrases in the same text that said the same thing (merged, so one duty
    is not reminded twice). `params` is JSON-able; its shape per kind is checked by
    `check_params`.
    """

    kind: RuleKind
    phrase: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    repaired: bool = False
    also: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", RuleKind(self.kind))
        check_params(self.kind, self.params)

    def explain(self, translator: Translator) -> str:
        """The phrase and its reading, e.g. "每年1月31日前 → every year by January 31"."""
        return explain_rule(self, translator)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for storage or export."""
        return {
            "kind": str(self.kind),
            "phrase": self.phrase,
            "params": dict(self.params),
            "repaired": self.repaired,
            "also": list(self.also),
        }

    @property
    def starts(self) -> date | None:
        """The start bound ("2020年起"), if the duty has one."""
        value = self.params.get("starts")
        return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class IgnoredPhrase:
    """A dated-looking phrase deliberately not read as a deadline, and why (for coverage)."""

    phrase: str
    start: int
    end: int
    reason: str


def _require(params: Mapping[str, Any], key: str, kind: str, types: type | tuple[type, ...]) -> Any:
    if key not in params:
        raise ValueError(f"{kind} rule needs params[{key!r}]")
    value = params[key]
    if not isinstance(value, types) or isinstance(value, bool) and types is int:
        raise ValueError(f"{kind} rule: params[{key!r}] has the wrong type ({value!r})")
    return value


def _check_iso(params: Mapping[str, Any], key: str, kind: str, *, required: bool) -> None:
    if key not in params:
        if required:
            raise ValueError(f"{kind} rule needs params[{key!r}]")
        return
    try:
        date.fromisoformat(params[key])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{kind} rule: params[{key!r}] is not an ISO date") from exc


def _check_month_day(month: int, day: int, kind: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"{kind} rule: month {month} out of range")
    if not 1 <= day <= 31:  # checked before date(), which overflows on a huge day
        raise ValueError(f"{kind} rule: day {day} out of range")
    # 2000 is a leap year, so 29 February is accepted here and clamped per year later.
    date(2000, month, day)


def check_params(kind: RuleKind | str, params: Mapping[str, Any]) -> None:
    """Refuse params a later stage could not schedule, so bad data fails at the door."""
    kind = RuleKind(kind)
    _check_iso(params, "starts", kind, required=False)
    if kind is RuleKind.ONE_OFF:
        _check_iso(params, "due", kind, required=True)
        _check_iso(params, "window_start", kind, required=False)
        source = params.get("year_source", "explicit")
        if source not in YEAR_SOURCES:
            raise ValueError(f"{kind} rule: unknown year_source {source!r}")
    elif kind is RuleKind.YEARLY_DATE:
        month = _require(params, "month", kind, int)
        day = _require(params, "day", kind, int)
        _check_month_day(month, day, kind)
    elif kind is RuleKind.YEARLY_WINDOW:
        start = _require(params, "start_month", kind, int)
        end = _require(params, "end_month", kind, int)
        _require(params, "window", kind, str)
        if not 1 <= start <= end <= 12:
            raise ValueError(f"{kind} rule: months {start}..{end} are not a window")
    elif kind is RuleKind.YEARLY_EVENT:
        event = _require(params, "event", kind, str)
        if event not in EVENTS:
            raise ValueError(f"{kind} rule: unknown event {event!r}")
        if event == "constitution_day":
            _check_month_day(params.get("month", 12), params.get("day", 4), kind)
    elif kind in (RuleKind.PERIODIC, RuleKind.ONGOING):
        period = params.get("period", "quarter") if kind is RuleKind.ONGOING else None
        if kind is RuleKind.PERIODIC:
            period = _require(params, "period", kind, str)
        if period not in PERIODS:
            raise ValueError(f"{kind} rule: unknown period {period!r}")
        every = params.get("every", 1)
        if not isinstance(every, int) or every < 1 or (every > 1 and period != "year"):
            raise ValueError(f"{kind} rule: 'every' must be 1, or N years")
        if "day" in params:  # "每月10日前": due on that day of every month
            day = _require(params, "day", kind, int)
            if kind is not RuleKind.PERIODIC or period != "month" or every != 1:
                raise ValueError(f"{kind} rule: a due day is only read for every month")
            if not 1 <= day <= 31:
                raise ValueError(f"{kind} rule: day {day} out of range")
    elif kind is RuleKind.YEARLY_COUNT:
        target = _require(params, "target", kind, int)
        if target < 1:
            raise ValueError(f"{kind} rule: target must be at least 1")
        _require(params, "unit_noun", kind, str)
        if params.get("holder", "body") != "body":
            raise ValueError(f"{kind} rule: unknown holder {params['holder']!r}")
        tier = params.get("tier")
        if tier is not None and (not isinstance(tier, str) or not tier.strip()):
            raise ValueError(f"{kind} rule: a tier is a name")
    elif kind is RuleKind.EVENT_RELATIVE:
        days = _require(params, "days", kind, int)
        if days < 0:
            raise ValueError(f"{kind} rule: days must not be negative")
        _require(params, "working_days", kind, bool)
        _require(params, "trigger", kind, str)
    covers = params.get("covers")
    if covers is not None and covers not in COVERS:
        raise ValueError(f"{kind} rule: unknown covers {covers!r}")
    action = params.get("action")
    if action is not None and action not in ACTIONS:
        raise ValueError(f"{kind} rule: unknown action {action!r}")
