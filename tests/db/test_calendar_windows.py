"""Calendar files: a duty held over days is an event over those days (Constitution Week is
the week itself, not the preparation start to the report's due date), with the preparation
and the report as alarms; a window duty (the first-quarter report) spans its window (issue 19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.cli.sample import SAMPLE_NAME, sample_plan_text
from bot.clock import SettableClock
from bot.render.ics import unit_calendar
from bot.services import Services
from bot.usecases.importing.documents import read_source
from bot.usecases.importing.planning import import_and_plan
from bot.usecases.ledger.calendar_feed import alarm_policy, unit_feed
from bot.usecases.units.lookup import find_unit
from scheduling.dates.occurrences import PREPARE_DAYS
from scheduling.dates.statutory import constitution_week

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))


async def _events(services: Services, unit_name: str) -> list:
    now = services.clock.now()
    today = now.astimezone(ZONE).date()
    text = sample_plan_text(today, services.calendar)
    await import_and_plan(services, [read_source(text.encode("utf-8"), SAMPLE_NAME)])
    async with services.sessions() as session:
        unit = await find_unit(session, unit_name)
        assert unit is not None
        feed = await unit_feed(
            session, unit.id, now, alarm_policy(services.settings), services.calendar
        )
    ics = unit_calendar(unit_name, feed, services.translator("zh_CN"), now)
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def _alarms(event) -> list[datetime]:  # noqa: ANN001 - an icalendar component
    return sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))


async def test_constitution_week_is_the_week_itself_with_preparation_as_an_alarm(
    services: Services, clock: SettableClock
) -> None:
    first, last = constitution_week(2026)
    events = await _events(services, "东城街道")
    week = [e for e in events if e.decoded("dtstart") == first]
    assert week, [(e.decoded("dtstart"), str(e.get("summary"))) for e in events]
    for event in week:
        assert event.decoded("dtend") == last + timedelta(days=1), "the week, not Nov 17 – Dec 9"
        alarms = _alarms(event)
        prepare = datetime.combine(first - timedelta(days=PREPARE_DAYS), time(9), ZONE)
        assert alarms[0] == prepare.astimezone(UTC), "the preparation starts"
        report_due = alarms[-1].astimezone(ZONE).date()
        assert report_due > last, "the report after the week"
        assert "报送截止" in str(event.get("description"))
    day = [e for e in events if e.decoded("dtstart") == date(2026, 12, 4)]
    assert all(e.decoded("dtend") == date(2026, 12, 5) for e in day), "December 4 is one day"


async def test_a_window_duty_spans_its_window(services: Services, clock: SettableClock) -> None:
    events = await _events(services, "区司法局")
    quarter = [
        e
        for e in events
        if e.decoded("dtstart") == date(2027, 1, 1) and e.decoded("dtend") == date(2027, 4, 1)
    ]
    assert quarter, "the first-quarter report: January 1 to March 31"
