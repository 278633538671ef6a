"""Public entry points: a file in, a `ParsedDocument` out.

Reading, flattening and structure are done by their own modules; this one attaches units to
items (own lines, a trailing parenthesis, or a ledger cell carried forward), resolves names,
records review reasons, and fills in plan metadata.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.importing.lines import Line, LineKind
from bot.importing.metadata import (
    document_year,
    fallback_title,
    find_issuer,
    find_place,
    level_of,
    parse_period,
)
from bot.importing.model import (
    DeclaredPlan,
    DocumentError,
    ParsedDocument,
    ParsedItem,
    ParsedPlan,
    ReviewReason,
    UnitSource,
    UnusedText,
)
from bot.importing.normalize import tighten
from bot.importing.reading import read_bytes
from bot.importing.script import one_script
from bot.importing.selection import ItemDraft, PlanDraft
from bot.importing.structure import build_structure
from bot.importing.tables import flatten
from bot.importing.unit_text import (
    UnitPhrase,
    labelled_parentheses,
    parse_unit_text,
    subject_units,
    unit_parenthesis,
)
from bot.importing.units import UnitDirectory, UnitRef


@dataclass(slots=True)
class _Units:
    """An item's own units before resolution, and where they were found."""

    lead: list[str]
    responsible: list[str]
    source: UnitSource
    lines: list[int]


def _from_lines(lines: list[Line], columns: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """Unit cells and unit-column lines: labels win; bare lines are lead, then responsible.

    A line without a label continues the previous line's last label ("牵头部门：区司法局" /
    "区政府办；"); without any label so far, bare lines fill the table's unit columns in
    order when its header named them, else the first bare line is the lead column.
    """
    lead: list[str] = []
    responsible: list[str] = []
    role: str | None = None
    bare = 0
    for line in lines:
        phrase = parse_unit_text(line.raw)
        lead.extend(phrase.lead)
        responsible.extend(phrase.responsible)
        if phrase.unassigned:
            if role is None:
                if columns:
                    column = columns[min(bare, len(columns) - 1)]
                    target = lead if column == "lead" else responsible
                else:
                    target = lead if bare == 0 else responsible
                bare += 1
            else:
                target = lead if role == "lead" else responsible
            target.extend(phrase.unassigned)
        role = phrase.last_role or role
    return lead, responsible


def _own_units(draft: ItemDraft) -> tuple[str, _Units | None]:
    """The item's text (unit parenthesis kept) and the units it names itself, if any."""
    text = tighten(draft.text)
    subject = subject_units(draft.text)
    if draft.unit_lines:
        lead, responsible = _from_lines(draft.unit_lines, draft.unit_columns)
        if subject is not None:  # "由县委宣传部牵头，…" above a 责任单位 line
            phrase = parse_unit_text(subject)
            lead = [*phrase.lead, *phrase.unassigned, *lead]
            responsible = [*phrase.responsible, *responsible]
        lines = [line.lineno for line in draft.unit_lines]
        return text, _Units(lead, responsible, "lines", lines)
    split = unit_parenthesis(draft.text)
    if split is not None:
        labelled = labelled_parentheses(draft.text)
        contents = labelled if len(labelled) > 1 else [split[1]]
        lead, responsible = [], []
        for content in contents:
            phrase: UnitPhrase = parse_unit_text(content)
            lead.extend([*phrase.lead, *phrase.unassigned])
            responsible.extend(phrase.responsible)
        return text, _Units(lead, responsible, "parenthesis", draft.lines[:1])
    if subject is not None:
        phrase = parse_unit_text(subject)
        lead = [*phrase.lead, *phrase.unassigned]
        return text, _Units(lead, phrase.responsible, "subject", draft.lines[:1])
    return text, None


def _carries_forward(ledger: bool, own: list[_Units | None]) -> bool:
    """Unit cells apply forward when the plan is a ledger or its units live on own lines.

    In a table copied as text a merged unit cell is printed once, after the first row it
    covers; rows without a unit cell of their own belong to the cell above.
    """
    if ledger:
        return True
    sources = Counter(units.source for units in own if units is not None)
    return bool(sources) and sources.most_common(1)[0][0] == "lines"


def _review(item: ParsedItem, draft: ItemDraft) -> list[ReviewReason]:
    reasons: list[ReviewReason] = []
    if not item.text:
        reasons.append(ReviewReason("no_text", "The item has a number but no text."))
    if not item.lead and not item.responsible:
        reasons.append(ReviewReason("no_unit", "No lead or responsible unit is named."))
    for ref in [*item.lead, *item.responsible]:
        if ref.kind == "unknown":
            reasons.append(
                ReviewReason(
                    f"unknown_unit:{ref.printed}",
                    f"“{ref.printed}” does not look like a unit name.",
                )
            )
    if draft.unclear_numbering:
        reasons.append(
            ReviewReason(
                "unclear_numbering",
                f"Item {item.number} does not follow the previous item's number.",
            )
        )
    return reasons


def _layout(ledger: bool, own: list[_Units | None]) -> str:
    if ledger:
        return "ledger"
    sources = Counter(units.source for units in own if units is not None)
    if not sources:
        return "paragraphs"
    return "table_lines" if sources.most_common(1)[0][0] == "lines" else "paragraphs_with_units"


def _years(
    titles: list[str], signed_year: int | None, plan_year: int | None
) -> tuple[int | None, int | None, int | None, str | None]:
    """(year_from, year_to, plan_year, year_source): a title's period, else the signing year.

    A single-year plan's year is its plan year (what "10月底前" refers to); a caller's
    `plan_year` always wins.
    """
    period, source = None, None
    for title in titles:
        if period := parse_period(title):
            source = "title"
            break
    if period is None and signed_year is not None:
        period, source = (signed_year, signed_year), "document_date"
    return _period_years(period, source, plan_year)


def _period_years(
    period: tuple[int | None, int | None] | None, source: str | None, plan_year: int | None
) -> tuple[int | None, int | None, int | None, str | None]:
    """(year_from, year_to, plan_year, year_source) of a plan's period."""
    year_from, year_to = period if period else (None, None)
    if plan_year is not None:
        return year_from, year_to, plan_year, "argument"
    single = year_from if year_from is not None and year_from == year_to else None
    return year_from, year_to, single, source if period else None


def _built_in(draft: PlanDraft, declared: dict[str, DeclaredPlan]) -> bool:
    """A dutybot ledger's sheet of the built-in statutory duties."""
    known = declared.get(draft.title_line.text) if draft.title_line else None
    return known is not None and known.statutory


def _build_plan(
    draft: PlanDraft,
    *,
    ledger: bool,
    fallback_title: str,
    issuer: str | None,
    document_titles: list[str],
    place_hints: list[str],
    signed_year: int | None,
    plan_year: int | None,
    declared: dict[str, DeclaredPlan],
) -> ParsedPlan:
    title = draft.title_line.text if draft.title_line else fallback_title
    texts_and_units = [_own_units(item) for item in draft.items]
    own = [units for _, units in texts_and_units]
    names = [name for units in own if units for name in (*units.lead, *units.responsible)]
    known = declared.get(title)
    if known is not None:  # a dutybot ledger: the plan's own metadata, as first imported
        issuer, place = known.issuer, known.place
        period = (known.year_from, known.year_to) if known.year_from is not None else None
        year_from, year_to, plan_year, year_source = _period_years(period, "ledger", plan_year)
    else:
        place = find_place(issuer, [title, *document_titles, *place_hints])
        year_from, year_to, plan_year, year_source = _years(
            [title, *document_titles], signed_year, plan_year
        )
    level = level_of(place, names)
    directory = UnitDirectory(level, place)
    plan = ParsedPlan(
        title=title,
        issuer=issuer,
        jurisdiction=level,
        jurisdiction_name=place,
        year_from=year_from,
        year_to=year_to,
        plan_year=plan_year,
        year_source=year_source,
        layout=_layout(ledger, own),
        title_line=draft.title_line.lineno if draft.title_line else None,
    )
    carry = _carries_forward(ledger, own)
    current: _Units | None = None
    owner = ""
    for item_draft, (text, units) in zip(draft.items, texts_and_units, strict=True):
        source: UnitSource = "none"
        if units is not None:
            current, source, owner = units, units.source, item_draft.number
        elif carry and current is not None:
            units, source = current, "inherited"
        lead: list[UnitRef] = [directory.resolve(n) for n in units.lead] if units else []
        responsible = [directory.resolve(n) for n in units.responsible] if units else []
        item = ParsedItem(
            number=item_draft.number,
            section_path=list(item_draft.section_path),
            text=text,
            lead_units=list(units.lead) if units else [],
            responsible_units=list(units.responsible) if units else [],
            lead=lead,
            responsible=responsible,
            source_lines=list(item_draft.lines),
            unit_source=source,
            unit_lines=list(units.lines) if units else [],
        )
        item.review = _review(item, item_draft)
        if source == "inherited" and not ledger:
            item.review.append(
                ReviewReason(
                    "inherited_units",
                    f"No units of its own; those of item {owner} above are assumed to cover it.",
                )
            )
        plan.items.append(item)
    plan.directory = directory
    return plan


def parse_bytes(data: bytes, filename: str, *, plan_year: int | None = None) -> ParsedDocument:
    """Parse a document's bytes; `filename` only hints the format (sniffing decides)."""
    raw = read_bytes(data, filename)
    sources, traditional = one_script(flatten(raw))
    builder = build_structure(sources)
    lines = builder.lines
    if not any(plan.items for plan in builder.plans):
        raise DocumentError(
            "no_items",
            "No numbered tasks were found in the document, so there is nothing to import.",
        )
    first_item_line = min(plan.items[0].lines[0] for plan in builder.plans if plan.items)
    preamble = [line for line in lines if line.lineno < first_item_line]
    issuer = find_issuer(preamble)
    notice = builder.notice.text if builder.notice else None
    first_title = builder.first_title.text if builder.first_title else None
    document_title = fallback_title(notice, preamble) or first_title or Path(filename).stem
    place_hints = [  # names and titles around the plan, not its prose
        line.text
        for line in preamble[:60]
        if line.kind in {LineKind.TEXT, LineKind.UNIT_LIST, LineKind.TITLE, LineKind.CHROME}
        and "，" not in line.text
        and "。" not in line.text
    ][:12]
    document_titles = [t for t in (first_title, notice) if t]
    signed_year = document_year([line for line in preamble if line.kind is not LineKind.BLANK])
    origins = {line.lineno: line.source.origin for line in lines}
    document = ParsedDocument(
        source_name=filename,
        format=raw.format,
        encoding=raw.encoding,
        title=document_title,
        unused=[
            UnusedText(segment.lineno, segment.text, origins.get(segment.lineno, ""))
            for segment in builder.unused
            if segment.text.strip()
        ],
        chrome_lines=sum(1 for line in lines if line.kind is LineKind.CHROME),
    )
    if traditional:
        document.warnings.append(
            "The document is in traditional script; it was read as simplified."
        )
    if builder.plans[0].title_line is None:
        document.warnings.append(f"No plan title line was found; using “{document_title}”.")
    for draft in builder.plans:
        if not draft.items:
            continue
        if _built_in(draft, raw.declared):
            document.warnings.append(
                "The built-in statutory duties in this ledger were left out: they are "
                "part of every installation, not a plan to import."
            )
            continue
        document.plans.append(
            _build_plan(
                draft,
                ledger=builder.ledger,
                fallback_title=first_title or document_title,
                issuer=issuer,
                document_titles=document_titles,
                place_hints=place_hints,
                signed_year=signed_year,
                plan_year=plan_year,
                declared=raw.declared,
            )
        )
    if not document.plans:  # a ledger of nothing but the built-in statutory duties
        raise DocumentError(
            "no_items", "The ledger holds only the built-in statutory duties: nothing to import."
        )
    for plan in document.plans:
        if plan.year_from is None:
            document.warnings.append(f"No year found for “{plan.title}”; set the plan year.")
        flagged = sum(1 for item in plan.items if item.review)
        if flagged:
            document.warnings.append(f"{flagged} of {len(plan.items)} items need review.")
    return document


def parse_document(path: Path, *, plan_year: int | None = None) -> ParsedDocument:
    """Parse a file on disk (.txt, .html, .docx, .xlsx)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError("unreadable", f"The file cannot be read: {exc.strerror}.") from exc
    return parse_bytes(data, path.name, plan_year=plan_year)
