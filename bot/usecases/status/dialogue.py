"""The status dialogue: a liaison presses a status button, the bot asks what it needs (a
reason, a date, a note), and the liaison's next message answers it.

Each entry point takes plain values (which button, which words, which evidence) and returns a
`Reply` that says what to answer, as plain values too; the chat handler renders it
(`bot.render.status`) and knows nothing of awaited answers, dates or permissions. The
permission is checked here, once per turn (`changes.authorize`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from bot.usecases.members import pending
from bot.usecases.status.changes import (
    ChangeResult,
    Evidence,
    Refusal,
    StatusRefused,
    add_note,
    apply_count,
    apply_status,
    authorize,
    change_status,
    count_one_more,
    evidence_files,
    load_assignment,
    may_act,
    undo,
)
from bot.usecases.status.events import (
    EventOutcome,
    report_event,
    report_event_from_assignment,
)
from bot.usecases.status.extensions import Decision, ask_extension, decide_extension
from bot.usecases.tasks.lists import liaison_unit_ids
from scheduling.dates.typed import parse_user_date
from storage.models import AssignmentStatus, Member

NOTE_LIMIT = 2000
EVIDENCE_SHOWN = 10  # files sent back for one press, the latest

# Buttons that change the status at once, and those that ask for an answer first.
DIRECT = {"d": AssignmentStatus.DONE, "p": AssignmentStatus.IN_PROGRESS}
COUNT_TODAY = "ct"
ASKING = {"b": "blocked", "m": "more_time", "n": "note", "c": "count", "e": "event"}


class ReplyKind(StrEnum):
    CHANGED = "changed"  # a status change or a count: the confirmation and its undo button
    NOTED = "noted"  # a note or evidence saved, with its undo button
    UNDONE = "undone"
    ASKED = "asked"  # the bot now waits for an answer (`asked` names it)
    REFUSED = "refused"  # `refusal` says why
    EVENT = "event"  # an event recorded and the deadlines it started
    FILES = "files"  # the evidence files to send back
    NEED_REASON = "need_reason"  # "blocked" was answered with no words
    UNREADABLE_DATE = "unreadable_date"  # asked again
    PAST_DATE = "past_date"  # a new date not ahead (or too far): asked again
    REQUESTED = "requested"  # a new date asked of the coordinators, with its undo button
    DECIDED = "decided"  # a coordinator's decision on a request (`decision`)
    ALREADY_DECIDED = "already_decided"  # an alert: who decided the request, and how
    SEVERAL = "several"  # a reply to a message about several duties
    HELP = "help"
    QUIET = "quiet"  # chatter in a group that is not for the bot
    STALE_BUTTON = "stale_button"  # callback data the bot does not read (any more)


@dataclass(frozen=True)
class Reply:
    """What to answer, as plain values; `alert` answers a button press with an alert."""

    kind: ReplyKind
    alert: bool = False
    result: ChangeResult | None = None
    duty_text: str = ""
    refusal: Refusal | None = None
    asked: str | None = None
    assignment_id: int | None = None
    event: EventOutcome | None = None
    files: tuple[tuple[str, str, str | None], ...] = ()
    decision: Decision | None = None


@dataclass(frozen=True)
class Incoming:
    """A member's message as the dialogue sees it."""

    text: str
    evidence: Evidence | None = None
    replied_to_bot: int | None = None  # the id of the bot's message it replies to
    private: bool = True


@dataclass(frozen=True)
class Turn:
    """Who is talking, where, with what: one update's session and the bot's services."""

    session: AsyncSession
    services: Services
    member: Member
    chat_id: int


def refused(reason: Refusal, alert: bool = False) -> Reply:
    return Reply(ReplyKind.REFUSED, alert=alert, refusal=reason)


async def press_status(turn: Turn, action: str, assignment_id: int) -> Reply:
    """A status button (s:<action>:<assignment>): change at once, or ask for what is needed."""
    try:
        assignment = await authorize(turn.session, turn.member, assignment_id)
    except StatusRefused as exc:
        return refused(exc.reason, alert=True)
    clock, duty_text = turn.services.clock, assignment.occurrence.duty.text
    if action in DIRECT:
        zone = turn.services.settings.zone
        result = await apply_status(
            turn.session, clock, turn.member, assignment, DIRECT[action], zone=zone
        )
        return Reply(ReplyKind.CHANGED, result=result, duty_text=duty_text)
    if action == COUNT_TODAY:
        today = turn.services.today()
        result = await apply_count(turn.session, clock, turn.member, assignment, today)
        return Reply(ReplyKind.CHANGED, result=result, duty_text=duty_text)
    asked = ASKING[action]
    await _expect(turn, asked, {"assignment": assignment_id})
    return Reply(ReplyKind.ASKED, asked=asked, assignment_id=assignment_id)


async def press_undo(turn: Turn, report_id: int) -> Reply:
    """The undo button (u:<report>) of a confirmation."""
    try:
        result = await undo(turn.session, turn.services.clock, turn.member, report_id)
    except StatusRefused as exc:
        return refused(exc.reason, alert=True)
    duty_text = await _duty_text(turn, result.assignment_id)
    return Reply(ReplyKind.UNDONE, result=result, duty_text=duty_text)


async def press_decision(turn: Turn, request_id: int, approve: bool) -> Reply:
    """A coordinator's Approve or Refuse (x:a|r:<request>); anyone else is refused."""
    try:
        decision = await decide_extension(
            turn.session, turn.services.clock, turn.member, request_id, approve
        )
    except StatusRefused as exc:
        return refused(exc.reason, alert=True)
    if not decision.decided_now:
        return Reply(ReplyKind.ALREADY_DECIDED, alert=True, decision=decision)
    return Reply(ReplyKind.DECIDED, decision=decision)


async def press_evidence(turn: Turn, assignment_id: int) -> Reply:
    """The evidence button (v:<assignment>): the stored files, the latest few."""
    assignment = await load_assignment(turn.session, assignment_id)
    if assignment is None or not await may_act(turn.session, turn.member, assignment):
        return refused(Refusal.NOT_ALLOWED, alert=True)
    files = await evidence_files(turn.session, assignment_id)
    return Reply(ReplyKind.FILES, files=tuple(files[-EVIDENCE_SHOWN:]))


async def press_report_event(turn: Turn, duty_id: int, unit_id: int) -> Reply:
    """The event list's button (ev:r:<duty>:<unit>): ask on which day the event happened."""
    if unit_id not in await liaison_unit_ids(turn.session, turn.member.id):
        return refused(Refusal.NOT_ALLOWED, alert=True)
    await _expect(turn, "event", {"duty": duty_id, "unit": unit_id})
    return Reply(ReplyKind.ASKED, asked="event")


async def answer_message(turn: Turn, message: Incoming) -> Reply:
    """A member's message: the answer the bot waits for, a reply to a reminder, or chatter."""
    now = turn.services.clock.now()
    waiting = await pending.take(
        turn.session, turn.member.id, turn.chat_id, now, replying_to=message.replied_to_bot
    )
    if waiting is not None:
        assignment_id = int(waiting.payload.get("assignment", 0))
        return await _answer(turn, waiting.kind, assignment_id, message, dict(waiting.payload))
    if message.replied_to_bot is not None:
        targets = await pending.assignments_of_message(
            turn.session, turn.chat_id, message.replied_to_bot
        )
        if len(targets) == 1:
            return await _answer(turn, "note", targets[0], message, {})
        return Reply(ReplyKind.SEVERAL if targets else ReplyKind.HELP)
    return Reply(ReplyKind.HELP if message.private else ReplyKind.QUIET)


async def _answer(
    turn: Turn, kind: str, assignment_id: int, message: Incoming, payload: dict[str, object]
) -> Reply:
    """Use the message as the answer the bot asked for; a refused change says why."""
    text = message.text.strip()[:NOTE_LIMIT]
    try:
        if kind == "blocked":
            return await _blocked(turn, assignment_id, text)
        if kind in ("more_time", "count", "event"):
            return await _dated(turn, kind, assignment_id, text, payload)
        result = await add_note(
            turn.session,
            turn.services.clock,
            turn.member,
            assignment_id,
            text or None,
            message.evidence,
        )
    except StatusRefused as exc:
        return refused(exc.reason)
    duty_text = await _duty_text(turn, assignment_id)
    return Reply(ReplyKind.NOTED, result=result, duty_text=duty_text)


async def _blocked(turn: Turn, assignment_id: int, text: str) -> Reply:
    if not text:
        await _expect(turn, "blocked", {"assignment": assignment_id})  # asked again
        return Reply(ReplyKind.NEED_REASON)
    result = await change_status(
        turn.session,
        turn.services.clock,
        turn.member,
        assignment_id,
        AssignmentStatus.BLOCKED,
        note=text,
        zone=turn.services.settings.zone,
    )
    return await _changed(turn, result)


async def _dated(
    turn: Turn, kind: str, assignment_id: int, text: str, payload: dict[str, object]
) -> Reply:
    """An answer that must hold a date: a new deadline ahead, or a day that has been."""
    today = turn.services.today()
    if kind == "more_time":
        wanted = parse_user_date(text.split()[0] if text else "", today)
    else:
        wanted = parse_user_date(text, today, prefer_future=False)
        wanted = None if wanted is not None and wanted > today else wanted
    if wanted is None:
        asked_again = {k: v for k, v in payload.items() if k != pending.PROMPT_KEY}
        await _expect(turn, kind, asked_again or {"assignment": assignment_id})
        return Reply(ReplyKind.UNREADABLE_DATE)
    if kind == "event":
        return Reply(ReplyKind.EVENT, event=await _event(turn, assignment_id, wanted, payload))
    clock = turn.services.clock
    if kind == "count":
        result = await count_one_more(turn.session, clock, turn.member, assignment_id, wanted)
        return await _changed(turn, result)
    words = text.split(maxsplit=1)
    try:
        result = await ask_extension(
            turn.session,
            clock,
            turn.member,
            assignment_id,
            wanted,
            words[1] if len(words) > 1 else None,
            turn.chat_id,
            zone=turn.services.settings.zone,
        )
    except StatusRefused as exc:
        if exc.reason is not Refusal.BAD_DATE:
            raise
        await _expect(turn, kind, dict(payload) or {"assignment": assignment_id})
        return Reply(ReplyKind.PAST_DATE)
    duty_text = await _duty_text(turn, assignment_id)
    return Reply(ReplyKind.REQUESTED, result=result, duty_text=duty_text)


async def _event(
    turn: Turn, assignment_id: int, happened: date, payload: dict[str, object]
) -> EventOutcome:
    """An event reported from the event list (duty and unit given) or from a duty card."""
    if payload.get("duty"):
        duty_id, unit_id = int(str(payload["duty"])), int(str(payload["unit"]))
        return await report_event(
            turn.session, turn.services, turn.member, duty_id, unit_id, happened
        )
    return await report_event_from_assignment(
        turn.session, turn.services, turn.member, assignment_id, happened
    )


async def _changed(turn: Turn, result: ChangeResult) -> Reply:
    duty_text = await _duty_text(turn, result.assignment_id)
    return Reply(ReplyKind.CHANGED, result=result, duty_text=duty_text)


async def _expect(turn: Turn, kind: str, payload: dict[str, object]) -> None:
    now = turn.services.clock.now()
    await pending.expect(turn.session, turn.member.id, turn.chat_id, kind, payload, now)


async def _duty_text(turn: Turn, assignment_id: int) -> str:
    assignment = await load_assignment(turn.session, assignment_id)
    return assignment.occurrence.duty.text if assignment else ""
