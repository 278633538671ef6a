"""The weekly digest as chat messages, in the reader's language.

Sections (completion, changes, overdue, due soon, silent units, unreachable liaisons, units
without a liaison, calendar notes) are made of entries; messages are packed entry by entry
under Telegram's 4096 characters, a section that continues repeating its heading. Long lists
are cut after a few dozen entries with a count of the rest: the ledger (/export) has them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import local_date
from bot.i18n import Translator, _
from bot.render.labels import status_label
from bot.text import shorten
from bot.usecases.digest.data import Digest, DueSoonItem, OverdueItem, UnreachableLiaison
from bot.usecases.tasks.lights import LIGHT_ICONS

TELEGRAM_LIMIT = 4096
MESSAGE_BUDGET = 3900
ENTRY_LIMIT = 700
DUTY_CHARS = 60
UNIT_CHARS = 40
NAMES_LINE_CHARS = 400
OVERDUE_SHOWN = 30
DUE_SOON_SHOWN = 20
UNREACHABLE_SHOWN = 30


@dataclass(frozen=True)
class Section:
    """A heading and its entries; the heading is repeated when the section spills over."""

    heading: str
    entries: tuple[str, ...] = ()


def headline(digest: Digest, t: Translator) -> str:
    return "\n".join(
        [
            t.gettext(_("📊 Weekly digest, week of {date}"), date=t.date(digest.week_start)),
            t.gettext(_("As of {date}."), date=t.date_with_weekday(digest.as_of)),
        ]
    )


def completion_lines(digest: Digest, t: Translator) -> list[str]:
    done = digest.completion
    if done.due:
        first = t.gettext(
            _(
                "Completion {year} so far: {done} of {due} assignments due by now are done ({percent}%)."
            ),
            year=done.year,
            done=done.done,
            due=done.due,
            percent=done.percent,
        )
    else:
        first = t.gettext(_("Completion {year} so far: nothing was due yet."), year=done.year)
    whole = t.gettext(
        _("Whole year: {done} of {total} assignments done."),
        done=done.year_done,
        total=done.year_total,
    )
    return [first, whole]


def change_lines(digest: Digest, t: Translator) -> list[str]:
    changes = digest.changes
    overdue_now = len(digest.overdue)
    if changes.previous is None:
        return [
            t.gettext(
                _(
                    "Last 7 days: {done} done, {overdue} newly overdue (no earlier digest to compare)."
                ),
                done=changes.done,
                overdue=changes.newly_overdue,
            ),
            t.gettext(_("Overdue now: {now}."), now=overdue_now),
        ]
    before = changes.previous.get("overdue", 0)
    return [
        t.gettext(
            _("Since the last digest ({date}): {done} done, {overdue} newly overdue."),
            date=t.date(local_date(changes.since, t.zone)),
            done=changes.done,
            overdue=changes.newly_overdue,
        ),
        t.gettext(_("Overdue now: {now} (last digest: {before})."), now=overdue_now, before=before),
    ]


def _more(hidden: int, t: Translator) -> list[str]:
    if hidden <= 0:
        return []
    return [
        t.ngettext(
            "… and {count} more; /export has the full ledger.",
            "… and {count} more; /export has the full ledger.",
            hidden,
        )
    ]


def overdue_section(items: Sequence[OverdueItem], t: Translator) -> Section:
    if not items:
        return Section(t.gettext(_("🔴 Nothing is overdue.")))
    heading = t.ngettext(
        "🔴 {count} overdue assignment, oldest first:",
        "🔴 {count} overdue assignments, oldest first:",
        len(items),
    )
    entries = [
        f"{index}. "
        + t.ngettext(
            "{unit}: {count} day overdue (due {date}) — {duty}",
            "{unit}: {count} days overdue (due {date}) — {duty}",
            item.days,
            unit=shorten(item.unit_name, UNIT_CHARS, one_line=True),
            date=t.date(item.due),
            duty=shorten(item.text, DUTY_CHARS, one_line=True),
        )
        for index, item in enumerate(items[:OVERDUE_SHOWN], start=1)
    ]
    return Section(heading, (*entries, *_more(len(items) - OVERDUE_SHOWN, t)))


def _due_soon_entry(item: DueSoonItem, t: Translator) -> str:
    values = {
        "unit": shorten(item.unit_name, UNIT_CHARS, one_line=True),
        "date": t.date(item.due),
        "duty": shorten(item.text, DUTY_CHARS, one_line=True),
        "status": status_label(item.status, t),
    }
    if item.workdays_left <= 0:
        return t.gettext(_("{unit}: due today, {status} — {duty}"), **values)
    return t.ngettext(
        "{unit}: due {date}, {count} working day left, {status} — {duty}",
        "{unit}: due {date}, {count} working days left, {status} — {duty}",
        item.workdays_left,
        **values,
    )


def due_soon_section(items: Sequence[DueSoonItem], t: Translator) -> Section:
    if not items:
        return Section(t.gettext(_("🟡 Nothing is due in the next 14 days.")))
    heading = t.ngettext(
        "🟡 {count} assignment due within 14 days:",
        "🟡 {count} assignments due within 14 days:",
        len(items),
    )
    entries = [
        f"{index}. {_due_soon_entry(item, t)}"
        for index, item in enumerate(items[:DUE_SOON_SHOWN], start=1)
    ]
    return Section(heading, (*entries, *_more(len(items) - DUE_SOON_SHOWN, t)))


def name_lines(names: Sequence[str], limit: int = NAMES_LINE_CHARS) -> list[str]:
    """Names joined with 、 into lines of at most `limit` characters (entries to pack)."""
    lines: list[str] = []
    current = ""
    for name in names:
        name = shorten(name, UNIT_CHARS, one_line=True)
        candidate = f"{current}、{name}" if current else name
        if current and len(candidate) > limit:
            lines.append(current)
            candidate = name
        current = candidate
    if current:
        lines.append(current)
    return lines


def silent_section(names: Sequence[str], t: Translator) -> Section:
    if not names:
        return Section(t.gettext(_("🔕 No silent units.")))
    heading = t.ngettext(
        "🔕 {count} silent unit (no status report after its last 3 reminders):",
        "🔕 {count} silent units (no status report after their last 3 reminders):",
        len(names),
    )
    return Section(heading, tuple(name_lines(names)))


def _unreachable_entry(liaison: UnreachableLiaison, t: Translator) -> str:
    who = liaison.name or "—"
    if liaison.username:
        who += f" (@{liaison.username})"
    units = shorten("、".join(liaison.units), 120, one_line=True)
    if liaison.since is None:
        return t.gettext(_("{who}, {units}"), who=who, units=units)
    return t.gettext(
        _("{who}, {units}, since {date}"),
        who=who,
        units=units,
        date=t.date(local_date(liaison.since, t.zone)),
    )


def unreachable_section(liaisons: Sequence[UnreachableLiaison], t: Translator) -> Section:
    if not liaisons:
        return Section(t.gettext(_("📵 Every liaison is reachable.")))
    heading = t.ngettext(
        "📵 {count} liaison the bot cannot reach:",
        "📵 {count} liaisons the bot cannot reach:",
        len(liaisons),
    )
    entries = [
        f"{index}. {_unreachable_entry(liaison, t)}"
        for index, liaison in enumerate(liaisons[:UNREACHABLE_SHOWN], start=1)
    ]
    return Section(heading, (*entries, *_more(len(liaisons) - UNREACHABLE_SHOWN, t)))


def no_liaison_section(names: Sequence[str], t: Translator) -> Section:
    if not names:
        return Section(t.gettext(_("👤 Every unit with duties has a liaison.")))
    heading = t.ngettext(
        "👤 {count} unit has no liaison (use /invite):",
        "👤 {count} units have no liaison (use /invite):",
        len(names),
    )
    return Section(heading, tuple(name_lines(names)))


def note_lines(
    digest: Digest, t: Translator, late_since: datetime | None, chart_missing: bool
) -> list[str]:
    notes: list[str] = []
    if digest.fallback_years:
        notes.append(
            t.gettext(
                _(
                    "📅 No official holiday data for {years} yet: working days there skip weekends "
                    "and the statutory public holidays, but make-up working days are not known. An "
                    "administrator can load that year's holidays from a file."
                ),
                years="、".join(str(year) for year in digest.fallback_years),
            )
        )
    if chart_missing:
        notes.append(
            t.gettext(
                _(
                    "(No chart: the server has no font for Chinese text. An administrator can "
                    "install one, e.g. the fonts-noto-cjk package.)"
                )
            )
        )
    if late_since is not None:
        notes.append(
            t.gettext(
                _("(This digest was due at {time} and is sent late.)"),
                time=t.datetime(late_since),
            )
        )
    return notes


def districts_section(digest: Digest, t: Translator) -> list[Section]:
    """A city's digest: each district below as one row (its light and counts)."""
    if not digest.districts:
        return []
    entries = tuple(
        f"{LIGHT_ICONS[row.light]} {row.unit_name} — "
        + t.gettext(
            _("overdue {overdue}, open {open}, done {done}"),
            overdue=row.overdue,
            open=row.open,
            done=row.done,
        )
        for row in digest.districts
    )
    heading = t.gettext(_("🏛 The jurisdictions below ({count}):"), count=len(entries))
    return [Section(heading, entries)]


def digest_sections(
    digest: Digest, t: Translator, late_since: datetime | None = None, chart_missing: bool = False
) -> list[Section]:
    return [
        Section(headline(digest, t), tuple(completion_lines(digest, t) + change_lines(digest, t))),
        *districts_section(digest, t),
        overdue_section(digest.overdue, t),
        due_soon_section(digest.due_soon, t),
        silent_section(digest.silent_units, t),
        unreachable_section(digest.unreachable, t),
        no_liaison_section(digest.no_liaison, t),
        *(Section(note) for note in note_lines(digest, t, late_since, chart_missing)),
    ]


def pack_sections(sections: Sequence[Section], t: Translator) -> list[str]:
    """Messages under MESSAGE_BUDGET, split between entries, never inside one.

    `size` is the length of the current message so far (blocks plus their separators); an
    entry goes in only if the message stays under budget with it, else the message is closed
    and the section goes on in the next one under its repeated heading.
    """
    messages: list[str] = []
    blocks: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal blocks, size
        if blocks:
            messages.append("\n\n".join(blocks))
        blocks, size = [], 0

    for section in sections:
        heading = shorten(section.heading, ENTRY_LIMIT)
        lines = [heading]
        for entry in section.entries:
            entry = shorten(entry, ENTRY_LIMIT)
            if size + len("\n".join(lines)) + 1 + len(entry) > MESSAGE_BUDGET:
                if len(lines) > 1:
                    blocks.append("\n".join(lines))
                    lines = [t.gettext(_("{heading} (continued)"), heading=heading)]
                flush()
            lines.append(entry)
        block = "\n".join(lines)
        if size + len(block) > MESSAGE_BUDGET:
            flush()
        blocks.append(block)
        size += len(block) + 2
    flush()
    return messages


def render_digest(
    digest: Digest, t: Translator, late_since: datetime | None = None, chart_missing: bool = False
) -> list[str]:
    """The digest's text, as one or more messages of at most 4096 characters."""
    return pack_sections(digest_sections(digest, t, late_since, chart_missing), t)


def chart_caption(digest: Digest, t: Translator) -> str:
    """The photo's caption (Telegram allows 1024 characters there)."""
    return "\n".join([headline(digest, t), completion_lines(digest, t)[0]])[:1024]
