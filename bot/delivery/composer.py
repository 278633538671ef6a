"""The bot's `MessageComposer`: reminders, notices and digests in each reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.digest import digest_for_row
from bot.delivery.reminders import plan_titles, reminder_entry
from bot.i18n import Translator, normalize_locale
from bot.render.notices import notice_buttons, render_notice
from bot.render.reminders import render_reminders
from scheduling.dates.workdays import WorkingDays
from scheduling.delivery.ports import Addressed, DigestOutcome, DueReminder, RenderedMessage
from storage.models import Member, Reminder


class BotComposer:
    """Writes the dispatcher's messages: entries per chat, split under Telegram's limit."""

    def __init__(self, calendar: WorkingDays, zone: ZoneInfo, default_locale: str) -> None:
        self.calendar = calendar
        self.zone = zone
        self.default_locale = default_locale

    async def reminders(
        self,
        session: AsyncSession,
        due: Mapping[int, Sequence[DueReminder]],
        now: datetime,
    ) -> list[Addressed]:
        everything = [reminder for chat in due.values() for reminder in chat]
        plans = await plan_titles(session, everything)
        outgoing: list[Addressed] = []
        for chat_id, reminders in due.items():
            member = reminders[0].row.member
            entries = [reminder_entry(r, plans, now, self.zone, self.calendar) for r in reminders]
            entries.sort(key=lambda e: (e.due_date, e.assignment_id))
            member_id = member.id if member is not None else None
            outgoing.extend(
                Addressed(chat_id, chat_id < 0, member_id, rendered)
                for rendered in render_reminders(entries, self.translator(member))
            )
        return outgoing

    def notice(self, row: Reminder) -> RenderedMessage:
        t = self.translator(row.member)
        text = render_notice(row.kind, row.payload or {}, t)
        return RenderedMessage(text, notice_buttons(row.payload or {}, t), [row.id])

    async def digest(self, session: AsyncSession, row: Reminder, now: datetime) -> DigestOutcome:
        return await digest_for_row(session, row, self.translator(row.member), now, self.calendar)

    def translator(self, member: Member | None) -> Translator:
        """The member's language, or the deployment's; always the deployment's zone."""
        locale = normalize_locale(member.language if member else None, self.default_locale)
        return Translator(locale=locale, zone=self.zone)
