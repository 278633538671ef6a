"""A unit's duties as an iCalendar feed (.ics) that calendar apps import or subscribe to.

Due dates are all-day events, windows span from their opening to the due date, a duty held
over days (Constitution Week) spans those days with its preparation and its report as alarms;
alarms sit at the bot's reminder times. Each event's UID is `assignment-<id>@dutybot` and its SEQUENCE
grows with every status report, so importing a newer export updates the events in place
instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from bot.clock import local_date
from bot.i18n import Translator, _
from bot.render.labels import STATUS_ICONS, period_label, status_label
from bot.text import shorten
from bot.usecases.ledger.calendar_feed import FeedEvent
from storage.models import AssignmentStatus

PRODID = "-//dutybot//rule-of-law duties//ZH"
SUMMARY_CHARS = 60
DROPPED = (AssignmentStatus.WAIVED, AssignmentStatus.CANCELLED)


def event_uid(assignment_id: int) -> str:
    return f"assignment-{assignment_id}@dutybot"


def _description(item: FeedEvent, t: Translator) -> str:
    lines = [
        " ".join(item.text.split()),
        "",
        t.gettext(_("Source: {plan}, item {number}"), plan=item.plan_title, number=item.number),
        t.gettext(_("Period: {period}"), period=period_label(item.period_key, t)),
    ]
    if item.event_start is not None:
        lines.append(t.gettext(_("Preparation from: {date}"), date=t.date_with_weekday(item.start)))
        lines.append(t.gettext(_("Report due: {date}"), date=t.date_with_weekday(item.due)))
    else:
        lines.append(t.gettext(_("Due: {date}"), date=t.date_with_weekday(item.due)))
    lines.append(t.gettext(_("Status: {status}"), status=status_label(item.status, t)))
    return "\n".join(lines)


def _event(item: FeedEvent, t: Translator, now: datetime) -> Event:
    event = Event()
    event.add("uid", event_uid(item.assignment_id))
    event.add("dtstamp", now)
    event.add("last-modified", item.updated)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.event_start or item.start)
    event.add("dtend", (item.event_end or item.due) + timedelta(days=1))
    event.add(
        "summary",
        f"{STATUS_ICONS[item.status]} {item.unit_name}: {shorten(item.text, SUMMARY_CHARS, one_line=True)}",
    )
    event.add("description", _description(item, t))
    event.add("status", "CANCELLED" if item.status in DROPPED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    for moment in item.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        preparing = item.event_start is not None and local_date(moment, t.zone) < item.due
        alarm.add(
            "description",
            t.gettext(
                _("Prepare for {date}: {duty}") if preparing else _("Due {date}: {duty}"),
                date=t.date(item.event_start if preparing else item.due),
                duty=shorten(item.text, SUMMARY_CHARS, one_line=True),
            ),
        )
        alarm.add("trigger", moment, parameters={"VALUE": "DATE-TIME"})  # RFC 5545 3.8.6.3
        event.add_component(alarm)
    return event


def unit_calendar(
    unit_name: str, events: Sequence[FeedEvent], t: Translator, now: datetime
) -> bytes:
    """The .ics bytes of one unit's feed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", t.gettext(_("{unit}: duties"), unit=unit_name))
    calendar.add("x-wr-timezone", str(t.zone))
    for item in events:
        calendar.add_component(_event(item, t, now))
    return calendar.to_ical()
