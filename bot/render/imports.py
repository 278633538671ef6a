"""Import summaries for the chat: what a document holds, what confirming it will change.

Each message stays under Telegram's 4096 characters: plans are split across messages when
they do not fit together, and long lists are cut with a count.
"""

from __future__ import annotations

from collections import defaultdict

from bot.i18n import Translator, _
from bot.text import shorten
from bot.usecases.importing.result import ImportResult, ItemOutcome, PlanOutcome

MESSAGE_LIMIT = 4000
NUMBERS_SHOWN = 12
NAMES_SHOWN = 12
UNUSED_SHOWN = 12
UNUSED_CHARS = 70

DOCUMENT_ERRORS = {
    "empty": _("The file is empty."),
    "binary": _("The file is binary data, not a text or Office document."),
    "undecodable": _("The file's text encoding could not be recognised (UTF-8, GBK, GB18030)."),
    "unsupported_format": _(
        "This file type is not supported; send .txt, .html, .docx, .xlsx or .pdf."
    ),
    "legacy_office": _(
        "Old .doc, .wps and .xls files cannot be read: open the file in WPS or Word, save it "
        "as .docx (or .xlsx or PDF) and send that."
    ),
    "no_text": _("The PDF has no text layer (a scan?); send the original document or a text PDF."),
    "corrupt": _("The file is damaged and cannot be opened."),
    "no_items": _("No numbered tasks were found in the document, so there is nothing to import."),
    "unreadable": _("The file could not be read as a plan document."),
    "too_large": _("The file is too large to import (at most 20 MB)."),
    "changed": _("The file is not the one that was previewed; please send it again."),
}
REVIEW_REASONS = {
    "no_text": _("an item number without text"),
    "no_unit": _("no lead or responsible unit named"),
    "unknown_unit": _("a unit name that was not recognised"),
    "unclear_numbering": _("numbering does not follow the previous item"),
    "inherited_units": _("no units of its own; those of an item above are assumed"),
}


def document_error(reason: str, t: Translator) -> str:
    """One sentence saying why a document cannot be imported."""
    return t.gettext(DOCUMENT_ERRORS.get(reason, DOCUMENT_ERRORS["unreadable"]))


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + (f"… ({len(names)})" if len(names) > NAMES_SHOWN else "")


def _numbers(items: list[ItemOutcome]) -> str:
    shown = ", ".join(item.number for item in items[:NUMBERS_SHOWN])
    return shown + (f", … ({len(items)})" if len(items) > NUMBERS_SHOWN else "")


def _period(plan: PlanOutcome, t: Translator) -> str:
    if plan.year_from is None:
        return t.gettext(_("no year found"))
    if plan.year_to in (None, plan.year_from):
        return str(plan.year_from)
    return f"{plan.year_from}–{plan.year_to}"


def _review_lines(plan: PlanOutcome, t: Translator) -> list[str]:
    flagged = plan.needs_review
    if not flagged:
        return []
    lines = [
        t.ngettext("⚠️ {count} item needs review:", "⚠️ {count} items need review:", len(flagged))
    ]
    by_reason: dict[str, list[ItemOutcome]] = defaultdict(list)
    for item in flagged:
        for code in dict.fromkeys(reason.code.split(":", 1)[0] for reason in item.review):
            by_reason[code].append(item)
    for code, items in by_reason.items():
        label = REVIEW_REASONS.get(code)
        reason = t.gettext(label) if label else code
        lines.append(
            t.gettext(_("• {reason}: items {numbers}"), reason=reason, numbers=_numbers(items))
        )
    return lines


PAST_CHOICE_TEXT = {
    "ask": _("On Confirm, each unit is asked once whether it was done (no reminders after)."),
    "done": _("On Confirm, they are recorded as done."),
    "skip": _("On Confirm, they are left out: nobody is asked."),
}


def _past_lines(plan: PlanOutcome, t: Translator) -> list[str]:
    past = plan.past
    if not past:
        return []
    if plan.all_past:
        first = t.gettext(
            _("⏰ Every deadline of this plan has passed already ({count} items)."),
            count=len(past),
        )
    else:
        first = t.ngettext(
            "⏰ {count} item's deadline has passed already: items {numbers}",
            "⏰ {count} items' deadlines have passed already: items {numbers}",
            len(past),
            numbers=_numbers(past),
        )
    return [first]


def past_choice_line(result: ImportResult, choice: str, t: Translator) -> str | None:
    """What Confirm does with the duties whose deadlines passed, when there are any."""
    if not any(plan.past for plan in result.plans):
        return None
    return t.gettext(PAST_CHOICE_TEXT.get(choice, PAST_CHOICE_TEXT["ask"]))


def _change_line(plan: PlanOutcome, t: Translator) -> str:
    if plan.is_new:
        return t.ngettext(
            "New plan: {count} duty will be added.",
            "New plan: {count} duties will be added.",
            len(plan.added),
        )
    if not plan.added and not plan.changed and not plan.removed:
        return t.gettext(_("Already imported; nothing would change."))
    return t.gettext(
        _("Already imported: {added} new, {changed} changed, {removed} removed."),
        added=len(plan.added),
        changed=len(plan.changed),
        removed=len(plan.removed),
    )


def plan_block(plan: PlanOutcome, t: Translator) -> str:
    """Title, issuer, period, counts, what would change and what needs review."""
    lines = [
        f"📋 {plan.title}",
        t.gettext(_("Issued by: {issuer}"), issuer=plan.issuer or "—"),
        t.gettext(_("Place: {place}"), place=plan.jurisdiction or "—"),
        t.gettext(_("Period: {period}"), period=_period(plan, t)),
        t.gettext(
            _("Items: {items} · Units named: {units}"),
            items=len(plan.items),
            units=len(plan.unit_names),
        ),
        _change_line(plan, t),
        *_review_lines(plan, t),
        *_past_lines(plan, t),
    ]
    text = "\n".join(lines)
    return shorten(text, MESSAGE_LIMIT)


def _footer(result: ImportResult, t: Translator) -> list[str]:
    lines = []
    new_units = [unit.name for unit in result.new_units]
    if new_units:
        lines.append(
            t.ngettext(
                "New unit: {names}",
                "{count} new units: {names}",
                len(new_units),
                names=_names(new_units),
            )
        )
    unclear = [unit.name for unit in result.units if unit.needs_review]
    if unclear:
        lines.append(t.gettext(_("Units to check: {names}"), names=_names(unclear)))
    empty = [group.name for group in result.groups_needing_members]
    if empty:
        lines.append(
            t.gettext(
                _("Groups with no members yet (choose their members with /groups): {names}"),
                names=_names(empty),
            )
        )
    return lines


def unused_block(result: ImportResult, t: Translator) -> str | None:
    """The text that went into no item, so a coordinator sees what was left out and why."""
    unused = [text for source in result.sources for text in source.unused]
    chrome = sum(source.chrome_lines for source in result.sources)
    if not unused and not chrome:
        return None
    lines = []
    if unused:
        lines.append(
            t.ngettext(
                "📝 Not imported ({count} passage: preamble, headings' prose, notes):",
                "📝 Not imported ({count} passages: preamble, headings' prose, notes):",
                len(unused),
            )
        )
        for text in unused[:UNUSED_SHOWN]:
            shown = shorten(text.text, UNUSED_CHARS + 1)
            lines.append(t.gettext(_("• line {line}: {text}"), line=text.lineno, text=shown))
        if len(unused) > UNUSED_SHOWN:
            lines.append(t.gettext(_("… and {count} more."), count=len(unused) - UNUSED_SHOWN))
    if chrome:
        lines.append(
            t.ngettext(
                "{count} line of web-page furniture (menus, page numbers) was left out.",
                "{count} lines of web-page furniture (menus, page numbers) were left out.",
                chrome,
            )
        )
    return "\n".join(lines)


def _pack(blocks: list[str]) -> list[str]:
    """Join blocks into as few messages as fit, never splitting a block."""
    messages: list[str] = []
    for block in blocks:
        if messages and len(messages[-1]) + 2 + len(block) <= MESSAGE_LIMIT:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def preview_messages(
    result: ImportResult, file_name: str, t: Translator, past: str = "ask"
) -> list[str]:
    """The dry run's summary, one or more messages; the buttons go under the last."""
    head = "\n".join(
        [
            f"📄 {file_name}",
            t.ngettext(
                "{count} plan found. Nothing is saved until you confirm.",
                "{count} plans found. Nothing is saved until you confirm.",
                len(result.plans),
            ),
        ]
    )
    choice = past_choice_line(result, past, t)
    tail = "\n".join(
        [*_footer(result, t), *([choice] if choice else []), t.gettext(_("Import it?"))]
    )
    unused = unused_block(result, t)
    blocks = [head, *(plan_block(plan, t) for plan in result.plans)]
    return _pack([*blocks, *([unused] if unused else []), tail])


def imported_message(result: ImportResult, file_name: str, t: Translator) -> str:
    """What the confirmed import wrote."""
    lines = [t.gettext(_("✅ Imported {file}."), file=file_name)]
    for plan in result.plans:
        lines.append(
            t.gettext(
                _("📋 {title}: {added} added, {changed} changed, {removed} removed."),
                title=plan.title,
                added=len(plan.added),
                changed=len(plan.changed),
                removed=len(plan.removed),
            )
        )
    if result.past_settled:
        lines.append(
            t.ngettext(
                "{count} past deadline settled as chosen.",
                "{count} past deadlines settled as chosen.",
                result.past_settled,
            )
        )
    planning = result.planning
    if planning is not None and planning.assignments:
        lines.append(
            t.ngettext(
                "{count} assignment planned for the units' liaisons.",
                "{count} assignments planned for the units' liaisons.",
                planning.assignments,
            )
        )
    lines.extend(_footer(result, t))
    text = "\n".join(lines)
    return shorten(text, MESSAGE_LIMIT)
