"""Which parts of the outline are duties: the item level, per document, from the finished tree.

Units are assigned at the level that carries the duties, so a part that names units is an
item and whatever is numbered inside it is its text. Where no units are named, the leaves are
the items. Parts about guiding thought, principles, goals, steps and safeguards are not duties
unless they name units of their own. Everything that is not an item's text is kept as
`unused` so the preview can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.importing.headings import not_duties
from bot.importing.lines import Line
from bot.importing.normalize import join_continuation
from bot.importing.numbering import Style
from bot.importing.outline import Node, Outline, PlanOutline, Segment
from bot.importing.unit_text import subject_units, unit_parenthesis

_LONG_HEADING = 40


@dataclass(slots=True)
class ItemDraft:
    """A part chosen as a duty, with everything the parser needs to finish it."""

    number: str
    section_path: list[str]
    text: str
    lines: list[int]
    unit_lines: list[Line] = field(default_factory=list)
    unclear_numbering: bool = False
    unit_columns: tuple[str, ...] = ()  # a flattened table's unit columns, in order


@dataclass(slots=True)
class PlanDraft:
    """One plan's title line and items in printed order."""

    title_line: Line | None
    items: list[ItemDraft] = field(default_factory=list)


def heading_title(node: Node) -> str:
    """A heading as a section name: label and its own line, cut at the first sentence when
    long; the prose printed under it is not its name."""
    first = node.segments[0].text if node.segments else ""
    text = f"{node.label}{first}"
    head, dot, _ = text.partition("。")
    return head if dot and len(text) > _LONG_HEADING else text


def _has_own_units(node: Node) -> bool:
    text = node.own_text
    return bool(node.unit_lines) or unit_parenthesis(text) is not None or bool(subject_units(text))


def _units_below(node: Node) -> bool:
    return any(_has_own_units(child) or _units_below(child) for child in node.children)


def _not_duties(node: Node) -> bool:
    return node.aside or not_duties(node.own_text.lstrip("：: "))


def _points_only(node: Node) -> bool:
    """ "一是…二是…" paragraphs without units of their own are the text of their part."""
    return (
        bool(node.children)
        and not _units_below(node)
        and all(child.style == Style.POINT for child in node.children)
    )


def _full_text(node: Node) -> str:
    """A part's text with everything numbered inside it, labels kept."""
    text = node.own_text
    for child in node.children:
        text = join_continuation(text, child.label + _full_text(child))
    for note in node.notes:
        text += f"（{note.text}）"
    return text


def _all_lines(node: Node) -> list[int]:
    numbers = set(node.lines)
    for child in node.children:
        numbers.update(_all_lines(child))
    return sorted(numbers)


def _all_unit_lines(node: Node) -> list[Line]:
    found = list(node.unit_lines)
    for child in node.children:
        found.extend(_all_unit_lines(child))
    return found


def _segments(node: Node) -> list[Segment]:
    """All text of a part and its children, its number kept, for the "not used" list."""
    found = list(node.segments)
    if found and node.label:
        found[0] = Segment(found[0].lineno, node.label + found[0].text)
    found.extend(node.notes)
    found.extend(Segment(line.lineno, line.text) for line in node.unit_lines)
    for child in node.children:
        found.extend(_segments(child))
    return found


def _per_item_units(plans: list[PlanOutline]) -> bool:
    """Whether some part has two or more children with units of their own."""

    def visit(node: Node) -> bool:
        with_units = sum(1 for child in node.children if child.unit_lines)
        return with_units >= 2 or any(visit(child) for child in node.children)

    return any(visit(root) for plan in plans for root in plan.roots)


def _lift_units(node: Node) -> None:
    """Unit lines printed after a part's last sub-point belong to the part itself."""
    for child in node.children:
        _lift_units(child)
    children = node.children
    if len(children) < 2 or _has_own_units(node):
        return
    last = children[-1]
    if last.unit_lines and not last.children and not any(c.unit_lines for c in children[:-1]):
        node.unit_lines, last.unit_lines = last.unit_lines, []


class _Selector:
    """Walks one plan's tree and sorts parts into items, sections and unused text."""

    def __init__(self, unused: list[Segment]) -> None:
        self.unused = unused
        self.candidates: list[tuple[Node, list[str]]] = []

    def plan(self, plan: PlanOutline) -> PlanDraft:
        """The plan's items: its candidates, less the unit-less odd ones out."""
        self.candidates = []
        for root in plan.roots:
            self.visit(root, [], False)
        draft = PlanDraft(plan.title_line)
        keep = _odd_ones_out(self.candidates)
        for node, path in self.candidates:
            if node in keep:
                draft.items.append(_draft(node, path))
            else:
                self.unused.extend(_segments(node))
        return draft

    def visit(self, node: Node, path: list[str], excluded: bool) -> None:
        excluded = excluded or _not_duties(node)
        own = _has_own_units(node)
        if own and not _units_below(node) or _points_only(node):
            self.candidates.append((node, path))
            return
        if not node.children:
            if excluded:
                self.unused.extend(_segments(node))
            else:
                self.candidates.append((node, path))
            return
        self._section_text(node)
        title = heading_title(node)
        for child in node.children:
            self.visit(child, [*path, title], excluded)

    def _section_text(self, node: Node) -> None:
        """A heading's prose beyond its title sentence is not used as a duty."""
        if not node.segments:
            return
        first, *rest = node.segments
        title = heading_title(node)
        full = f"{node.label}{first.text}"
        if len(full) > len(title):
            remainder = full[len(title) :].lstrip("。")
            if remainder:
                self.unused.append(Segment(first.lineno, remainder))
        self.unused.extend(rest)
        self.unused.extend(node.notes)
        self.unused.extend(Segment(line.lineno, line.text) for line in node.unit_lines)


def _odd_ones_out(candidates: list[tuple[Node, list[str]]]) -> set[Node]:
    """The candidates that are duties.

    Where most duties name their units, a unit-less part numbered in another style than any
    of them ("一、调研方式" beside "（一）…责任单位：…") is background, not a duty.
    """
    nodes = [node for node, _ in candidates]
    with_units = [node for node in nodes if _has_own_units(node)]
    if len(with_units) < 2 or len(with_units) * 2 < len(nodes):
        return set(nodes)
    styles = {node.style for node in with_units}
    return {node for node in nodes if node.style in styles or _has_own_units(node)}


def _draft(node: Node, path: list[str]) -> ItemDraft:
    return ItemDraft(
        number=node.number,
        section_path=list(path),
        text=_full_text(node),
        lines=_all_lines(node),
        unit_lines=_all_unit_lines(node),
        unclear_numbering=node.unclear,
        unit_columns=node.columns.unit_roles if node.columns else (),
    )


def select_items(outline: Outline) -> tuple[list[PlanDraft], list[Segment]]:
    """The plans' items in printed order, and every piece of text that is in none of them."""
    unused = list(outline.loose)
    if not _per_item_units(outline.plans):
        for plan in outline.plans:
            for root in plan.roots:
                _lift_units(root)
    selector = _Selector(unused)
    drafts: list[PlanDraft] = []
    plans = outline.plans
    if len(plans) > 1 and plans[0].title_line is None and any(p.title_line for p in plans[1:]):
        # a cover letter's numbered requests before the titled plan are not duties
        unused.extend(segment for root in plans[0].roots for segment in _segments(root))
        plans = plans[1:]
    for plan in plans:
        drafts.append(selector.plan(plan))
    unused.sort(key=lambda segment: segment.lineno)
    return drafts, unused
