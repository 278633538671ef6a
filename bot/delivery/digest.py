"""Compose a digest when it is sent: data, chart and text, and the record of it.

The dispatcher's composer calls `digest_for_row` for an outbox row of kind DIGEST; `/digest` and
`dutybot digest --preview` call `compose_digest` directly (nothing is recorded for those).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.render.chart import ChartImage, charted, render_completion_chart
from bot.render.digest import chart_caption, render_digest
from bot.usecases.digest.data import Digest, collect_digest
from bot.usecases.members.directory import is_coordinator
from scheduling.dates.workdays import WorkingDays
from scheduling.delivery.ports import DigestOutcome, RenderedMessage
from storage.models import DigestSent, Reminder, ReminderKind, ReminderState

LATE_AFTER = timedelta(hours=2)
STALE_AFTER = timedelta(days=7)
CHART_NAME = "digest.png"


@dataclass
class ComposedDigest:
    digest: Digest
    texts: list[str]
    chart: ChartImage | None
    caption: str


async def compose_digest(
    session: AsyncSession,
    week_start: date,
    now: datetime,
    t: Translator,
    calendar: WorkingDays,
    member_id: int | None = None,
    late_since: datetime | None = None,
) -> ComposedDigest:
    """The digest as of `now` in the reader's language, with its chart when one can be drawn."""
    digest = await collect_digest(session, week_start, now, t.zone, calendar, member_id)
    chart = await asyncio.to_thread(render_completion_chart, digest.units, t, digest.as_of)
    missing = chart is None and bool(charted(digest.units))
    texts = render_digest(digest, t, late_since, chart_missing=missing)
    return ComposedDigest(digest, texts, chart, chart_caption(digest, t))


async def record_digest_sent(
    session: AsyncSession,
    member_id: int,
    week_start: date,
    reminder_id: int | None,
    now: datetime,
    summary: dict[str, object],
) -> DigestSent:
    """Keep the week's counts for the coordinator (a retried row updates the same record)."""
    record = await session.scalar(
        select(DigestSent).where(
            DigestSent.member_id == member_id, DigestSent.week_start == week_start
        )
    )
    if record is None:
        record = DigestSent(member_id=member_id, week_start=week_start)
        session.add(record)
    record.reminder_id = reminder_id
    record.sent_at = now
    record.summary = dict(summary)
    await session.flush()
    return record


async def _superseded(session: AsyncSession, row: Reminder, now: datetime) -> bool:
    """A week late, or a newer week's digest for the same coordinator is already due."""
    if now - row.planned_at >= STALE_AFTER:
        return True
    newer = await session.scalar(
        select(Reminder.id).where(
            Reminder.kind == ReminderKind.DIGEST,
            Reminder.member_id == row.member_id,
            Reminder.dedupe_key.like(f"digest:{row.member_id}:%"),
            Reminder.dedupe_key > row.dedupe_key,
            Reminder.send_after <= now,
            Reminder.state != ReminderState.CANCELLED,
        )
    )
    return newer is not None


def as_messages(composed: ComposedDigest, reminder_ids: list[int]) -> list[RenderedMessage]:
    """The chart first (a photo with a short caption), then the text parts.

    Only the text parts settle the outbox row: a photo Telegram refuses must not fail the
    digest, nor be the only part that counts as delivered.
    """
    messages: list[RenderedMessage] = []
    if composed.chart is not None:
        messages.append(
            RenderedMessage(
                composed.caption, (), [], photo=composed.chart.png, photo_name=CHART_NAME
            )
        )
    messages.extend(RenderedMessage(text, (), list(reminder_ids)) for text in composed.texts)
    return messages


async def digest_for_row(
    session: AsyncSession,
    row: Reminder,
    t: Translator,
    now: datetime,
    calendar: WorkingDays,
) -> DigestOutcome:
    """Compose the digest an outbox row stands for, and record it as sent to its reader."""
    payload = row.payload or {}
    try:
        week_start = date.fromisoformat(str(payload["week"]))
    except (KeyError, ValueError):
        return DigestOutcome(skipped="digest row without a week")
    if row.member_id is None or not await is_coordinator(session, row.member_id):
        return DigestOutcome(skipped="no longer a coordinator")
    if await _superseded(session, row, now):
        return DigestOutcome(skipped="superseded by a newer digest")
    late_since = row.planned_at if now - row.planned_at > LATE_AFTER else None
    composed = await compose_digest(
        session, week_start, now, t, calendar, row.member_id, late_since
    )
    await record_digest_sent(
        session, row.member_id, week_start, row.id, now, composed.digest.summary()
    )
    return DigestOutcome(as_messages(composed, [row.id]))
