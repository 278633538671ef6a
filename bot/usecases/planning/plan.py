"""Planning: stored rules → occurrences → assignments → reminder rows in the outbox.

Idempotent by construction: occurrences are unique per (rule, period), assignments per
(occurrence, unit), reminders per dedupe key (assignment, kind, planned time, chat), and every
insert skips what exists. Re-planning twice yields the same rows. Occurrences are
materialized from today to a horizon; what fell due before a duty was known is history, not
something to chase.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.dml import Insert

from bot.clock import local_date
from bot.settings import Settings
from scheduling.dates.model import Rule, RuleKind
from scheduling.dates.occurrences import OccurrenceSpec, occurrences
from scheduling.dates.reminder_plan import PlannedReminder, ReminderPolicy, plan_reminders
from scheduling.dates.statutory import constitution_weeks
from scheduling.dates.workdays import WorkdayCalendar
from scheduling.reading.activities import activity_of
from scheduling.reading.count_scope import count_units
from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    ConfigEntry,
    Duty,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    ScheduleRule,
    StatusReport,
    UnitGroup,
    UnitGroupMember,
    UnitRole,
)
from storage.models import RuleKind as StoredRuleKind

DEFAULT_HORIZON_DAYS = 400
OUTBOX_WINDOW = timedelta(days=45)
CONSTITUTION_WEEKS_KEY = "constitution_weeks"


def policy_from_settings(
    settings: Settings, override: dict[str, Any] | None = None
) -> ReminderPolicy:
    """The deployment's reminder policy, with a unit's own overrides applied."""
    values: dict[str, Any] = {
        "lead_days": tuple(settings.lead_days),
        "time_of_day": settings.reminder_time,
        "zone": settings.zone,
        "overdue_every": settings.overdue_every_days,
        "overdue_max": settings.overdue_max_repeats,
    }
    for key in ("lead_days", "overdue_every", "overdue_max", "window_open"):
        if override and key in override:
            values[key] = tuple(override[key]) if key == "lead_days" else override[key]
    return ReminderPolicy(**values)


@dataclass
class PlanningReport:
    occurrences: int = 0
    assignments: int = 0
    reminders: int = 0
    cancelled: int = 0
    revived: int = 0
    fallback_years: set[int] = field(default_factory=set)


async def stored_constitution_weeks(session: AsyncSession) -> dict[int, tuple[date, date]]:
    """Announced weeks (built in) with the coordinator's per-year dates on top."""
    entry = await session.get(ConfigEntry, CONSTITUTION_WEEKS_KEY)
    extra: dict[int, tuple[date, date]] = {}
    if entry is not None:
        for year, (first, last) in entry.value.items():
            extra[int(year)] = (date.fromisoformat(first), date.fromisoformat(last))
    return constitution_weeks(extra)


async def set_constitution_week(
    session: AsyncSession, year: int, first: date, last: date, now: datetime
) -> None:
    entry = await session.get(ConfigEntry, CONSTITUTION_WEEKS_KEY)
    value = dict(entry.value) if entry else {}
    value[str(year)] = [first.isoformat(), last.isoformat()]
    if entry is None:
        session.add(ConfigEntry(key=CONSTITUTION_WEEKS_KEY, value=value, updated_at=now))
    else:
        entry.value = value
        entry.updated_at = now
    await session.flush()


def _insert(
    session: AsyncSession, model: type, rows: list[dict[str, Any]], keys: Sequence[str]
) -> Insert:
    dialect = session.bind.dialect.name
    construct = pg_insert if dialect == "postgresql" else sqlite_insert
    return construct(model).values(rows).on_conflict_do_nothing(index_elements=list(keys))


async def insert_ignoring(
    session: AsyncSession, model: type, rows: list[dict[str, Any]], keys: Sequence[str]
) -> int:
    inserted = 0
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        result = await session.execute(_insert(session, model, chunk, keys))
        inserted += max(result.rowcount or 0, 0)
    return inserted


async def group_members(session: AsyncSession) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, unit_id in await session.execute(
        select(UnitGroupMember.group_id, UnitGroupMember.unit_id)
    ):
        members[group_id].append(unit_id)
    return members


def assigned_units(duty: Duty, groups: dict[int, list[int]]) -> dict[int, UnitRole]:
    """Lead and responsible units of a duty, groups expanded; lead wins over responsible."""
    assigned: dict[int, UnitRole] = {}
    for link in sorted(duty.units, key=lambda link: link.role != UnitRole.LEAD):
        unit_ids = [link.unit_id] if link.unit_id else groups.get(link.group_id or 0, [])
        for unit_id in unit_ids:
            assigned.setdefault(unit_id, link.role)
    return assigned


def _spec_for(occurrence: Occurrence, due: date) -> OccurrenceSpec:
    return OccurrenceSpec(
        rule_kind=occurrence.rule.kind.value,  # type: ignore[arg-type]
        period_key=occurrence.period_key,
        period_kind="stored",
        period_start=occurrence.period_start or due,
        period_end=occurrence.period_end or due,
        window_start=occurrence.window_start,
        due_date=due,
        target_count=occurrence.target_count,
    )


def _with_cadence(rule: Rule, checkin_every: str) -> Rule | None:
    """An undated duty's rule with the deployment's check-in cadence (None: no check-ins)."""
    if rule.kind is not RuleKind.ONGOING:
        return rule
    if checkin_every == "off":
        return None
    return Rule(rule.kind, rule.phrase, {**rule.params, "period": checkin_every})


async def materialize(
    session: AsyncSession,
    now: datetime,
    today: date,
    calendar: WorkdayCalendar,
    duty_ids: Iterable[int] | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    report: PlanningReport | None = None,
    checkin_every: str = "quarter",
) -> PlanningReport:
    """Create the occurrences due in [today, today + horizon] and their assignments."""
    report = report or PlanningReport()
    weeks = await stored_constitution_weeks(session)
    query = (
        select(Duty)
        .join(Plan)
        .where(Duty.active.is_(True))
        .options(selectinload(Duty.rules), selectinload(Duty.units), selectinload(Duty.plan))
    )
    if duty_ids is not None:
        query = query.where(Duty.id.in_(list(duty_ids)))
    duties = list(await session.scalars(query))
    groups = await group_members(session)
    end = today + timedelta(days=horizon_days)
    occurrence_rows: list[dict[str, Any]] = []
    for duty in duties:
        for stored in duty.rules:
            if not stored.enabled:
                continue
            try:
                rule = _with_cadence(
                    Rule(stored.kind.value, stored.phrase, dict(stored.params or {})),
                    checkin_every,
                )
            except ValueError:
                continue
            if rule is None:
                continue
            for spec in occurrences(
                rule,
                start=today,
                end=end,
                calendar=calendar,
                plan_year_from=duty.plan.year_from,
                plan_year_to=duty.plan.year_to,
                constitution_weeks=weeks,
            ):
                if spec.fallback_calendar:
                    report.fallback_years.add(spec.due_date.year)
                occurrence_rows.append(occurrence_row(duty.id, stored.id, spec, now))
    if occurrence_rows:
        report.occurrences += await insert_ignoring(
            session, Occurrence, occurrence_rows, ["rule_id", "period_key"]
        )
    await _assign(session, duties, groups, today, now, report)
    return report


def occurrence_row(
    duty_id: int, rule_id: int, spec: OccurrenceSpec, now: datetime
) -> dict[str, Any]:
    return {
        "duty_id": duty_id,
        "rule_id": rule_id,
        "period_key": spec.period_key,
        "period_start": spec.period_start,
        "period_end": spec.period_end,
        "window_start": spec.window_start,
        "due_date": spec.due_date,
        "target_count": spec.target_count,
        "created_at": now,
    }


@dataclass
class _Candidate:
    occurrence_id: int
    duty_id: int
    due: date
    checkin: bool
    activity: str | None
    order: int
    params: dict[str, Any]


def _activity(
    text: str, statutory_key: str | None, kind: Any, phrase: str, params: Any
) -> str | None:
    try:
        rule = Rule(kind.value, phrase, dict(params or {}))
    except ValueError:
        return None
    return activity_of(text, rule, statutory_key)


async def _taken(
    session: AsyncSession, candidates: list[_Candidate]
) -> dict[tuple[int, str, int], tuple[int, int]]:
    """(unit, activity, year) → (assignment, occurrence) already holding that deadline."""
    years = sorted({c.due.year for c in candidates if c.activity})
    if not years:
        return {}
    rows = await session.execute(
        select(
            Assignment.id,
            Assignment.unit_id,
            Assignment.occurrence_id,
            Occurrence.due_date,
            Duty.text,
            Duty.statutory_key,
            ScheduleRule.kind,
            ScheduleRule.phrase,
            ScheduleRule.params,
        )
        .join(Occurrence, Occurrence.id == Assignment.occurrence_id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .join(ScheduleRule, ScheduleRule.id == Occurrence.rule_id)
        .where(
            Occurrence.due_date >= date(years[0], 1, 1),
            Occurrence.due_date <= date(years[-1], 12, 31),
            Assignment.status != AssignmentStatus.CANCELLED,
            Assignment.checkin.is_(False),
        )
        .order_by(Assignment.id)
    )
    taken: dict[tuple[int, str, int], tuple[int, int]] = {}
    for aid, unit_id, occurrence_id, due, text, key, kind, phrase, params in rows:
        activity = _activity(text, key, kind, phrase, params)
        if activity:
            taken.setdefault((unit_id, activity, due.year), (aid, occurrence_id))
    return taken


async def _assign(
    session: AsyncSession,
    duties: list[Duty],
    groups: dict[int, list[int]],
    today: date,
    now: datetime,
    report: PlanningReport,
) -> None:
    """Every open occurrence of these duties gets one assignment per assigned unit, except
    where the unit already has that activity's deadline that year: the duty joins it."""
    if not duties:
        return
    by_duty = {duty.id: assigned_units(duty, groups) for duty in duties}
    tiers = {duty.id: _tiers(duty) for duty in duties}
    groups_by_name = await _group_names(session, groups)
    about = {duty.id: (duty.text, duty.statutory_key) for duty in duties}
    result = await session.execute(
        select(
            Occurrence.id,
            Occurrence.duty_id,
            Occurrence.due_date,
            ScheduleRule.kind,
            ScheduleRule.phrase,
            ScheduleRule.params,
        )
        .join(ScheduleRule, ScheduleRule.id == Occurrence.rule_id)
        .where(Occurrence.duty_id.in_(list(by_duty)), Occurrence.due_date >= today)
    )
    candidates = []
    for occurrence_id, duty_id, due, kind, phrase, params in result:
        text, key = about[duty_id]
        activity = _activity(text, key, kind, phrase, params)
        week_first = 0 if (params or {}).get("event") == "constitution_week" or key else 1
        candidates.append(
            _Candidate(
                occurrence_id,
                duty_id,
                due,
                kind == StoredRuleKind.ONGOING,
                activity,
                week_first,
                dict(params or {}),
            )
        )
    candidates.sort(key=lambda c: (c.order, c.due, c.occurrence_id))
    taken = await _taken(session, candidates)
    rows: list[dict[str, Any]] = []
    joined: dict[tuple[int, int], set[int]] = defaultdict(set)  # (occurrence, unit) → duties
    for candidate in candidates:
        assigned = by_duty[candidate.duty_id]
        units = count_units(candidate.params, assigned, tiers[candidate.duty_id], groups_by_name)
        for unit_id, role in assigned.items():
            if unit_id not in units:
                continue
            if candidate.activity:
                slot = (unit_id, candidate.activity, candidate.due.year)
                _holder, occurrence_id = taken.setdefault(slot, (-1, candidate.occurrence_id))
                if occurrence_id != candidate.occurrence_id:
                    joined[(occurrence_id, unit_id)].add(candidate.duty_id)
                    continue
            rows.append(
                {
                    "occurrence_id": candidate.occurrence_id,
                    "unit_id": unit_id,
                    "role": role,
                    "due_date": candidate.due,
                    "status": "open",
                    "progress_count": 0,
                    "created_at": now,
                    "checkin": candidate.checkin,
                }
            )
    if rows:
        report.assignments += await insert_ignoring(
            session, Assignment, rows, ["occurrence_id", "unit_id"]
        )
    await _record_joined(session, joined)


def _tiers(duty: Duty) -> list[str]:
    """The tiers the duty's yearly counts name ("民生部门", "others")."""
    return [str(rule.params["tier"]) for rule in duty.rules if (rule.params or {}).get("tier")]


async def _group_names(session: AsyncSession, groups: dict[int, list[int]]) -> dict[str, set[int]]:
    names = await session.execute(select(UnitGroup.id, UnitGroup.name))
    return {name: set(groups.get(group_id, [])) for group_id, name in names}


async def _record_joined(session: AsyncSession, joined: dict[tuple[int, int], set[int]]) -> None:
    """The duties that joined an assignment are listed on it (its card shows them)."""
    for (occurrence_id, unit_id), duty_ids in joined.items():
        assignment = await session.scalar(
            select(Assignment).where(
                Assignment.occurrence_id == occurrence_id, Assignment.unit_id == unit_id
            )
        )
        if assignment is None:
            continue
        have = set(assignment.also_duties or [])
        own = await session.scalar(
            select(Occurrence.duty_id).where(Occurrence.id == assignment.occurrence_id)
        )
        wanted = sorted((have | duty_ids) - {own})
        if wanted != sorted(have):
            assignment.also_duties = wanted
    if joined:
        await session.flush()


async def _recipients(
    session: AsyncSession, unit_ids: Iterable[int]
) -> dict[int, list[tuple[int, int]]]:
    """unit id → [(member id, chat id)] of its active liaisons, one per chat."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    rows = await session.execute(
        select(Binding.unit_id, Binding.member_id, Binding.chat_id, Member.chat_id)
        .join(Member, Member.id == Binding.member_id)
        .where(
            Binding.unit_id.in_(list(unit_ids)),
            Binding.role == Role.LIAISON,
            Binding.active.is_(True),
        )
        .order_by(Binding.id)
    )
    for unit_id, member_id, binding_chat, private_chat in rows:
        chat = binding_chat or private_chat
        if chat is None or unit_id is None or (unit_id, chat) in seen:
            continue
        seen.add((unit_id, chat))
        found[unit_id].append((member_id, chat))
    return found


async def _coordinators(session: AsyncSession) -> list[tuple[int, int]]:
    rows = await session.execute(
        select(Member.id, Member.chat_id)
        .join(Binding, Binding.member_id == Member.id)
        .where(
            Binding.role.in_([Role.COORDINATOR, Role.ADMIN]),
            Binding.active.is_(True),
            Member.chat_id.is_not(None),
        )
        .distinct()
    )
    return [(member_id, chat_id) for member_id, chat_id in rows]


ASK_WINDOW = timedelta(days=30)


def past_question(
    created_at: datetime, settings: Settings, calendar: WorkdayCalendar
) -> PlannedReminder:
    """The one question about a duty whose deadline passed before it was imported: on the
    first working day after the import, at the reminder time (fixed by the import's moment,
    so planning again finds the same reminder)."""
    zone = settings.zone
    day = calendar.next_workday(local_date(created_at, zone) + timedelta(days=1))
    at = datetime.combine(day, settings.reminder_time, tzinfo=zone).astimezone(UTC)
    return PlannedReminder("checkin", at, None, day, not calendar.is_official(day.year))


def dedupe_key(assignment_id: int, planned: PlannedReminder, chat_id: int) -> str:
    return f"a{assignment_id}:{planned.kind}:{planned.planned_at:%Y%m%dT%H%M}:c{chat_id}"


async def plan_outbox(
    session: AsyncSession,
    now: datetime,
    settings: Settings,
    calendar: WorkdayCalendar,
    assignment_ids: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    report: PlanningReport | None = None,
    window: timedelta = OUTBOX_WINDOW,
) -> PlanningReport:
    """Reminder rows for open assignments from now to now + window; existing rows stay.

    The window keeps the outbox to what is near (the daily planning run moves it on), so a
    new liaison or a changed policy applies to everything not yet written.
    """
    report = report or PlanningReport()
    until = now + window
    assignments = await _open_assignments(session, now, settings, assignment_ids, unit_ids)
    if not assignments:
        return report
    recipients = await _recipients(session, {a.unit_id for a in assignments})
    coordinators = await _coordinators(session)
    rows: list[dict[str, Any]] = []
    plans_cache: dict[tuple[int, date, str], list[PlannedReminder]] = {}
    for assignment in assignments:
        for reminder in _planned_for(assignment, settings, calendar, plans_cache):
            if reminder.planned_at < now or reminder.planned_at > until:
                continue
            targets = (
                coordinators
                if reminder.kind == "escalation"
                else recipients.get(assignment.unit_id, [])
            )
            rows.extend(
                _reminder_row(assignment.id, reminder, member_id, chat_id, now)
                for member_id, chat_id in targets
            )
    if rows:
        revived = await _revive_cancelled(session, rows, now)
        report.revived += len(revived)
        await _tell_revived(session, revived, now)
        report.reminders += await insert_ignoring(session, Reminder, rows, ["dedupe_key"])
    return report


async def _open_assignments(
    session: AsyncSession,
    now: datetime,
    settings: Settings,
    assignment_ids: Iterable[int] | None,
    unit_ids: Iterable[int] | None,
) -> list[Assignment]:
    """The open assignments to plan: those asked for, or every recent or pending one."""
    query = (
        select(Assignment)
        .where(Assignment.status.not_in(list(CLOSED_STATUSES)))
        .options(
            selectinload(Assignment.occurrence).selectinload(Occurrence.rule),
            selectinload(Assignment.unit),
        )
    )
    if assignment_ids is not None:
        query = query.where(Assignment.id.in_(list(assignment_ids)))
    else:
        horizon = local_date(now, settings.zone) - timedelta(days=90)
        asked = and_(Assignment.checkin.is_(True), Assignment.created_at >= now - ASK_WINDOW)
        query = query.where(or_(Assignment.due_date >= horizon, asked))
    if unit_ids is not None:
        query = query.where(Assignment.unit_id.in_(list(unit_ids)))
    return list(await session.scalars(query))


def _planned_for(
    assignment: Assignment,
    settings: Settings,
    calendar: WorkdayCalendar,
    cache: dict[tuple[int, date, str], list[PlannedReminder]],
) -> list[PlannedReminder]:
    """When to remind about one assignment, shared by every unit of its occurrence and policy.

    A past deadline asked about once (a check-in that is not an ongoing duty's) is one
    question on the next working day."""
    due = assignment.extended_due or assignment.due_date
    policy_key = repr(assignment.unit.reminder_policy) if assignment.unit.reminder_policy else ""
    cache_key = (assignment.occurrence_id, due, policy_key)
    planned = cache.get(cache_key)
    if assignment.checkin and assignment.occurrence.rule.kind != StoredRuleKind.ONGOING:
        planned = [past_question(assignment.created_at, settings, calendar)]
    if planned is None:
        spec = _spec_for(assignment.occurrence, due)
        policy = policy_from_settings(settings, assignment.unit.reminder_policy)
        planned = plan_reminders(spec, policy, calendar)
        if assignment.extended_due is not None:
            planned = [p for p in planned if p.kind != "window_open"]
        cache[cache_key] = planned
    return planned


def _reminder_row(
    assignment_id: int, reminder: PlannedReminder, member_id: int, chat_id: int, now: datetime
) -> dict[str, Any]:
    """One outbox row, as inserted; its dedupe key makes a second planning run a no-op."""
    return {
        "dedupe_key": dedupe_key(assignment_id, reminder, chat_id),
        "kind": ReminderKind(reminder.kind),
        "assignment_id": assignment_id,
        "member_id": member_id,
        "chat_id": chat_id,
        "planned_at": reminder.planned_at,
        "send_after": reminder.planned_at,
        "state": ReminderState.PLANNED,
        "attempts": 0,
        "payload": {"lead_days": reminder.lead_days} if reminder.lead_days is not None else None,
        "created_at": now,
    }


async def _revive_cancelled(
    session: AsyncSession, rows: list[dict[str, Any]], now: datetime
) -> list[tuple[int, int, int]]:
    """Reminders planning would write again but that were cancelled earlier (the duty was
    done and reopened, the liaison unbound and bound again, the item removed and restored):
    the assignment is open again, so they are planned again. Returns (assignment, member,
    chat) of each revived one."""
    wanted = {row["dedupe_key"]: row for row in rows}
    revived: list[tuple[int, int, int]] = []
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        cancelled = list(
            await session.scalars(
                select(Reminder).where(
                    Reminder.dedupe_key.in_(chunk), Reminder.state == ReminderState.CANCELLED
                )
            )
        )
        for reminder in cancelled:
            row = wanted[reminder.dedupe_key]
            reminder.state = ReminderState.PLANNED
            reminder.send_after = row["send_after"]
            reminder.member_id = row["member_id"]
            reminder.claimed_by = None
            reminder.last_error = None
            revived.append((row["assignment_id"], row["member_id"], row["chat_id"]))
    if revived:
        await session.flush()
    return revived


async def _tell_revived(
    session: AsyncSession, revived: list[tuple[int, int, int]], now: datetime
) -> None:
    """One notice per liaison and duty that its reminders are back on (once a day at most)."""
    seen: set[tuple[int, int]] = set()
    for assignment_id, member_id, chat_id in revived:
        if (assignment_id, chat_id) in seen:
            continue
        seen.add((assignment_id, chat_id))
        assignment = await session.get(Assignment, assignment_id)
        if assignment is None:
            continue
        occurrence = await session.get(Occurrence, assignment.occurrence_id)
        duty = await session.get(Duty, occurrence.duty_id) if occurrence else None
        row = {
            "dedupe_key": f"revived:a{assignment_id}:c{chat_id}:{now:%Y%m%d}",
            "kind": ReminderKind.NOTICE,
            "member_id": member_id,
            "chat_id": chat_id,
            "planned_at": now,
            "send_after": now,
            "state": ReminderState.PLANNED,
            "attempts": 0,
            "payload": {"notice": "revived", "duty": duty.text[:200] if duty else "—"},
            "created_at": now,
        }
        await insert_ignoring(session, Reminder, [row], ["dedupe_key"])


async def cancel_unbound(session: AsyncSession) -> int:
    """Planned reminders to chats whose liaison binding is gone are cancelled."""
    live = select(Binding.chat_id).where(Binding.active.is_(True), Binding.chat_id.is_not(None))
    result = await session.execute(
        update(Reminder)
        .where(
            Reminder.state == ReminderState.PLANNED,
            Reminder.assignment_id.is_not(None),
            Reminder.chat_id.not_in(live),
        )
        .values(state=ReminderState.CANCELLED, last_error="recipient unbound")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def plan_everything(
    session: AsyncSession,
    now: datetime,
    settings: Settings,
    calendar: WorkdayCalendar,
    duty_ids: Iterable[int] | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    window: timedelta = OUTBOX_WINDOW,
) -> PlanningReport:
    """The whole pipeline for some duties (or all): occurrences, assignments, reminders."""
    report = PlanningReport()
    today = local_date(now, settings.zone)
    await materialize(
        session,
        now,
        today,
        calendar,
        duty_ids,
        horizon_days,
        report,
        checkin_every=settings.checkin_every,
    )
    await plan_outbox(session, now, settings, calendar, report=report, window=window)
    report.cancelled += await cancel_unbound(session)
    return report


async def drop_future_occurrences(session: AsyncSession, rule_ids: list[int], today: date) -> int:
    """Remove not-yet-due occurrences of re-dated rules that nobody reported on yet."""
    if not rule_ids:
        return 0
    reported = select(Assignment.occurrence_id).join(
        StatusReport, StatusReport.assignment_id == Assignment.id
    )
    doomed = list(
        await session.scalars(
            select(Occurrence).where(
                Occurrence.rule_id.in_(rule_ids),
                Occurrence.due_date >= today,
                Occurrence.id.not_in(reported),
            )
        )
    )
    for occurrence in doomed:
        await session.delete(occurrence)
    await session.flush()
    return len(doomed)


async def retire_inactive(session: AsyncSession, today: date) -> int:
    """Open future assignments of switched-off or removed duties are cancelled, reminders too."""
    inactive = (
        select(Occurrence.id)
        .join(Duty, Duty.id == Occurrence.duty_id)
        .where(Duty.active.is_(False))
    )
    ids = list(
        await session.scalars(
            select(Assignment.id).where(
                Assignment.occurrence_id.in_(inactive),
                Assignment.status.not_in(list(CLOSED_STATUSES)),
                Assignment.due_date >= today,
            )
        )
    )
    if not ids:
        return 0
    await session.execute(
        update(Assignment)
        .where(Assignment.id.in_(ids))
        .values(status=AssignmentStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.assignment_id.in_(ids), Reminder.state == ReminderState.PLANNED)
        .values(state=ReminderState.CANCELLED, last_error="duty switched off")
        .execution_options(synchronize_session=False)
    )
    return len(ids)
