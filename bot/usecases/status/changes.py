"""Status replies: done, in progress, blocked, more time, notes, evidence, counts, undo.

Every change is an append-only StatusReport with who and when; an assignment's `status` is the
latest word. Authorization is checked here, on every call, against the assignment's unit —
never trusted from callback data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.clock import Clock, local_date
from bot.settings import DEFAULT_ZONE
from bot.text import quoted, shorten
from bot.usecases.jurisdictions.scope import may_manage_unit, office_scope
from bot.usecases.members.notices import notify_coordinators
from storage.enums import CLOSED_STATUSES
from storage.models import (
    Assignment,
    AssignmentStatus,
    Binding,
    ExtensionRequest,
    ExtensionState,
    Member,
    Occurrence,
    Reminder,
    ReminderState,
    Role,
    StatusReport,
)

UNDO_WINDOW = timedelta(hours=24)


class Refusal(StrEnum):
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    UNDO_EXPIRED = "undo_expired"
    ALREADY_UNDONE = "already_undone"
    BAD_DATE = "bad_date"
    NOTHING_TO_UNDO = "nothing_to_undo"
    NEWER_CHANGE = "newer_change"  # undo of a change that a later one overrides
    REMOVED = "removed"  # a revised plan no longer has this duty (for this unit)
    ONLY_COORDINATORS = "only_coordinators"  # a decision on an extension request


class StatusRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Evidence:
    kind: str
    file_id: str | None = None
    name: str | None = None
    url: str | None = None
    meta: dict[str, Any] | None = None


class ChangeKind(StrEnum):
    """What a report changed, so an undo can name it."""

    NOTE = "note"
    FILE = "file"
    LINK = "link"
    STATUS = "status"
    COUNT = "count"
    EXTENSION = "extension"  # a request for a new date, or a coordinator's decision on one
    EVENT = "event"


# Changes that set the assignment's state; undoing one restores what it found, so only the
# latest of them may be undone (a note or a file changes nothing another change relies on).
STATE_CHANGES = frozenset({ChangeKind.STATUS, ChangeKind.COUNT, ChangeKind.EXTENSION})


def change_kind(report: StatusReport) -> ChangeKind:
    if report.count_delta:
        return ChangeKind.COUNT
    if report.requested_due is not None:
        return ChangeKind.EXTENSION
    if report.status is not None:
        return ChangeKind.STATUS
    if report.evidence_kind == "link":
        return ChangeKind.LINK
    if report.evidence_kind is not None:
        return ChangeKind.FILE
    if report.event_date is not None:
        return ChangeKind.EVENT
    return ChangeKind.NOTE


@dataclass(frozen=True)
class Undone:
    """What an undo took back: the kind, its words (a note, a file's name, a link) or date,
    and the status that change had set."""

    kind: ChangeKind
    label: str | None
    day: date | None
    status_set: AssignmentStatus | None


@dataclass(frozen=True)
class ChangeResult:
    report_id: int
    assignment_id: int
    status: AssignmentStatus
    previous: AssignmentStatus
    progress_count: int
    target_count: int | None
    extended_due: date | None
    requested_due: date | None = None
    undone: Undone | None = None
    due: date | None = None  # the deadline now: the approved date, or the planned one


async def load_assignment(session: AsyncSession, assignment_id: int) -> Assignment | None:
    return await session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            selectinload(Assignment.unit),
            selectinload(Assignment.occurrence).selectinload(Occurrence.duty),
        )
    )


async def may_act(session: AsyncSession, member: Member, assignment: Assignment) -> bool:
    """A liaison of the assignment's unit, or a coordinator/admin whose office reaches the
    unit's jurisdiction (another district's assignment is refused, forged button or not)."""
    found = await session.scalar(
        select(Binding.id).where(
            Binding.member_id == member.id,
            Binding.active.is_(True),
            Binding.role == Role.LIAISON,
            Binding.unit_id == assignment.unit_id,
        )
    )
    return found is not None or await may_manage_unit(session, member.id, assignment.unit_id)


async def authorize(session: AsyncSession, member: Member, assignment_id: int) -> Assignment:
    """The assignment, if this member may report on it; else StatusRefused (not found, not
    allowed). Every change below checks it; a dialogue checks once and then applies."""
    assignment = await load_assignment(session, assignment_id)
    if assignment is None:
        raise StatusRefused(Refusal.NOT_FOUND)
    if not await may_act(session, member, assignment):
        raise StatusRefused(Refusal.NOT_ALLOWED)
    if removed_by_plan(assignment):
        raise StatusRefused(Refusal.REMOVED)
    return assignment


def removed_by_plan(assignment: Assignment) -> bool:
    """Only planning cancels an assignment (its duty switched off, or its unit taken off
    the duty by a revised plan); a press on an old button must not reopen it."""
    return assignment.status is AssignmentStatus.CANCELLED or not assignment.occurrence.duty.active


async def _cancel_planned(session: AsyncSession, assignment_id: int, reason: str) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.assignment_id == assignment_id, Reminder.state == ReminderState.PLANNED)
        .values(state=ReminderState.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )


async def _restore_planned(
    session: AsyncSession, assignment_id: int, reason: str, now: datetime
) -> None:
    await session.execute(
        update(Reminder)
        .where(
            Reminder.assignment_id == assignment_id,
            Reminder.state == ReminderState.CANCELLED,
            Reminder.last_error == reason,
            Reminder.planned_at > now,
        )
        .values(state=ReminderState.PLANNED, last_error=None)
        .execution_options(synchronize_session=False)
    )


def _result(
    report: StatusReport, assignment: Assignment, undone: Undone | None = None
) -> ChangeResult:
    return ChangeResult(
        report_id=report.id,
        assignment_id=assignment.id,
        status=assignment.status,
        previous=report.previous_status or assignment.status,
        progress_count=assignment.progress_count,
        target_count=assignment.occurrence.target_count,
        extended_due=assignment.extended_due,
        requested_due=report.requested_due,
        undone=undone,
        due=assignment.extended_due or assignment.due_date,
    )


async def change_status(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment_id: int,
    status: AssignmentStatus,
    note: str | None = None,
    requested_due: date | None = None,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> ChangeResult:
    """Set an assignment's status, recording who and when; closing it cancels its reminders.

    A requested date ("more time") must lie after today in `zone`, the deployment's zone,
    and within two years.
    """
    assignment = await authorize(session, member, assignment_id)
    return await apply_status(
        session, clock, member, assignment, status, note, requested_due, zone=zone
    )


async def apply_status(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment: Assignment,
    status: AssignmentStatus,
    note: str | None = None,
    requested_due: date | None = None,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> ChangeResult:
    """`change_status` for an assignment already authorized in this turn. "More time" only
    records the request here: the date moves when a coordinator approves it (`extensions`)."""
    now = clock.now()
    if status is AssignmentStatus.MORE_TIME:
        today = local_date(now, zone)
        if (
            requested_due is None
            or requested_due <= today
            or requested_due > today + timedelta(days=730)
        ):
            raise StatusRefused(Refusal.BAD_DATE)
    previous = assignment.status
    report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=now,
        status=status,
        previous_status=previous,
        note=note,
        requested_due=requested_due,
    )
    session.add(report)
    assignment.status = status
    assignment.status_changed_at = now
    await session.flush()
    if status in CLOSED_STATUSES:
        await _cancel_planned(session, assignment.id, f"closed by report {report.id}")
    if status is AssignmentStatus.BLOCKED:
        await notify_coordinators(
            session,
            now,
            key=f"status:{report.id}",
            payload={
                "notice": "blocked",
                "member": member.name,
                "unit": assignment.unit.name,
                "duty": quoted(shorten(assignment.occurrence.duty.text, 60, one_line=True)),
                "date_iso": _iso(requested_due),
                "note": note or "—",
                "assignment_id": assignment.id,
            },
            jurisdiction_id=assignment.unit.jurisdiction_id,
            exclude_member=member.id,
        )
    await session.flush()
    return _result(report, assignment)


async def add_note(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment_id: int,
    note: str | None,
    evidence: Evidence | None = None,
) -> ChangeResult:
    """A note or a piece of evidence (file, photo, link) on an assignment; status unchanged."""
    assignment = await authorize(session, member, assignment_id)
    report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=clock.now(),
        status=None,
        previous_status=assignment.status,
        note=note,
    )
    if evidence is not None:
        report.evidence_kind = evidence.kind
        report.evidence_file_id = evidence.file_id
        report.evidence_name = evidence.name
        report.evidence_url = evidence.url
        report.evidence_meta = evidence.meta
    session.add(report)
    await session.flush()
    return _result(report, assignment)


async def count_one_more(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment_id: int,
    on_date: date,
    note: str | None = None,
) -> ChangeResult:
    """Yearly-count duties: one more held (e.g. a training session on `on_date`)."""
    assignment = await authorize(session, member, assignment_id)
    return await apply_count(session, clock, member, assignment, on_date, note)


async def apply_count(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment: Assignment,
    on_date: date,
    note: str | None = None,
) -> ChangeResult:
    """`count_one_more` for an assignment already authorized in this turn."""
    now = clock.now()
    previous = assignment.status
    assignment.progress_count += 1
    target = assignment.occurrence.target_count
    if target is not None and assignment.progress_count >= target:
        assignment.status = AssignmentStatus.DONE
    elif previous is AssignmentStatus.OPEN:
        assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.status_changed_at = now
    report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=now,
        status=assignment.status if assignment.status != previous else None,
        previous_status=previous,
        note=note,
        event_date=on_date,
        count_delta=1,
    )
    session.add(report)
    await session.flush()
    if assignment.status in CLOSED_STATUSES:
        await _cancel_planned(session, assignment.id, f"closed by report {report.id}")
    return _result(report, assignment)


async def undo(session: AsyncSession, clock: Clock, member: Member, report_id: int) -> ChangeResult:
    """Take back a change within 24 hours: status, extension and count return as they were.

    Only the latest change of the state (status, count, date) can be taken back: undoing an
    older one would overwrite a newer one, so it is refused. A pending request for a new
    date is withdrawn with its report."""
    report = await session.get(StatusReport, report_id)
    if report is None or report.undoes_report_id is not None:
        raise StatusRefused(Refusal.NOTHING_TO_UNDO)
    assignment = await authorize(session, member, report.assignment_id)
    now = clock.now()
    if report.undone_at is not None:
        raise StatusRefused(Refusal.ALREADY_UNDONE)
    if now - report.created_at > UNDO_WINDOW:
        raise StatusRefused(Refusal.UNDO_EXPIRED)
    if report.member_id != member.id and not await _is_coordinator(session, member):
        raise StatusRefused(Refusal.NOT_ALLOWED)
    kind = change_kind(report)
    if kind in STATE_CHANGES and await _overridden(session, report):
        raise StatusRefused(Refusal.NEWER_CHANGE)
    if kind is ChangeKind.EXTENSION and not await _withdraw_request(session, report, member, now):
        raise StatusRefused(Refusal.NEWER_CHANGE)
    current = assignment.status
    await _take_back(session, report, assignment, now)
    assignment.status_changed_at = now
    report.undone_at = now
    undo_report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=now,
        status=assignment.status if assignment.status != current else None,
        previous_status=current,
        undoes_report_id=report.id,
        count_delta=-report.count_delta,
    )
    session.add(undo_report)
    await session.flush()
    return _result(undo_report, assignment, _undone(report, kind))


async def _take_back(
    session: AsyncSession, report: StatusReport, assignment: Assignment, now: datetime
) -> None:
    """Return the status, count and date to what the report found; reminders come back."""
    current = assignment.status
    restored = report.previous_status or current
    if report.status is not None:
        assignment.status = restored
    if report.count_delta:
        assignment.progress_count = max(0, assignment.progress_count - report.count_delta)
        assignment.status = restored
    meta = report.evidence_meta or {}
    if report.requested_due is not None and "previous_extended_due" in meta:
        previous_due = meta.get("previous_extended_due")
        assignment.extended_due = date.fromisoformat(previous_due) if previous_due else None
        await _restore_planned(session, assignment.id, f"rescheduled by report {report.id}", now)
    if current in CLOSED_STATUSES and assignment.status not in CLOSED_STATUSES:
        await _restore_planned(session, assignment.id, f"closed by report {report.id}", now)


async def _overridden(session: AsyncSession, report: StatusReport) -> bool:
    """Whether a later change of the state stands on the same assignment."""
    later = await session.scalar(
        select(StatusReport.id)
        .where(
            StatusReport.assignment_id == report.assignment_id,
            StatusReport.id > report.id,
            StatusReport.undone_at.is_(None),
            StatusReport.undoes_report_id.is_(None),
            (StatusReport.status.is_not(None))
            | (StatusReport.count_delta != 0)
            | (StatusReport.requested_due.is_not(None)),
        )
        .limit(1)
    )
    return later is not None


async def _withdraw_request(
    session: AsyncSession, report: StatusReport, member: Member, now: datetime
) -> bool:
    """The request made with this report is withdrawn; False when it was decided already."""
    request = await session.scalar(
        select(ExtensionRequest).where(ExtensionRequest.report_id == report.id)
    )
    if request is None:
        return True
    if request.state is not ExtensionState.PENDING:
        return False
    request.state = ExtensionState.WITHDRAWN
    request.decided_by = member.id
    request.decided_at = now
    return True


def _undone(report: StatusReport, kind: ChangeKind) -> Undone:
    labels = {
        ChangeKind.NOTE: report.note,
        ChangeKind.FILE: report.evidence_name or report.evidence_kind,
        ChangeKind.LINK: report.evidence_url,
    }
    day = report.requested_due if kind is ChangeKind.EXTENSION else report.event_date
    return Undone(kind, labels.get(kind), day, report.status)


async def _is_coordinator(session: AsyncSession, member: Member) -> bool:
    return await office_scope(session, member.id) is not None


async def move_due(session: AsyncSession, assignment: Assignment, report: StatusReport) -> None:
    """Move the assignment's date to the report's (an approved extension); the reminders
    planned for the old date are cancelled, and an undo of the report brings them back."""
    assert report.requested_due is not None
    report.evidence_meta = {
        **(report.evidence_meta or {}),
        "previous_extended_due": _iso(assignment.extended_due),
    }
    assignment.extended_due = report.requested_due
    await _cancel_planned(session, assignment.id, f"rescheduled by report {report.id}")


async def overridden(session: AsyncSession, report: StatusReport) -> bool:
    """Whether a later change of the state stands on the report's assignment."""
    return await _overridden(session, report)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def evidence_files(
    session: AsyncSession, assignment_id: int
) -> list[tuple[str, str, str | None]]:
    """(kind, Telegram file id, name) of every file still standing as evidence."""
    rows = await session.execute(
        select(
            StatusReport.evidence_kind, StatusReport.evidence_file_id, StatusReport.evidence_name
        )
        .where(
            StatusReport.assignment_id == assignment_id,
            StatusReport.evidence_file_id.is_not(None),
            StatusReport.undone_at.is_(None),
        )
        .order_by(StatusReport.created_at)
    )
    return [(kind or "document", file_id, name) for kind, file_id, name in rows if file_id]
