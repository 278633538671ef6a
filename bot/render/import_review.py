"""The review card of an import: one item, what is wrong with it, and buttons that fix it."""

from __future__ import annotations

from bot.i18n import Translator, _
from bot.text import shorten
from bot.usecases.importing.review import ReviewState
from scheduling.delivery.sender import Button

BUTTON_LABEL = 24


def review_card(state: ReviewState, pending_id: int, t: Translator) -> tuple[str, tuple]:
    """The card for the current entry, or the closing card when all were seen."""
    entry = state.current
    done = Button("✅ " + t.gettext(_("Finish review")), f"imr:{pending_id}:done")
    if entry is None:
        text = t.gettext(
            _("All {count} items were reviewed. Finish to see the new preview."),
            count=len(state.entries),
        )
        return text, ((done,),)
    index = state.position
    lines = [
        t.gettext(
            _("🔍 Review {position}/{total} · item {number}"),
            position=index + 1,
            total=len(state.entries),
            number=entry.number or "—",
        ),
        f"📋 {entry.plan}",
    ]
    if entry.section:
        lines.append(entry.section)
    lines.append(f"«{entry.text}»")
    if entry.missing_units:
        lines.append(t.gettext(_("⚠️ No unit is named for this item.")))
    for name in entry.unknown:
        merged = state.decisions.merges.get(name)
        if merged:
            lines.append(t.gettext(_("✔️ “{name}” is {unit}."), name=name, unit=merged))
        else:
            lines.append(t.gettext(_("⚠️ “{name}” is not a known unit."), name=name))
    chosen = state.decisions.units.get(entry.key)
    if chosen and (chosen[0] or chosen[1]):
        lines.append(
            t.gettext(_("✔️ Units given: {names}"), names="、".join([*chosen[0], *chosen[1]]))
        )
    rows: list[tuple[Button, ...]] = []
    prefix = f"imr:{pending_id}"
    if entry.missing_units or chosen:
        offers = [
            Button("➕ " + shorten(name, BUTTON_LABEL), f"{prefix}:u{index}.{number}")
            for number, name in enumerate(state.suggestions)
        ]
        rows.extend(tuple(offers[start : start + 2]) for start in range(0, len(offers), 2))
        rows.append((Button("⌨️ " + t.gettext(_("Type a unit")), f"{prefix}:t{index}"),))
    for name_index, name in enumerate(entry.unknown):
        if name in state.decisions.merges:
            continue
        merges = [
            Button(
                t.gettext(_("= {unit}"), unit=shorten(unit, BUTTON_LABEL)),
                f"{prefix}:m{index}.{name_index}.{option}",
            )
            for option, unit in enumerate(state.similar.get(name, []))
        ]
        rows.extend(tuple(merges[start : start + 2]) for start in range(0, len(merges), 2))
    rows.append(
        (
            Button("🚫 " + t.gettext(_("Leave out")), f"{prefix}:l{index}"),
            Button("▶️ " + t.gettext(_("Next")), f"{prefix}:n{index}"),
        )
    )
    rows.append((done,))
    return "\n".join(lines), tuple(rows)


def name_prompt(state: ReviewState, t: Translator) -> str:
    """The question a typed unit name answers."""
    entry = next((e for e in state.entries if e.key == state.awaiting), None)
    number = entry.number if entry else "—"
    return t.gettext(
        _(
            "Reply to this message with the unit's name for item {number} (several: 区司法局、区委宣传部)."
        ),
        number=number,
    )
