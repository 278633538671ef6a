"""A synthetic city, generated deterministically: units, liaisons, coordinators, plans, duties,
five years of occurrences and assignments, and the outbox those years leave behind.

Rows come out as plain tuples in column order (`TABLES`); `tests/perf/loading.py` writes them
in bulk. Past reminders are `sent`, future ones `planned` (or `cancelled` when the assignment
is already closed), like an outbox after five years of service.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.perf.scale import Scale

ZONE = ZoneInfo("Asia/Shanghai")
LEAD_DAYS = (14, 7, 3, 1, 0)
LIAISON_BASE = 7_000_001
COORDINATOR_BASE = 7_900_001
SEED = 9
DEPARTMENTS = (
    "司法局",
    "财政局",
    "教育局",
    "公安分局",
    "市场监督管理局",
    "生态环境分局",
    "卫生健康局",
    "住房和城乡建设局",
    "交通运输局",
    "文化和旅游局",
)
CLOSED = frozenset({"done", "waived", "cancelled"})
CITY_NAME = "示范市"
DISTRICT_NAMES = (
    "城关区",
    "东湖区",
    "西山区",
    "南湖区",
    "北塘区",
    "高新区",
    "江北区",
    "江南区",
    "新城区",
    "临河区",
    "青山区",
    "云溪县",
)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    """A table's name and its (column, kind) pairs; kind says how a loader encodes it."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _kind in self.columns]


def _table(name: str, spec: str) -> Table:
    columns = tuple(
        (part.split(":")[0], part.split(":")[1] if ":" in part else "str") for part in spec.split()
    )
    return Table(name, columns)


TABLES = {
    t.name: t
    for t in (
        _table("jurisdictions", "id:int name level parent_id:int created_at:dt"),
        _table("units", "id:int jurisdiction_id:int name kind needs_review:bool created_at:dt"),
        _table(
            "members",
            "id:int telegram_user_id:int chat_id:int name reachable:bool created_at:dt",
        ),
        _table(
            "bindings",
            "id:int member_id:int unit_id:int role jurisdiction_id:int chat_id:int active:bool "
            "created_at:dt",
        ),
        _table(
            "plans",
            "id:int jurisdiction_id:int plan_key title issuer year_from:int year_to:int "
            "is_statutory:bool imported_at:dt updated_at:dt",
        ),
        _table(
            "duties",
            "id:int plan_id:int number position:int section_path:json text review:json "
            "active:bool created_at:dt updated_at:dt",
        ),
        _table("duty_units", "id:int duty_id:int role unit_id:int raw_name"),
        _table(
            "schedule_rules",
            "id:int duty_id:int kind phrase params:json repaired:bool enabled:bool created_at:dt",
        ),
        _table(
            "occurrences",
            "id:int duty_id:int rule_id:int period_key period_start:date period_end:date "
            "window_start:date due_date:date created_at:dt",
        ),
        _table(
            "assignments",
            "id:int occurrence_id:int unit_id:int role due_date:date status "
            "progress_count:int status_changed_at:dt created_at:dt",
        ),
        _table(
            "reminders",
            "id:int dedupe_key kind assignment_id:int member_id:int chat_id:int planned_at:dt "
            "state attempts:int send_after:dt sent_at:dt telegram_message_id:int payload:json "
            "created_at:dt",
        ),
    )
}
LOAD_ORDER = (
    "jurisdictions",
    "units",
    "members",
    "bindings",
    "plans",
    "duties",
    "duty_units",
    "schedule_rules",
    "occurrences",
    "assignments",
    "reminders",
)


@dataclass(frozen=True)
class Occ:
    id: int
    duty_id: int
    units: tuple[tuple[int, str], ...]
    due: date


class City:
    """Generates every table of one deployment for `scale`, as of `now`."""

    def __init__(self, scale: Scale, now: datetime) -> None:
        self.scale = scale
        self.now = now.astimezone(UTC)
        self.today = self.now.astimezone(ZONE).date()
        self.first_year = self.today.year - 3
        self.last_year = self.first_year + scale.years - 1
        self.rng = random.Random(SEED)
        self._duty_units: dict[int, tuple[tuple[int, str], ...]] = {}
        self._occurrences: list[Occ] = []
        self._assignments: list[tuple[int, int, date, str]] = []
        # jurisdiction 1 is the one the migration makes; a city's districts are 2, 3, …
        self.places = scale.districts + 1
        self.units_of: dict[int, list[int]] = {}
        for n in range(scale.units):
            self.units_of.setdefault(self.place_of_unit(n + 1), []).append(n + 1)

    # ---- the city and its districts --------------------------------------------------------
    def place_of_unit(self, unit_id: int) -> int:
        """The jurisdiction of a unit: the city's own and each district's in turn."""
        return 1 + (unit_id - 1) % self.places

    def jurisdictions(self) -> Iterator[Row]:
        """The districts under jurisdiction 1 (renamed to the city after the load)."""
        for k in range(self.scale.districts):
            name = DISTRICT_NAMES[k] if k < len(DISTRICT_NAMES) else f"第{k + 1}区"
            level = "county" if name.endswith("县") else "district"
            yield (k + 2, name, level, 1, self.now)

    def coordinator_place(self, k: int) -> int:
        """Where coordinator k works: the first few at the city, the rest in the districts."""
        city_share = max(1, self.scale.coordinators // 5) if self.scale.districts else 0
        if k < city_share or not self.scale.districts:
            return 1
        return 2 + (k - city_share) % self.scale.districts

    # ---- people ---------------------------------------------------------------------------
    def units(self) -> Iterator[Row]:
        """One jurisdiction's units, or a city's: the same names in every district (杨陵区's
        区司法局 and 下陆区's are two units)."""
        kinds = ("department",) * 8 + ("town", "street")
        for n in range(self.scale.units):
            place = self.place_of_unit(n + 1)
            if self.scale.districts:
                k = n // self.places
                name = f"{DEPARTMENTS[k % len(DEPARTMENTS)]}（{k // len(DEPARTMENTS) + 1}）"
            else:
                name = f"第{n // len(DEPARTMENTS) + 1}区{DEPARTMENTS[n % len(DEPARTMENTS)]}"
            yield (n + 1, place, name, kinds[n % len(kinds)], False, self.now)

    def liaison_chat(self, unit_id: int, k: int) -> int:
        return LIAISON_BASE + (unit_id - 1) * self.scale.liaisons_per_unit + k

    def liaison_member(self, unit_id: int, k: int) -> int:
        return (unit_id - 1) * self.scale.liaisons_per_unit + k + 1

    def coordinator_chats(self) -> list[int]:
        return [COORDINATOR_BASE + k for k in range(self.scale.coordinators)]

    def liaison_chats(self) -> list[int]:
        return [LIAISON_BASE + n for n in range(self.scale.liaisons)]

    def members(self) -> Iterator[Row]:
        for n in range(self.scale.liaisons):
            yield (n + 1, LIAISON_BASE + n, LIAISON_BASE + n, f"联络员{n + 1}", True, self.now)
        for k, chat in enumerate(self.coordinator_chats()):
            member_id = self.scale.liaisons + k + 1
            yield (member_id, chat, chat, f"协调员{k + 1}", True, self.now)

    def bindings(self) -> Iterator[Row]:
        for n in range(self.scale.liaisons):
            unit_id = n // self.scale.liaisons_per_unit + 1
            yield (n + 1, n + 1, unit_id, "liaison", None, LIAISON_BASE + n, True, self.now)
        for k, chat in enumerate(self.coordinator_chats()):
            member_id = self.scale.liaisons + k + 1
            place = self.coordinator_place(k)
            yield (member_id, member_id, None, "coordinator", place, chat, True, self.now)

    # ---- plans and duties -----------------------------------------------------------------
    def plans(self) -> Iterator[Row]:
        for p in range(self.scale.plans):
            title = (
                f"第{p + 1}号法治政府建设重要举措分工方案（{self.first_year}—{self.last_year}年）"
            )
            place = self.place_of_plan(p + 1)
            yield (
                p + 1,
                place,
                f"bench-{p + 1}",
                title,
                "市人民政府办公室" if self.scale.districts and place == 1 else "区人民政府办公室",
                self.first_year,
                self.last_year,
                False,
                self.now,
                self.now,
            )

    def place_of_plan(self, plan_id: int) -> int:
        return 1 + (plan_id - 1) % self.places

    def _plan_of(self, duty_index: int) -> tuple[int, int]:
        per_plan = -(-self.scale.duties // self.scale.plans)
        return duty_index // per_plan + 1, duty_index % per_plan + 1

    def duties(self) -> Iterator[Row]:
        for d in range(self.scale.duties):
            plan_id, position = self._plan_of(d)
            text = (
                f"第{position}项：健全重大行政决策程序，按规定公开本机关执法情况和年度报告，"
                f"按时向区委依法治区办报送落实情况（任务编号{d + 1}）。"
            )
            yield (d + 1, plan_id, str(position), position, [], text, [], True, self.now, self.now)

    def duty_units(self) -> Iterator[Row]:
        link_id = 0
        for d in range(self.scale.duties):
            place = self.place_of_plan(self._plan_of(d)[0])
            # a district's plan names its own units; the city's reaches every district's
            # (as "各区县司法局" does)
            pool = self.units_of[place] if place != 1 else range(1, self.scale.units + 1)
            picked = self.rng.sample(pool, min(3, len(pool)))
            roles = ("lead",) + ("responsible",) * (len(picked) - 1)
            self._duty_units[d + 1] = tuple(zip(picked, roles, strict=True))
            for unit_id, role in self._duty_units[d + 1]:
                link_id += 1
                yield (link_id, d + 1, role, unit_id, f"单位{unit_id}")

    def _rule_for(self, duty_id: int) -> tuple[str, str, dict[str, Any]]:
        roll = self.rng.random()
        if roll < 0.35:
            year = self.rng.randint(self.first_year, self.last_year)
            month = self.rng.randint(1, 12)
            due = _month_end(year, month)
            return "one_off", f"{year}年{month}月底前", {"due": due.isoformat()}
        if roll < 0.80:
            month = self.rng.choice((1, 3, 6, 9, 12))
            day = _month_end(2001, month).day
            return "yearly_date", f"每年{month}月{day}日前", {"month": month, "day": day}
        if roll < 0.90:
            return "periodic", "每季度", {"period": "quarter"}
        return (
            "yearly_window",
            "每年第一季度",
            {"start_month": 1, "end_month": 3, "window": "first_quarter"},
        )

    def schedule_rules(self) -> Iterator[Row]:
        self._rules: dict[int, tuple[str, dict[str, Any]]] = {}
        for d in range(self.scale.duties):
            kind, phrase, params = self._rule_for(d + 1)
            self._rules[d + 1] = (kind, params)
            yield (d + 1, d + 1, kind, phrase, params, False, True, self.now)

    def _periods(
        self, kind: str, params: dict[str, Any]
    ) -> Iterator[tuple[str, date, date, date | None]]:
        """(period key, period start, due date, window start) of one rule over the years."""
        if kind == "one_off":
            due = date.fromisoformat(params["due"])
            yield "once", date(due.year, 1, 1), due, None
            return
        for year in range(self.first_year, self.last_year + 1):
            if kind == "yearly_date":
                due = date(year, params["month"], params["day"])
                yield str(year), date(year, 1, 1), due, None
            elif kind == "yearly_window":
                yield str(year), date(year, 1, 1), date(year, 3, 31), date(year, 1, 1)
            else:
                for quarter in range(1, 5):
                    due = _month_end(year, quarter * 3)
                    yield f"{year}Q{quarter}", date(year, quarter * 3 - 2, 1), due, None

    def occurrences(self) -> Iterator[Row]:
        occ_id = 0
        for d in range(1, self.scale.duties + 1):
            kind, params = self._rules[d]
            for key, start, due, window in self._periods(kind, params):
                occ_id += 1
                self._occurrences.append(Occ(occ_id, d, self._duty_units[d], due))
                yield (occ_id, d, d, key, start, due, window, due, self.now)

    # ---- assignments and the outbox --------------------------------------------------------
    def _status(self, due: date) -> str:
        roll = self.rng.random()
        if due < self.today:
            return "done" if roll < 0.85 else "open" if roll < 0.93 else "in_progress"
        if roll < 0.80:
            return "open"
        return "in_progress" if roll < 0.92 else "done" if roll < 0.97 else "blocked"

    def assignments(self) -> Iterator[Row]:
        assignment_id = 0
        for occ in self._occurrences:
            for unit_id, role in occ.units:
                assignment_id += 1
                status = self._status(occ.due)
                changed = None
                if status != "open":
                    changed = _at_nine(occ.due - timedelta(days=self.rng.randint(0, 20)))
                self._assignments.append((assignment_id, unit_id, occ.due, status))
                yield (assignment_id, occ.id, unit_id, role, occ.due, status, 0, changed, self.now)

    def reminders(self) -> Iterator[Row]:
        """Lead reminders for every liaison of every assignment, thinned evenly to exactly
        `scale.reminders` rows."""
        per_assignment = self.scale.liaisons_per_unit * len(LEAD_DAYS)
        candidates = len(self._assignments) * per_assignment
        wanted = min(self.scale.reminders, candidates)
        index = 0
        reminder_id = 0
        for assignment_id, unit_id, due, status in self._assignments:
            for k in range(self.scale.liaisons_per_unit):
                chat = self.liaison_chat(unit_id, k)
                member = self.liaison_member(unit_id, k)
                for lead in LEAD_DAYS:
                    keep = (index + 1) * wanted // candidates > index * wanted // candidates
                    index += 1
                    if not keep:
                        continue
                    reminder_id += 1
                    yield self._reminder(
                        reminder_id, assignment_id, member, chat, due, lead, status
                    )

    def _reminder(
        self, rid: int, aid: int, member: int, chat: int, due: date, lead: int, status: str
    ) -> Row:
        planned = _at_nine(due - timedelta(days=lead))
        kind = "due" if lead == 0 else "lead"
        key = f"a{aid}:{kind}:{planned:%Y%m%dT%H%M}:c{chat}"
        if planned < self.now:
            state, sent_at, message_id, attempts = "sent", planned + timedelta(seconds=3), rid, 1
        else:
            state = "cancelled" if status in CLOSED else "planned"
            sent_at, message_id, attempts = None, None, 0
        return (
            rid,
            key,
            kind,
            aid,
            member,
            chat,
            planned,
            state,
            attempts,
            planned,
            sent_at,
            message_id,
            {"lead_days": lead},
            self.now,
        )

    def rows(self, table: str) -> Iterator[Row]:
        """The rows of one table; tables must be asked for in LOAD_ORDER."""
        return getattr(self, table)()


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), ZONE).astimezone(UTC)
