"""/mytasks pages, duty cards and /status tables, each under Telegram's 4096 characters."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator, _
from bot.render.buttons import open_card_button, pager, rows_of, status_rows
from bot.render.labels import STATUS_ICONS, held_this_year, period_label, status_label
from bot.text import shorten
from bot.usecases.status.events import EventDuty
from bot.usecases.status.overview import Shows, StatusView
from bot.usecases.tasks.lights import LIGHT_ICONS, Light
from bot.usecases.tasks.lists import (
    DutyCard,
    HistoryLine,
    TaskFilter,
    TaskPage,
    TaskRow,
    UnitCounts,
)
from scheduling.delivery.sender import Button

CARD_TEXT_LIMIT = 1500
CARD_LIMIT = 3991  # the whole card, well under Telegram's 4096
HISTORY_LIMIT = 12
STATUS_PAGE_SIZE = 25

FILTER_NAMES = {
    TaskFilter.OPEN: _("open"),
    TaskFilter.OVERDUE: _("overdue"),
    TaskFilter.ONGOING: _("ongoing, no deadline"),
    TaskFilter.MONTH: _("this month"),
    TaskFilter.ALL: _("all"),
    TaskFilter.DONE: _("done"),
}
LIGHTS = LIGHT_ICONS


def not_bound_text(t: Translator) -> str:
    return t.gettext(
        _(
            "You are not a liaison of any unit yet. Open the invite link your coordinator "
            "sent you, or ask them for one."
        )
    )


def render_event_list(
    duties: list[EventDuty], t: Translator
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """A unit's duties that count from an event, each with a button to report it."""
    lines = [t.gettext(_("Duties that count from an event (report it when it happens):"))]
    buttons = []
    for index, duty in enumerate(duties, start=1):
        lines.append(
            f"{index}. {shorten(duty.text, 90, one_line=True)}\n    “{duty.phrase}” · {duty.unit_name}"
        )
        label = t.gettext(_("Report: {duty}"), duty=shorten(duty.text, 16, one_line=True))
        buttons.append(Button(f"📅 {index}. {label}", f"ev:r:{duty.duty_id}:{duty.unit_id}"))
    if not duties:
        lines.append(t.gettext(_("Nothing here.")))
    return "\n".join(lines), rows_of(buttons, 1)


def _due_phrase(row_due: date, today: date, t: Translator, open_: bool) -> str:
    shown = t.date(row_due)
    if open_ and row_due < today:
        days = (today - row_due).days
        return t.ngettext(
            "{date}, overdue by {count} day", "{date}, overdue by {count} days", days, date=shown
        )
    return shown


def task_line(index: int, row: TaskRow, today: date, t: Translator) -> str:
    icon = "🔴" if row.overdue(today) else STATUS_ICONS[row.status]
    count = ""
    if row.target_count:
        count = f" [{row.progress_count}/{row.target_count}]"
    if row.checkin:  # an undated duty: no deadline to show, only the period asked about
        when = t.gettext(
            _("No deadline · progress check-in for {period}"),
            period=period_label(row.period_key, t),
        )
        return f"{index}. {icon} {shorten(row.text, 90, one_line=True)}{count}\n    {when} · {row.unit_name}"
    due = t.gettext(_("Due: {date}"), date=_due_phrase(row.due, today, t, row.overdue(today)))
    return (
        f"{index}. {icon} {shorten(row.text, 90, one_line=True)}{count}\n"
        f"    {due} · {period_label(row.period_key, t)} · {row.unit_name}"
    )


def render_task_page(
    page: TaskPage, today: date, t: Translator, event_duties: int = 0
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    title = t.gettext(
        _("Your tasks ({filter}): {total}"),
        filter=t.gettext(FILTER_NAMES[page.filter]),
        total=page.total,
    )
    if not page.rows:
        body = t.gettext(_("Nothing here."))
    else:
        first = page.page * 8 + 1
        body = "\n".join(task_line(first + i, row, today, t) for i, row in enumerate(page.rows))
    footer = t.gettext(
        _("Page {page} of {pages}. Tap a duty below to open its card."),
        page=page.page + 1,
        pages=page.pages,
    )
    text = f"{title}\n\n{body}\n\n{footer}"
    open_buttons = [
        open_card_button(page.page * 8 + i + 1, row.text, row.assignment_id)
        for i, row in enumerate(page.rows)
    ]
    nav = pager(f"t:{page.filter.value}", page.page, page.pages, t)
    filters = tuple(
        Button(("• " if f is page.filter else "") + t.gettext(FILTER_NAMES[f]), f"t:{f.value}:0")
        for f in TaskFilter
    )
    rows: list[tuple[Button, ...]] = list(rows_of(open_buttons))
    if nav:
        rows.append(tuple(nav))
    rows.append(filters[:3])
    rows.append(filters[3:])
    if event_duties:
        label = t.gettext(_("Counting from an event ({count})"), count=event_duties)
        rows.append((Button("📅 " + label, "ev:l"),))
    return text, tuple(rows)


def _history_line(line: HistoryLine, t: Translator) -> str:
    when = t.datetime(line.at)
    parts = [f"{when} {line.who}:"]
    if line.is_undo:
        parts.append(t.gettext(_("undid a change")))
    if line.status is not None:
        parts.append(status_label(line.status, t))
    if line.count_delta > 0:
        parts.append(
            t.gettext(_("+1 held on {date}"), date=t.date(line.event_date))
            if line.event_date
            else "+1"
        )
    if line.requested_due is not None:
        parts.append(t.gettext(_("new date {date}"), date=t.date(line.requested_due)))
    if line.event_date is not None and line.count_delta == 0:
        parts.append(t.gettext(_("event on {date}"), date=t.date(line.event_date)))
    if line.note:
        parts.append("“" + shorten(line.note, 200, one_line=True) + "”")
    if line.evidence_kind:
        label = line.evidence_name or line.evidence_url or line.evidence_kind
        parts.append("📎 " + shorten(label, 80, one_line=True))
    text = " ".join(parts)
    return text + " " + t.gettext(_("(undone)")) if line.undone else text


def render_card(
    card: DutyCard,
    today: date,
    t: Translator,
    rule_texts: list[str],
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The duty card as plain text (HTML-escaped by the caller's choice of no parse mode)."""
    lines = [
        *_card_head(card, today, t),
        *_card_facts(card, t, rule_texts),
        *_card_history(card, t),
    ]
    return shorten("\n".join(lines), CARD_LIMIT), _card_buttons(card, t)


def _card_head(card: DutyCard, today: date, t: Translator) -> list[str]:
    """Where the duty comes from, its words, and when it is due."""
    lines = [
        f"📋 {card.plan_title} · " + t.gettext(_("item {number}"), number=card.number),
    ]
    if card.section:
        lines.append(" › ".join(shorten(s, 40, one_line=True) for s in card.section))
    lines.append("")
    lines.append(shorten(card.text, CARD_TEXT_LIMIT, one_line=True))
    lines.append("")
    lines.append(t.gettext(_("Unit: {unit}"), unit=card.unit_name))
    lines.append(t.gettext(_("Period: {period}"), period=period_label(card.period_key, t)))
    if card.window_start:
        lines.append(
            t.gettext(
                _("Window: {start} – {due}"),
                start=t.date(card.window_start),
                due=t.date_with_weekday(card.due),
            )
        )
    elif card.checkin and card.due >= today:
        lines.append(t.gettext(_("No deadline: progress is asked about each period.")))
    else:
        lines.append(t.gettext(_("Due: {date}"), date=t.date_with_weekday(card.due)))
    return lines


def _card_facts(card: DutyCard, t: Translator, rule_texts: list[str]) -> list[str]:
    """Status, count, units, schedule and who else shares the duty."""
    lines = [t.gettext(_("Status: {status}"), status=status_label(card.status, t))]
    for title, number in card.also:
        lines.append(
            t.gettext(
                _("Also required by: {plan}, item {number} (one deadline for both)"),
                plan=shorten(title, 60, one_line=True),
                number=number,
            )
        )
    if card.target_count:
        lines.append(held_this_year(card.progress_count, card.target_count, t))
    if card.lead:
        lines.append(t.gettext(_("Lead units: {names}"), names="、".join(card.lead)))
    if card.responsible:
        lines.append(t.gettext(_("Responsible units: {names}"), names="、".join(card.responsible)))
    if rule_texts:
        lines.append(t.gettext(_("Schedule:")))
        lines.extend(f"• {shorten(text, 200, one_line=True)}" for text in rule_texts)
    if card.others:
        shared = "、".join(f"{name} {STATUS_ICONS[status]}" for name, status in card.others[:20])
        more = f" (+{len(card.others) - 20})" if len(card.others) > 20 else ""
        lines.append(t.gettext(_("Shared with: {names}"), names=shared + more))
    return lines


def _card_history(card: DutyCard, t: Translator) -> list[str]:
    if not card.history:
        return []
    lines = ["", t.gettext(_("History:"))]
    shown = card.history[-HISTORY_LIMIT:]
    if len(card.history) > len(shown):
        lines.append(
            t.gettext(_("… {count} earlier entries"), count=len(card.history) - len(shown))
        )
    lines.extend(_history_line(line, t) for line in shown)
    return lines


def _card_buttons(card: DutyCard, t: Translator) -> tuple[tuple[Button, ...], ...]:
    """The status buttons (its status marked), and those only some duties have (count,
    event, evidence)."""
    aid = card.assignment_id
    extra: list[Button] = []
    if card.target_count:
        extra.append(Button("➕1 " + t.gettext(_("One more held")), f"s:c:{aid}"))
    if card.has_event_rule:
        extra.append(Button("📅 " + t.gettext(_("Report the event")), f"s:e:{aid}"))
    files = [line for line in card.history if line.has_file and not line.undone]
    if files:
        extra.append(Button("📎 " + t.gettext(_("Evidence")), f"v:{aid}"))
    return status_rows(aid, t, card.status, tuple(extra))


def render_unit_status(
    counts: UnitCounts | None, deadlines: list[TaskRow], today: date, t: Translator, unit_name: str
) -> str:
    lines = [t.gettext(_("Status of {unit}"), unit=unit_name)]
    if counts is None:
        lines.append(t.gettext(_("No duties are assigned to this unit yet.")))
        return "\n".join(lines)
    lines.append(
        t.gettext(
            _("{light} done {done} · open {open} · overdue {overdue} · due in 14 days {soon}"),
            light=LIGHTS[counts.light],
            done=counts.done,
            open=counts.open,
            overdue=counts.overdue,
            soon=counts.due_soon,
        )
    )
    if counts.blocked or counts.more_time or counts.in_progress:
        lines.append(
            t.gettext(
                _("in progress {progress} · blocked {blocked} · more time asked {more}"),
                progress=counts.in_progress,
                blocked=counts.blocked,
                more=counts.more_time,
            )
        )
    if counts.ongoing:
        lines.append(
            t.gettext(
                _("ongoing duties without a deadline (asked about each period): {count}"),
                count=counts.ongoing,
            )
        )
    if deadlines:
        lines.append("")
        lines.append(t.gettext(_("Next deadlines:")))
        lines.extend(task_line(i + 1, row, today, t) for i, row in enumerate(deadlines))
    return "\n".join(lines)


def render_office_status(
    counts: list[UnitCounts], t: Translator, page: int = 0, opened: int | None = None
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """Every unit as a traffic light, worst first, paged by STATUS_PAGE_SIZE; the pages of a
    jurisdiction opened below the office (`opened`) stay in it (o:j<id>:<page>)."""
    pages = max(1, -(-len(counts) // STATUS_PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    shown = counts[page * STATUS_PAGE_SIZE : (page + 1) * STATUS_PAGE_SIZE]
    tally = {light: sum(1 for c in counts if c.light is light) for light in Light}
    lines = [
        t.gettext(
            _("All units: 🔴 {red} · 🟡 {yellow} · 🟢 {green} · ⚪ {grey}"),
            red=tally[Light.RED],
            yellow=tally[Light.YELLOW],
            green=tally[Light.GREEN],
            grey=tally[Light.GREY],
        ),
        "",
    ]
    if not counts:
        lines.append(t.gettext(_("No duties are assigned yet. Import a plan first.")))
    for c in shown:
        numbers = (
            t.gettext(
                _("overdue {overdue}, blocked {blocked}, open {open}, done {done}"),
                overdue=c.overdue,
                blocked=c.blocked,
                open=c.open,
                done=c.done,
            )
            if c.blocked
            else t.gettext(
                _("overdue {overdue}, open {open}, done {done}"),
                overdue=c.overdue,
                open=c.open,
                done=c.done,
            )
        )
        lines.append(f"{LIGHTS[c.light]} {shorten(c.unit_name, 24, one_line=True)} — {numbers}")
    lines.append("")
    lines.append(
        t.gettext(
            _("Page {page} of {pages}. /status UNIT shows one unit."), page=page + 1, pages=pages
        )
    )
    nav = pager("o" if opened is None else f"o:j{opened}", page, pages, t)
    return "\n".join(lines), ((nav,) if nav else ())


def render_status_view(view: StatusView, today: date, t: Translator) -> str:
    """/status for anything but the office overview (see `render_office_status`)."""
    if view.shows is Shows.UNKNOWN_UNIT:
        text = t.gettext(_("I do not know the unit “{unit}”."), unit=view.asked)
        if view.hints:
            text += "\n" + t.gettext(_("Did you mean: {names}"), names="、".join(view.hints))
        return text
    if view.shows is Shows.NOT_ALLOWED:
        return t.gettext(_("Only coordinators can see other units."))
    if view.shows is Shows.NOT_BOUND:
        return not_bound_text(t)
    return "\n\n".join(
        render_unit_status(unit.counts, unit.deadlines, today, t, unit.name) for unit in view.units
    )
