"""The chat's office work (/groups, /units): lists, cards and outcomes, in the reader's
language, with buttons; nothing here names a command-line tool."""

from __future__ import annotations

from bot.i18n import Translator, _
from bot.render.unit_kinds import CHOOSABLE_KINDS, kind_label
from bot.text import shorten
from bot.usecases.units.admin import AliasOutcome, GroupChange, KindOutcome
from bot.usecases.units.office import GroupLine, GroupView, OfficeRefused, UnitView
from bot.usecases.units.office_dialogue import OfficeReply, OfficeReplyKind, Outcome
from scheduling.delivery.sender import Button

PAGE_SIZE = 10
MEMBERS_SHOWN = 40
NAMES_SHOWN = 30
NAME_CHARS = 28  # a unit's or group's name on a button or a list line

Rows = tuple[tuple[Button, ...], ...]


def _pager(prefix: str, page: int, pages: int) -> tuple[Button, ...]:
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("◀", f"{prefix}:{page - 1}"))
    if page + 1 < pages:
        nav.append(Button("▶", f"{prefix}:{page + 1}"))
    return tuple(nav)


def render_groups(lines: list[GroupLine], page: int, t: Translator) -> tuple[str, Rows]:
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    shown = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    empty = sum(1 for line in lines if not line.members)
    text = [t.gettext(_("Unit groups: {count}"), count=len(lines))]
    if empty:
        text.append(
            t.ngettext(
                "{count} group has no members yet: its duties reach nobody until you choose them.",
                "{count} groups have no members yet: their duties reach nobody until you choose them.",
                empty,
            )
        )
    text.append(t.gettext(_("Tap a group to see or change its members.")))
    if pages > 1:
        text.append(t.gettext(_("Page {page} of {pages}"), page=page + 1, pages=pages))
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                ("⚠️ " if not line.members else "")
                + f"{shorten(line.name, NAME_CHARS)} ({line.members})",
                f"og:v:{line.id}",
            ),
        )
        for line in shown
    ]
    nav = _pager("og:l", page, pages)
    if nav:
        rows.append(nav)
    rows.append((Button("➕ " + t.gettext(_("New group")), "og:n"),))
    return "\n".join(text), tuple(rows)


def render_group(view: GroupView, t: Translator, removing: bool = False) -> tuple[str, Rows]:
    lines = [
        t.gettext(_("Group {name}"), name=view.name),
        t.ngettext(
            "{count} duty names this group.", "{count} duties name this group.", view.duties
        ),
    ]
    if view.automatic:
        lines.append(t.gettext(_("Imports add units of the matching kinds to it by themselves.")))
    if view.members:
        names = "、".join(name for _id, name in view.members[:MEMBERS_SHOWN])
        more = len(view.members) - MEMBERS_SHOWN
        lines.append(
            t.gettext(_("Members ({count}): {names}"), count=len(view.members), names=names)
            + (f" (+{more})" if more > 0 else "")
        )
    else:
        lines.append(t.gettext(_("No members yet.")))
    rows: list[tuple[Button, ...]] = []
    if removing:
        lines.append(t.gettext(_("Tap a unit to take it out of the group.")))
        members = [
            Button("✖ " + shorten(name, 20), f"og:x:{view.id}:{uid}") for uid, name in view.members
        ]
        rows.extend(tuple(members[i : i + 2]) for i in range(0, min(len(members), 40), 2))
    else:
        actions = [Button("➕ " + t.gettext(_("Add units")), f"og:a:{view.id}")]
        if view.members:
            actions.append(Button("➖ " + t.gettext(_("Take units out")), f"og:r:{view.id}"))
        rows.append(tuple(actions))
    rows.append((Button("‹ " + t.gettext(_("All groups")), "og:l:0"),))
    return "\n".join(lines), tuple(rows)


def ask_units_text(group: str, t: Translator) -> str:
    return t.gettext(
        _(
            "Type the names of the units to add to {group}, separated by 、 or commas "
            "(aliases work too)."
        ),
        group=group,
    )


def ask_group_name_text(t: Translator) -> str:
    return t.gettext(_("Type the name of the new group (e.g. 区直有关部门)."))


def change_text(change: GroupChange, add: bool, planned: int, t: Translator) -> str:
    lines = []
    if change.changed:
        names = "、".join(change.changed)
        lines.append(
            t.gettext(_("Added to {group}: {names}"), group=change.group, names=names)
            if add
            else t.gettext(_("Taken out of {group}: {names}"), group=change.group, names=names)
        )
    if change.unchanged:
        names = "、".join(change.unchanged)
        lines.append(
            t.gettext(_("Already in {group}: {names}"), group=change.group, names=names)
            if add
            else t.gettext(_("Not in {group}: {names}"), group=change.group, names=names)
        )
    if change.changed:
        lines.append(
            t.gettext(
                _("{duties} duties planned again ({count} new assignments)."),
                duties=len(change.duty_ids),
                count=planned,
            )
        )
    return "\n".join(lines)


def refusal_text(refused: OfficeRefused, t: Translator) -> str:
    names = "、".join(refused.names)
    if refused.reason == "unknown_units":
        text = t.gettext(_("I do not know these units: {names}"), names=names)
        if refused.hints:
            text += "\n" + t.gettext(_("Did you mean: {names}"), names="、".join(refused.hints))
        return text
    if refused.reason == "name_taken":
        return t.gettext(_("“{name}” already names a unit or a group."), name=names)
    if refused.reason == "bad_name":
        return t.gettext(_("A group's name is 1 to 60 characters."))
    if refused.reason == "same_unit":
        return t.gettext(_("That is the same unit."))
    if refused.reason == "no_units":
        return t.gettext(_("No unit was named."))
    return t.gettext(_("That group or unit is not there any more."))


def render_review(
    units: list[tuple[int, str, str]], unresolved: list[str], page: int, t: Translator
) -> tuple[str, Rows]:
    pages = max(1, -(-len(units) // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    shown = units[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        t.ngettext(
            "{count} unit needs a look: is its kind right, or is it another unit's spelling?",
            "{count} units need a look: is their kind right, or another unit's spelling?",
            len(units),
        )
        if units
        else t.gettext(_("No unit needs a look."))
    ]
    if unresolved:
        names = "、".join(unresolved[:NAMES_SHOWN])
        more = len(unresolved) - NAMES_SHOWN
        lines.append(
            t.gettext(
                _("Names in duties that no unit or group stands for yet: {names}"), names=names
            )
            + (f" (+{more})" if more > 0 else "")
        )
        lines.append(t.gettext(_("Make one a group with /groups (New group).")))
    if units:
        lines.append(t.gettext(_("Tap a unit to set its kind or merge it into another.")))
    if pages > 1:
        lines.append(t.gettext(_("Page {page} of {pages}"), page=page + 1, pages=pages))
    rows: list[tuple[Button, ...]] = [
        (Button(f"{shorten(name, NAME_CHARS)} · {kind_label(kind, t)}", f"ou:v:{uid}"),)
        for uid, name, kind in shown
    ]
    nav = _pager("ou:l", page, pages)
    if nav:
        rows.append(nav)
    return "\n".join(lines), tuple(rows)


def render_unit(view: UnitView, t: Translator) -> tuple[str, Rows]:
    lines = [
        t.gettext(_("Unit {name}"), name=view.name),
        t.gettext(_("Kind: {kind}"), kind=kind_label(view.kind, t)),
        t.ngettext("{count} duty names it.", "{count} duties name it.", view.duties),
    ]
    if view.aliases:
        lines.append(t.gettext(_("Also written: {names}"), names="、".join(view.aliases)))
    if view.groups:
        lines.append(t.gettext(_("In groups: {names}"), names="、".join(view.groups)))
    lines.append(t.gettext(_("Choose its kind, or merge it into the unit it really is.")))
    kinds = [
        Button(("• " if kind == view.kind else "") + kind_label(kind, t), f"ou:k:{view.id}:{kind}")
        for kind in CHOOSABLE_KINDS
    ]
    rows: list[tuple[Button, ...]] = [tuple(kinds[i : i + 2]) for i in range(0, len(kinds), 2)]
    rows.append((Button("🔀 " + t.gettext(_("Merge into another unit")), f"ou:m:{view.id}"),))
    rows.append((Button("‹ " + t.gettext(_("Units to review")), "ou:l:0"),))
    return "\n".join(lines), tuple(rows)


def ask_merge_text(name: str, t: Translator) -> str:
    return t.gettext(
        _(
            "Type the name of the unit that “{name}” really is: its duties, reports and "
            "liaisons move there, and “{name}” is kept as its other spelling."
        ),
        name=name,
    )


def kind_text(outcome: KindOutcome, planned: int, t: Translator) -> str:
    return t.gettext(
        _("{unit} is now: {kind}. {duties} duties planned again ({count} new assignments)."),
        unit=outcome.unit,
        kind=kind_label(outcome.new, t),
        duties=len(outcome.duty_ids),
        count=planned,
    )


def merge_text(outcome: AliasOutcome, planned: int, t: Translator) -> str:
    return t.gettext(
        _(
            "“{alias}” is merged into {unit}: {links} duty links and {moved} assignments moved; "
            "{count} new assignments planned."
        ),
        alias=outcome.alias,
        unit=outcome.unit,
        links=outcome.moved_links,
        moved=outcome.moved_assignments,
        count=planned,
    )


def _card(reply: OfficeReply, t: Translator) -> tuple[str, Rows]:
    if reply.kind is OfficeReplyKind.GROUPS:
        return render_groups(list(reply.lines), reply.page, t)
    if reply.kind is OfficeReplyKind.GROUP and reply.group is not None:
        return render_group(reply.group, t, removing=reply.removing)
    if reply.kind is OfficeReplyKind.REVIEW:
        units, unresolved = reply.review
        return render_review(list(units), list(unresolved), reply.page, t)
    if reply.kind is OfficeReplyKind.UNIT and reply.unit is not None:
        return render_unit(reply.unit, t)
    return "", ()


def _outcome_text(outcome: Outcome, t: Translator) -> str:
    if outcome.change is not None:
        return change_text(outcome.change, outcome.added, outcome.planned, t)
    if outcome.kind is not None:
        return kind_text(outcome.kind, outcome.planned, t)
    if outcome.merge is not None:
        return merge_text(outcome.merge, outcome.planned, t)
    return ""


def render_reply(reply: OfficeReply, t: Translator) -> tuple[str, Rows]:
    """An office reply as text and buttons (a question's text has no buttons)."""
    kind = reply.kind
    if kind is OfficeReplyKind.NOT_COORDINATOR:
        return t.gettext(_("Only coordinators can manage units and groups.")), ()
    if kind is OfficeReplyKind.REFUSED and reply.refused is not None:
        return refusal_text(reply.refused, t), ()
    if kind is OfficeReplyKind.ASK_GROUP_NAME:
        return ask_group_name_text(t), ()
    if kind is OfficeReplyKind.ASK_UNITS:
        return ask_units_text(reply.asked_about, t), ()
    if kind is OfficeReplyKind.ASK_MERGE:
        return ask_merge_text(reply.asked_about, t), ()
    text, rows = _card(reply, t)
    if reply.outcome is not None:
        text = _outcome_text(reply.outcome, t) + "\n\n" + text
    return text, rows
