"""Extensions are asked, not taken: a liaison's new date waits for a coordinator's decision.

The liaison's "needs more time" is recorded at once (the status says so), with a pending
`ExtensionRequest`; every coordinator gets it with Approve and Refuse buttons. Approval moves
the due date, refusal leaves it (and the status returns to what it was, unless the liaison
changed it since); either way the liaison is told. A request is decided once: a second press
learns who decided it. Only coordinators decide, checked here on every press.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.settings import DEFAULT_ZONE
from bot.text import quoted, shorten
from bot.usecases.jurisdictions.scope import may_manage_unit
from bot.usecases.members.directory import is_coordinator
from bot.usecases.members.notices import notify_coordinators, notify_member
from bot.usecases.status.changes import (
    ChangeResult,
    Refusal,
    StatusRefused,
    apply_status,
    authorize,
    load_assignment,
    move_due,
    overridden,
    removed_by_plan,
)
from storage.models import (
    Assignment,
    AssignmentStatus,
    ExtensionRequest,
    ExtensionState,
    Member,
    StatusReport,
)

DUTY_QUOTED = 60


async def ask_extension(
    session: AsyncSession,
    clock: Clock,
    member: Member,
    assignment_id: int,
    requested_due: date,
    note: str | None,
    chat_id: int | None,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> ChangeResult:
    """Record "needs more time" with the wanted date and ask the coordinators; the due date
    stays. A date not after today (or beyond two years) is refused as BAD_DATE. An earlier
    request still pending on the same duty is replaced."""
    assignment = await authorize(session, member, assignment_id)
    result = await apply_status(
        session,
        clock,
        member,
        assignment,
        AssignmentStatus.MORE_TIME,
        note,
        requested_due,
        zone=zone,
    )
    now = clock.now()
    await session.execute(
        update(ExtensionRequest)
        .where(
            ExtensionRequest.assignment_id == assignment.id,
            ExtensionRequest.state == ExtensionState.PENDING,
        )
        .values(state=ExtensionState.WITHDRAWN, decided_by=member.id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    due_before = assignment.extended_due or assignment.due_date
    request = ExtensionRequest(
        assignment_id=assignment.id,
        report_id=result.report_id,
        requested_by=member.id,
        chat_id=chat_id,
        requested_due=requested_due,
        due_before=due_before,
        note=note,
        state=ExtensionState.PENDING,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await notify_coordinators(
        session,
        now,
        key=f"extension:{request.id}",
        payload={
            "notice": "extension_request",
            "request_id": request.id,
            "member": member.name,
            "unit": assignment.unit.name,
            "duty": quoted(shorten(assignment.occurrence.duty.text, DUTY_QUOTED, one_line=True)),
            "date_iso": requested_due.isoformat(),
            "due_iso": due_before.isoformat(),
            "note": note or "—",
        },
        jurisdiction_id=assignment.unit.jurisdiction_id,
    )
    return result


@dataclass(frozen=True)
class Decision:
    """A request's decision as the coordinator sees it: made now, or made before by whom."""

    request_id: int
    state: ExtensionState
    decided_now: bool
    decided_by: str
    decided_at: datetime | None
    duty_text: str
    unit_name: str
    requester: str
    requested_due: date
    due: date


async def decide_extension(
    session: AsyncSession, clock: Clock, member: Member, request_id: int, approve: bool
) -> Decision:
    """Approve or refuse a pending request (coordinators only; ONLY_COORDINATORS for anyone
    else, whatever the button's data says)."""
    if not await is_coordinator(session, member.id):
        raise StatusRefused(Refusal.ONLY_COORDINATORS)
    request = await session.get(ExtensionRequest, request_id)
    assignment = await load_assignment(session, request.assignment_id) if request else None
    if request is None or assignment is None:
        raise StatusRefused(Refusal.NOT_FOUND)
    if not await may_manage_unit(session, member.id, assignment.unit_id):
        raise StatusRefused(Refusal.ONLY_COORDINATORS)  # another office's request (forged)
    if request.state is ExtensionState.PENDING and removed_by_plan(assignment):
        raise StatusRefused(Refusal.REMOVED)
    now = clock.now()
    state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    claimed = await session.execute(
        update(ExtensionRequest)
        .where(ExtensionRequest.id == request.id, ExtensionRequest.state == ExtensionState.PENDING)
        .values(state=state, decided_by=member.id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    if claimed.rowcount != 1:
        return await _decision(session, request, assignment, decided_now=False)
    if approve:
        await _approve(session, member, request, assignment, now)
    else:
        await _refuse(session, member, request, assignment, now)
    await _tell_liaison(session, member, request, assignment, now)
    return await _decision(session, request, assignment, decided_now=True)


async def _approve(
    session: AsyncSession,
    member: Member,
    request: ExtensionRequest,
    assignment: Assignment,
    now: datetime,
) -> None:
    report = StatusReport(
        assignment_id=assignment.id,
        member_id=member.id,
        created_at=now,
        previous_status=assignment.status,
        requested_due=request.requested_due,
        evidence_meta={"extension_request": request.id, "decision": "approved"},
    )
    session.add(report)
    await session.flush()
    await move_due(session, assignment, report)


async def _refuse(
    session: AsyncSession,
    member: Member,
    request: ExtensionRequest,
    assignment: Assignment,
    now: datetime,
) -> None:
    """The date stays; the status returns to what it was before the request, unless the
    liaison has changed it since."""
    previous = assignment.status
    asked = await session.get(StatusReport, request.report_id) if request.report_id else None
    if (
        asked is not None
        and asked.undone_at is None
        and previous is AssignmentStatus.MORE_TIME
        and not await overridden(session, asked)
    ):
        assignment.status = asked.previous_status or AssignmentStatus.OPEN
        assignment.status_changed_at = now
    session.add(
        StatusReport(
            assignment_id=assignment.id,
            member_id=member.id,
            created_at=now,
            status=assignment.status if assignment.status != previous else None,
            previous_status=previous,
            evidence_meta={"extension_request": request.id, "decision": "refused"},
        )
    )
    await session.flush()


async def _tell_liaison(
    session: AsyncSession,
    member: Member,
    request: ExtensionRequest,
    assignment: Assignment,
    now: datetime,
) -> None:
    approved = request.state is ExtensionState.APPROVED
    await notify_member(
        session,
        now,
        key=f"extension:{request.id}:decided",
        member_id=request.requested_by,
        chat_id=request.chat_id,
        payload={
            "notice": "extension_approved" if approved else "extension_refused",
            "member": member.name,
            "duty": quoted(shorten(assignment.occurrence.duty.text, DUTY_QUOTED, one_line=True)),
            "date_iso": request.requested_due.isoformat(),
            "due_iso": (assignment.extended_due or assignment.due_date).isoformat(),
        },
    )


async def _decision(
    session: AsyncSession, request: ExtensionRequest, assignment: Assignment, decided_now: bool
) -> Decision:
    names = dict(
        (row[0], row[1])
        for row in await session.execute(
            select(Member.id, Member.name).where(
                Member.id.in_([request.decided_by or 0, request.requested_by or 0])
            )
        )
    )
    return Decision(
        request_id=request.id,
        state=request.state,
        decided_now=decided_now,
        decided_by=names.get(request.decided_by or 0, "—"),
        decided_at=request.decided_at,
        duty_text=assignment.occurrence.duty.text,
        unit_name=assignment.unit.name,
        requester=names.get(request.requested_by or 0, "—"),
        requested_due=request.requested_due,
        due=assignment.extended_due or assignment.due_date,
    )
