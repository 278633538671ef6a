"""`dutybot import --review`: the chat's review decisions, asked one item at a time in the
terminal before the import (give units, merge an unknown name, leave an item out)."""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape

from bot.cli.common import console
from bot.importing.review import Decisions, review_entries, similar_units, suggested_units
from bot.importing.unit_text import split_names
from bot.usecases.importing.result import Source

Ask = Callable[[str], str]
HELP = (
    'answer with numbers or names ("1,3" or "区司法局、区委宣传部"), '
    "[bold]l[/] leave the item out, Enter to go on, [bold]q[/] stop reviewing"
)


def _choose(answer: str, offered: list[str]) -> list[str]:
    """Numbers pick offered units; anything else is read as unit names."""
    names = []
    for part in split_names(answer.replace(",", "、")):
        if part.isdigit() and 1 <= int(part) <= len(offered):
            names.append(offered[int(part) - 1])
        elif part.strip():
            names.append(part.strip()[:100])
    return names


def review_source(source: Source, known: list[str], ask: Ask) -> Decisions:
    """Ask about every item of the source that needs a decision; EOF or "q" stops early."""
    document = source.document
    decisions = Decisions()
    entries = review_entries(document)
    if not entries:
        return decisions
    offered = suggested_units(document, known)
    candidates = list(dict.fromkeys([*known, *offered]))
    console.print(f"\n[bold]review[/] {len(entries)} items of {escape(source.name)}: {HELP}")
    for position, entry in enumerate(entries, start=1):
        console.print(
            f"\n[{position}/{len(entries)}] {escape(entry.plan)} · item {escape(entry.number)}"
        )
        console.print(f"  «{escape(entry.text)}»")
        try:
            if entry.missing_units:
                menu = "  ".join(f"[{n}] {escape(name)}" for n, name in enumerate(offered, 1))
                console.print(f"  no unit is named; units: {menu}")
                answer = ask("  units> ").strip()
                if answer.lower() == "q":
                    break
                if answer.lower() == "l":
                    decisions.left_out.add(entry.key)
                    continue
                for name in _choose(answer, offered):
                    decisions.add_unit(entry.key, name)
            for name in entry.unknown:
                similar = similar_units(name, candidates)
                menu = "  ".join(f"[{n}] {escape(unit)}" for n, unit in enumerate(similar, 1))
                console.print(f"  “{escape(name)}” is not a known unit; the same as: {menu}")
                answer = ask("  same as> ").strip()
                if answer.lower() == "q":
                    return decisions
                if answer.lower() == "l":
                    decisions.left_out.add(entry.key)
                    break
                chosen = _choose(answer, similar)
                if chosen:
                    decisions.merges[name] = chosen[0]
        except EOFError:
            break
    return decisions
