"""Event-relative duties: listed for the unit, the event reported, the deadline created."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from bot.cli.sample import SAMPLE_NAME, sample_plan_text
from bot.clock import SettableClock
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.invites.links import create_invite
from bot.usecases.units.lookup import find_unit
from storage.models import Assignment, Occurrence, Reminder, Role
from tests.e2e import running_bot
from tests.end_to_end.test_e2e_conversations import buttons, press_and_reply


async def test_report_a_publication_and_get_the_filing_deadline(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock, reminder_time=time(10, 0)) as h:
        today = clock.now().astimezone(h.services.settings.zone).date()
        text = sample_plan_text(today, h.services.calendar)
        await import_sources(h.services, [read_source(text.encode("utf-8"), SAMPLE_NAME)])
        liaison = await h.user("张市场")
        async with h.services.sessions() as session, session.begin():
            unit = await find_unit(session, "区市场监督管理局")
            token = (await create_invite(session, h.clock, Role.LIAISON, unit)).token
        await h.say(liaison, f"/start {token}")
        tasks = await h.say(liaison, "/mytasks")
        assert "ev:l" in buttons(tasks)
        listing = await press_and_reply(h, liaison, tasks, "ev:l")
        assert "自发布之日起15日内" in listing["text"]
        ask = await press_and_reply(h, liaison, listing, buttons(listing)[0])
        assert "哪一天" in ask["text"]
        recorded = await h.say(liaison, "2026-11-20")
        assert "2026年12月5日" in recorded["text"], recorded["text"]
        async with h.services.sessions() as session:
            due = await session.scalar(
                select(Occurrence.due_date).where(Occurrence.period_key == "event-2026-11-20")
            )
            assignment = await session.scalar(
                select(Assignment).where(Assignment.due_date == date(2026, 12, 5))
            )
            reminders = list(
                await session.scalars(
                    select(Reminder).where(
                        Reminder.assignment_id == (assignment.id if assignment else 0)
                    )
                )
            )
        assert due == date(2026, 12, 5)
        assert assignment is not None and reminders, "the new deadline is reminded"
        outsider = await h.user("路人")
        await h.say(outsider, "/help")
        seen = len(await h.sandbox.callback_answers())
        own = await h.say(outsider, "/help")
        await h.sandbox.press(outsider, own["message_id"], buttons(listing)[0])
        from tests.end_to_end.test_e2e_conversations import wait_answers

        answers = await wait_answers(h, seen + 1)
        assert answers[-1].get("show_alert") and "不能代表" in answers[-1]["text"]
