"""The /groups and /units dialogue: a coordinator presses a button or types a name, and gets a
list, a card, a question or an outcome back.

Like the status dialogue (`bot.usecases.status.dialogue`), each entry point takes plain values
and returns an `OfficeReply` as plain values; the chat handler renders it
(`bot.render.office.render_reply`) and knows nothing of awaited answers or permissions. The
permission is checked here, once per turn. A change (a unit taken out, a kind set, a name
typed) runs in its own transaction behind the planning lock, after the turn that checked who
asks, and the duties it touches are planned again at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import Services
from bot.usecases.jurisdictions.scope import OfficeScope, office_scope
from bot.usecases.members.pending import expect
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.replan import replan
from bot.usecases.units import office
from bot.usecases.units.admin import AliasOutcome, GroupChange, KindOutcome
from storage.models import Member, PendingInput

PENDING_KIND = "office"


class OfficeReplyKind(StrEnum):
    NOT_COORDINATOR = "not_coordinator"
    GROUPS = "groups"  # the list of groups (`lines`, `page`)
    GROUP = "group"  # one group's card (`group`, `removing`)
    REVIEW = "review"  # the units to review (`review`, `page`)
    UNIT = "unit"  # one unit's card (`unit`)
    ASK_GROUP_NAME = "ask_group_name"
    ASK_UNITS = "ask_units"  # `asked_about` names the group
    ASK_MERGE = "ask_merge"  # `asked_about` names the unit
    REFUSED = "refused"  # `refused` says why
    NOT_AN_ANSWER = "not_an_answer"  # the message answered no office question


@dataclass(frozen=True)
class Outcome:
    """A change made, for the line above the card: exactly one of the three is set."""

    change: GroupChange | None = None
    added: bool = False
    kind: KindOutcome | None = None
    merge: AliasOutcome | None = None
    planned: int = 0  # assignments planned again


@dataclass(frozen=True)
class OfficeReply:
    kind: OfficeReplyKind
    page: int = 0
    lines: tuple[office.GroupLine, ...] = ()
    group: office.GroupView | None = None
    removing: bool = False
    review: tuple[tuple[tuple[int, str, str], ...], tuple[str, ...]] = ((), ())
    unit: office.UnitView | None = None
    asked_about: str = ""
    refused: office.OfficeRefused | None = None
    outcome: Outcome | None = None

    @property
    def asks(self) -> bool:
        return self.kind in (
            OfficeReplyKind.ASK_GROUP_NAME,
            OfficeReplyKind.ASK_UNITS,
            OfficeReplyKind.ASK_MERGE,
        )


@dataclass(frozen=True)
class OfficeTurn:
    """Who is talking, where: one update's session and the bot's services."""

    session: AsyncSession
    services: Services
    member: Member
    chat_id: int
    now: datetime
    today: date
    scope: OfficeScope | None = None  # the office's reach, set once the turn has checked it


@dataclass(frozen=True)
class Press:
    """A button's parts: area g(roups)/u(nits), action letter, and up to two arguments."""

    area: str
    action: str
    number: int = 0
    second: str = ""


@dataclass
class Pending:
    """What a press leaves to do after its turn: a change behind the lock."""

    work: Callable[[AsyncSession], Awaitable[OfficeReply]] | None = None
    reply: OfficeReply | None = None


def gone() -> OfficeReply:
    return OfficeReply(OfficeReplyKind.REFUSED, refused=office.OfficeRefused("gone"))


async def _review(tr: OfficeTurn, page: int = 0) -> OfficeReply:
    units, unresolved = await office.units_to_review(tr.session, tr.scope)
    return OfficeReply(OfficeReplyKind.REVIEW, page=page, review=(tuple(units), tuple(unresolved)))


async def _groups(tr: OfficeTurn, page: int = 0) -> OfficeReply:
    lines = await office.group_lines(tr.session, tr.scope)
    return OfficeReply(OfficeReplyKind.GROUPS, page=page, lines=tuple(lines))


async def _office(tr: OfficeTurn) -> OfficeTurn | None:
    """The turn with the member's office scope, or None when they are no coordinator."""
    scope = await office_scope(tr.session, tr.member.id)
    return replace(tr, scope=scope) if scope is not None else None


async def open_groups(tr: OfficeTurn) -> OfficeReply:
    """/groups: the groups of the jurisdictions the member's office reaches."""
    checked = await _office(tr)
    if checked is None:
        return OfficeReply(OfficeReplyKind.NOT_COORDINATOR)
    return await _groups(checked)


async def open_units(tr: OfficeTurn) -> OfficeReply:
    """/units."""
    checked = await _office(tr)
    if checked is None:
        return OfficeReply(OfficeReplyKind.NOT_COORDINATOR)
    return await _review(checked)


async def press(tr: OfficeTurn, button: Press | None) -> Pending:
    """A button inside the turn: what to show now, or the change to make after the turn (a
    forged button with a group or unit the office does not reach is "gone")."""
    checked = await _office(tr) if button is not None else None
    if button is None or checked is None:
        return Pending(reply=OfficeReply(OfficeReplyKind.NOT_COORDINATOR))
    tr = checked
    if button.area == "g" and button.action == "x" and button.second.isdigit():
        return Pending(work=_take_out(tr, button.number, int(button.second)))
    if button.area == "u" and button.action == "k" and button.second:
        return Pending(work=_set_kind(tr, button.number, button.second))
    shown = await (_group_press if button.area == "g" else _unit_press)(tr, button)
    return Pending(reply=shown or gone())


async def _group_press(tr: OfficeTurn, button: Press) -> OfficeReply | None:
    if button.action == "l":
        return await _groups(tr, button.number)
    if button.action == "n":
        await _expect(tr, {"do": "new"})
        return OfficeReply(OfficeReplyKind.ASK_GROUP_NAME)
    view = await office.group_view(tr.session, button.number, tr.scope)
    if view is None:
        return None
    if button.action in ("v", "r"):
        return OfficeReply(OfficeReplyKind.GROUP, group=view, removing=button.action == "r")
    if button.action == "a":
        await _expect(tr, {"do": "add", "group": view.id})
        return OfficeReply(OfficeReplyKind.ASK_UNITS, asked_about=view.name)
    return None


async def _unit_press(tr: OfficeTurn, button: Press) -> OfficeReply | None:
    if button.action == "l":
        return await _review(tr, button.number)
    unit = await office.unit_view(tr.session, button.number, tr.scope)
    if unit is None:
        return None
    if button.action == "v":
        return OfficeReply(OfficeReplyKind.UNIT, unit=unit)
    if button.action == "m":
        await _expect(tr, {"do": "merge", "unit": unit.id})
        return OfficeReply(OfficeReplyKind.ASK_MERGE, asked_about=unit.name)
    return None


async def _expect(tr: OfficeTurn, payload: dict[str, Any]) -> None:
    await expect(tr.session, tr.member.id, tr.chat_id, PENDING_KIND, payload, tr.now)


async def run_locked(services: Services, pending: Pending) -> OfficeReply:
    """The change a press left, in its own transaction behind the planning lock."""
    if pending.work is None:
        return pending.reply or gone()
    async with services.sessions() as session, session.begin():
        await write_lock(session)
        return await pending.work(session)


async def _planned(session: AsyncSession, services: Services, duty_ids: Any) -> int:
    report = await replan(session, services, list(duty_ids))
    return report.assignments if report else 0


def _take_out(
    tr: OfficeTurn, group_id: int, unit_id: int
) -> Callable[[AsyncSession], Awaitable[OfficeReply]]:
    async def work(session: AsyncSession) -> OfficeReply:
        try:
            change = await office.change_members(
                session,
                group_id,
                add=False,
                now=tr.now,
                today=tr.today,
                unit_ids=[unit_id],
                scope=tr.scope,
            )
        except office.OfficeRefused as refused:
            return OfficeReply(OfficeReplyKind.REFUSED, refused=refused)
        planned = await _planned(session, tr.services, change.duty_ids)
        view = await office.group_view(session, group_id, tr.scope)
        outcome = Outcome(change=change, added=False, planned=planned)
        return OfficeReply(OfficeReplyKind.GROUP, group=view, removing=True, outcome=outcome)

    return work


def _set_kind(
    tr: OfficeTurn, unit_id: int, kind: str
) -> Callable[[AsyncSession], Awaitable[OfficeReply]]:
    async def work(session: AsyncSession) -> OfficeReply:
        try:
            result = await office.set_kind(session, unit_id, kind, tr.scope)
        except office.OfficeRefused as refused:
            return OfficeReply(OfficeReplyKind.REFUSED, refused=refused)
        planned = await _planned(session, tr.services, result.duty_ids)
        view = await office.unit_view(session, unit_id, tr.scope)
        return OfficeReply(
            OfficeReplyKind.UNIT, unit=view, outcome=Outcome(kind=result, planned=planned)
        )

    return work


async def _awaited(tr: OfficeTurn) -> PendingInput | None:
    """The office question this chat's next message answers, taken (used once)."""
    pending = await tr.session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == tr.member.id,
            PendingInput.chat_id == tr.chat_id,
            PendingInput.kind == PENDING_KIND,
        )
    )
    if pending is None:
        return None
    await tr.session.execute(delete(PendingInput).where(PendingInput.id == pending.id))
    return pending if pending.expires_at > tr.now else None


async def typed(tr: OfficeTurn, text: str) -> Pending:
    """A typed message inside the turn: NOT_AN_ANSWER when no office question waits for it."""
    pending = await _awaited(tr)
    if pending is None:
        return Pending(reply=OfficeReply(OfficeReplyKind.NOT_AN_ANSWER))
    checked = await _office(tr)
    if checked is None:
        return Pending(reply=OfficeReply(OfficeReplyKind.NOT_COORDINATOR))
    return Pending(work=_answer(checked, dict(pending.payload or {}), text))


def _answer(
    tr: OfficeTurn, payload: dict[str, Any], text: str
) -> Callable[[AsyncSession], Awaitable[OfficeReply]]:
    async def work(session: AsyncSession) -> OfficeReply:
        try:
            return await _answer_in(session, tr, payload, text)
        except office.OfficeRefused as refused:
            return OfficeReply(OfficeReplyKind.REFUSED, refused=refused)

    return work


async def _answer_in(
    session: AsyncSession, tr: OfficeTurn, payload: dict[str, Any], text: str
) -> OfficeReply:
    what = payload.get("do")
    if what == "new":
        view = await office.create_group(session, text, tr.now, tr.scope)
        await _planned(session, tr.services, [])  # duties printing the name are bound
        return OfficeReply(OfficeReplyKind.GROUP, group=view)
    if what == "add":
        group_id = int(payload["group"])
        change = await office.change_members(
            session,
            group_id,
            add=True,
            now=tr.now,
            today=tr.today,
            unit_names=office.split_names(text),
            scope=tr.scope,
        )
        planned = await _planned(session, tr.services, change.duty_ids)
        view = await office.group_view(session, group_id, tr.scope)
        outcome = Outcome(change=change, added=True, planned=planned)
        return OfficeReply(OfficeReplyKind.GROUP, group=view, outcome=outcome)
    if what == "merge":
        merged = await office.merge_into(session, int(payload["unit"]), text, tr.scope)
        planned = await _planned(session, tr.services, merged.duty_ids)
        units, unresolved = await office.units_to_review(session, tr.scope)
        outcome = Outcome(merge=merged, planned=planned)
        return OfficeReply(
            OfficeReplyKind.REVIEW, review=(tuple(units), tuple(unresolved)), outcome=outcome
        )
    return gone()
