"""Importing a plan a coordinator sends to the bot: preview, then confirm or cancel.

Between the preview and the press only the file's id, name and digest are kept (in
`pending_inputs`, kind "import"); confirming downloads the file again and imports it only if
its bytes are still the ones previewed.

The plan's jurisdiction is shown in the preview and can be changed before Confirm to one the
coordinator's office reaches (kept as `place`); a district coordinator's plan that names no
place, or one outside their office, goes to their own district unless they choose otherwise.
A coordinator's import never finds, revises or moves a plan outside their office (`Reach`,
checked again at Confirm), whatever the document says or a button claims.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import DocumentError
from bot.importing.review import Decisions, apply_decisions
from bot.services import Services
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.importing.past_duties import PAST_CHOICES, PastChoice
from bot.usecases.importing.placing import OutOfReach, Reach
from bot.usecases.importing.result import ImportResult, Source
from bot.usecases.importing.review import ReviewState, known_unit_names, new_review
from bot.usecases.jurisdictions.scope import office_scope
from bot.usecases.members.directory import is_coordinator
from bot.usecases.members.pending import BUTTON_KINDS, PENDING_TTL
from storage.models import PendingInput

IMPORT_KIND = "import"


@dataclass(frozen=True)
class Upload:
    """A document a member sent: enough to download it again."""

    file_id: str
    file_name: str
    digest: str
    decisions: Decisions = field(default_factory=Decisions)
    past: PastChoice = "ask"  # what Confirm does with duties whose deadlines passed
    place: str | None = None  # the jurisdiction chosen for its plans (None: as they say)


async def wants_import(session: AsyncSession, member_id: int, chat_id: int, now: datetime) -> bool:
    """Whether a document from this member is a plan to import.

    Only a coordinator's, and not while the bot waits for an answer from them in this chat
    (then the document is the evidence or note it asked for).
    """
    if not await is_coordinator(session, member_id):
        return False
    waiting = await session.scalar(
        select(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    )
    return waiting is None or waiting.kind in BUTTON_KINDS or waiting.expires_at < now


@dataclass(frozen=True)
class Preview:
    """A dry run of an upload, and the review it still needs (None: nothing to decide)."""

    upload: Upload
    result: ImportResult
    review: ReviewState | None


def decided(source: Source, decisions: Decisions) -> Source:
    """The source with the coordinator's review decisions applied."""
    return replace(source, document=apply_decisions(source.document, decisions))


async def reach_of(session: AsyncSession, member_id: int) -> Reach | None:
    """The jurisdictions the member's import may write (their office's), None for an office
    that reaches everything. A plan naming no place, or one outside, goes to their own."""
    scope = await office_scope(session, member_id)
    if scope is None or scope.places is None:
        return None
    home = scope.top if scope.top is not None else min(scope.places)
    return Reach(scope.places, home)


async def preview(
    services: Services,
    data: bytes,
    file_id: str,
    file_name: str,
    decisions: Decisions | None = None,
    past: PastChoice = "ask",
    *,
    member_id: int | None = None,
    place: str | None = None,
) -> Preview:
    """Parse and dry-run the import; raises `DocumentError` for a document it cannot use,
    `OutOfReach` for a `place` (the jurisdiction chosen so far) the member's office does not
    reach. Without one, each plan goes where it says, or to the member's own jurisdiction."""
    decisions = decisions or Decisions()
    source = await asyncio.to_thread(read_source, data, file_name)
    if decisions:
        source = decided(source, decisions)
    async with services.sessions() as session:
        known = await known_unit_names(session)
        reach = await reach_of(session, member_id) if member_id is not None else None
    result = await import_sources(services, [source], dry_run=True, jurisdiction=place, reach=reach)
    review = None if decisions else new_review(source.document, known)
    upload = Upload(
        file_id=file_id,
        file_name=file_name,
        digest=source.digest,
        decisions=decisions,
        past=past,
        place=place,
    )
    return Preview(upload, result, review)


async def remember(
    session: AsyncSession,
    member_id: int,
    chat_id: int,
    upload: Upload,
    now: datetime,
    review: ReviewState | None = None,
) -> int:
    """Keep the upload for the Confirm button (replacing anything pending); returns its id."""
    await session.execute(
        delete(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    )
    pending = PendingInput(
        member_id=member_id,
        chat_id=chat_id,
        kind=IMPORT_KIND,
        payload={
            "file_id": upload.file_id,
            "file_name": upload.file_name,
            "digest": upload.digest,
            "decisions": upload.decisions.to_json(),
            "past": upload.past,
            "place": upload.place,
            **({"review": review.to_json()} if review is not None else {}),
        },
        created_at=now,
        expires_at=now + PENDING_TTL,
    )
    session.add(pending)
    await session.flush()
    return pending.id


async def claim(
    session: AsyncSession, pending_id: int, member_id: int, now: datetime
) -> Upload | None:
    """Take the waiting upload (once: a second press finds nothing); None if gone or not theirs."""
    pending = await session.get(PendingInput, pending_id)
    if pending is None or pending.kind != IMPORT_KIND or pending.member_id != member_id:
        return None
    result = await session.execute(delete(PendingInput).where(PendingInput.id == pending_id))
    if not result.rowcount or pending.expires_at < now:
        return None
    if not await is_coordinator(session, member_id):
        return None
    return upload_of(pending)


def upload_of(pending: PendingInput) -> Upload:
    """The upload a pending import holds, with the decisions its review made so far."""
    payload = pending.payload or {}
    review = ReviewState.from_json(payload.get("review"))
    decisions = (
        review.decisions if review is not None else Decisions.from_json(payload.get("decisions"))
    )
    past = payload.get("past")
    place = payload.get("place")
    return Upload(
        file_id=str(payload.get("file_id", "")),
        file_name=str(payload.get("file_name", "")),
        digest=str(payload.get("digest", "")),
        decisions=decisions,
        past=past if past in PAST_CHOICES else "ask",
        place=place if isinstance(place, str) and place else None,
    )


async def choose_past(
    session: AsyncSession, pending_id: int, member_id: int, choice: str, now: datetime
) -> Upload | None:
    """The coordinator picks what Confirm does with past deadlines; None if not theirs."""
    pending = await session.get(PendingInput, pending_id)
    if pending is None or pending.kind != IMPORT_KIND or pending.member_id != member_id:
        return None
    if pending.expires_at < now or choice not in PAST_CHOICES:
        return None
    pending.payload = {**(pending.payload or {}), "past": choice}
    return upload_of(pending)


async def _own_pending(
    session: AsyncSession, pending_id: int, member_id: int, now: datetime
) -> PendingInput | None:
    pending = await session.get(PendingInput, pending_id)
    if pending is None or pending.kind != IMPORT_KIND or pending.member_id != member_id:
        return None
    return pending if pending.expires_at >= now else None


async def places_to_choose(
    session: AsyncSession, pending_id: int, member_id: int, now: datetime
) -> list[tuple[int, str]] | None:
    """The jurisdictions the member's office reaches (id, name), their own first, for a
    waiting import of theirs; None when it is gone or not theirs."""
    pending = await _own_pending(session, pending_id, member_id, now)
    scope = await office_scope(session, member_id) if pending is not None else None
    if scope is None:
        return None
    places = sorted(
        (place for place in scope.tree.places.values() if scope.sees(place.id)),
        key=lambda place: (place.id != scope.top, len(scope.tree.above(place.id)), place.id),
    )
    return [(place.id, place.name) for place in places]


async def choose_place(
    session: AsyncSession, pending_id: int, member_id: int, jurisdiction_id: int, now: datetime
) -> Upload | None:
    """The coordinator picks the plan's jurisdiction; None if the import is not theirs any
    more. `OutOfReach` (nothing changed) for a place their office does not reach (a forged
    button)."""
    pending = await _own_pending(session, pending_id, member_id, now)
    scope = await office_scope(session, member_id) if pending is not None else None
    if pending is None or scope is None:
        return None
    place = scope.tree.places.get(jurisdiction_id)
    if place is None or not scope.sees(jurisdiction_id):
        raise OutOfReach(place.name if place is not None else str(jurisdiction_id))
    pending.payload = {**(pending.payload or {}), "place": place.name}
    return upload_of(pending)


async def confirm(
    services: Services, upload: Upload, data: bytes, reach: Reach | None = None
) -> ImportResult:
    """Import the downloaded file for real, if it is still the file that was previewed, within
    the importer's `reach` as it is now (`OutOfReach`: nothing written)."""
    source = await asyncio.to_thread(read_source, data, upload.file_name)
    if source.digest != upload.digest:
        raise DocumentError("changed", "The file is not the one that was previewed.")
    return await import_sources(
        services,
        [decided(source, upload.decisions)],
        past=upload.past,
        jurisdiction=upload.place,
        reach=reach,
    )
