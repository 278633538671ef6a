"""/digest, /export and /calendar: the weekly digest now, the Excel ledger, a unit's .ics.

Thin: parse the arguments, call the use case, send what it made. Files are built outside the
update's database transaction where they are CPU work (the workbook, the chart runs in a
thread inside `compose_digest`).
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.delivery.digest import ComposedDigest, compose_digest
from bot.i18n import Translator, _
from bot.render.tasks import not_bound_text
from bot.usecases.digest.schedule import week_start_of
from bot.usecases.jurisdictions.scope import find_seen_unit, office_scope
from bot.usecases.ledger.calendar_feed import FeedEvent, alarm_policy, unit_feed
from bot.usecases.ledger.collect import Ledger, collect_ledger
from bot.usecases.members.directory import is_coordinator
from bot.usecases.tasks.lists import liaison_unit_ids
from bot.usecases.units.lookup import suggest_units, unit_names
from handlers.common import Turn, turn
from handlers.context import BotContext

CHART_NAME = "digest.png"
LEDGER_FILE = _("ledger")  # the file name's first word, e.g. 台账-2026-11-23.xlsx


def _coordinators_only(t: Translator) -> str:
    return t.gettext(_("Only coordinators can do this."))


async def _unknown_unit(tr: Turn, name: str) -> str:
    text = tr.t.gettext(_("I do not know the unit “{unit}”."), unit=name)
    hints = await suggest_units(tr.session, name)
    if hints:
        text += "\n" + tr.t.gettext(_("Did you mean: {names}"), names="、".join(hints))
    return text


async def digest(update: Update, context: BotContext) -> None:
    """A coordinator's digest as of now, chart first; nothing is recorded for next week."""
    services = context.services
    composed: ComposedDigest | None = None
    async with turn(update, context) as tr:
        if tr is None:
            return
        if not await is_coordinator(tr.session, tr.member.id):
            refusal = _coordinators_only(tr.t)
        else:
            refusal = None
            week = week_start_of(context.services.today())
            composed = await compose_digest(
                tr.session, week, services.clock.now(), tr.t, services.calendar, tr.member.id
            )
    message = update.effective_message
    if composed is None:
        await message.reply_text(refusal or "")
        return
    if composed.chart is not None:
        await message.reply_photo(
            photo=composed.chart.png, caption=composed.caption, filename=CHART_NAME
        )
    for text in composed.texts:
        await message.reply_text(text)


async def export(update: Update, context: BotContext) -> None:
    """/export [UNIT]: the ledger as .xlsx (every plan; one unit's duties with a unit)."""
    services = context.services
    wanted = " ".join(context.args or []).strip()
    ledger: Ledger | None = None
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        scope = await office_scope(tr.session, tr.member.id)
        if scope is None:
            reply = _coordinators_only(t)
        else:
            unit = await find_seen_unit(tr.session, wanted, scope) if wanted else None
            if wanted and unit is None:
                reply = await _unknown_unit(tr, wanted)
            elif unit is not None and not scope.sees(unit.jurisdiction_id):
                reply = t.gettext(_("Only coordinators can see other units."))
            else:
                ledger = await collect_ledger(
                    tr.session,
                    context.services.today(),
                    services.calendar,
                    unit_id=unit.id if unit else None,
                    places=scope.places,
                )
                reply = "" if ledger.plans else t.gettext(_("There is nothing to export yet."))
    message = update.effective_message
    if ledger is None or not ledger.plans:
        await message.reply_text(reply)
        return
    from bot.render.ledger_xlsx import ledger_workbook  # openpyxl: loaded when first asked

    data = await asyncio.to_thread(ledger_workbook, ledger, t)
    rows = sum(len(plan.rows) for plan in ledger.plans)
    await message.reply_document(
        document=data,
        filename=f"{t.gettext(LEDGER_FILE)}-{ledger.as_of.isoformat()}.xlsx",
        caption=t.ngettext(
            "The ledger: {count} duty, as of {date}. It can be imported back.",
            "The ledger: {count} duties, as of {date}. It can be imported back.",
            rows,
            date=t.date(ledger.as_of),
        ),
    )


async def _feeds(
    tr: Turn, context: BotContext, wanted: str
) -> tuple[list[tuple[str, list[FeedEvent]]], str]:
    """(unit name, events) for each unit asked for or bound to, or a reply saying why not."""
    services = context.services
    scope = await office_scope(tr.session, tr.member.id)
    coordinator = scope is not None
    mine = await liaison_unit_ids(tr.session, tr.member.id)
    if not coordinator and not mine:
        return [], not_bound_text(tr.t)  # a stranger learns no unit's name, not even a hint
    if wanted:
        unit = await find_seen_unit(tr.session, wanted, scope)
        if unit is None:
            return [], await _unknown_unit(tr, wanted)
        if unit.id not in mine and (scope is None or not scope.sees(unit.jurisdiction_id)):
            return [], tr.t.gettext(_("Only coordinators can see other units."))
        units = {unit.id: unit.name}
    elif mine:
        units = await unit_names(tr.session, mine)
    else:
        return [], tr.t.gettext(_("Which unit? /calendar UNIT"))
    now = services.clock.now()
    policy = alarm_policy(services.settings)
    feeds = [
        (name, await unit_feed(tr.session, unit_id, now, policy, services.calendar))
        for unit_id, name in units.items()
    ]
    return feeds, ""


async def calendar(update: Update, context: BotContext) -> None:
    """/calendar [UNIT]: each of the liaison's units (or the named one) as an .ics file."""
    wanted = " ".join(context.args or []).strip()
    async with turn(update, context) as tr:
        if tr is None:
            return
        t = tr.t
        feeds, reply = await _feeds(tr, context, wanted)
    message = update.effective_message
    if not feeds:
        await message.reply_text(reply)
        return
    from bot.render.ics import unit_calendar  # icalendar: loaded when first asked

    now = context.services.clock.now()
    for name, events in feeds:
        await message.reply_document(
            document=unit_calendar(name, events, t, now),
            filename=f"{name}.ics",
            caption=t.ngettext(
                "{unit}: {count} deadline. Open the file to add it to your calendar; "
                "a newer file updates the same events.",
                "{unit}: {count} deadlines. Open the file to add them to your calendar; "
                "a newer file updates the same events.",
                len(events),
                unit=name,
            ),
        )
