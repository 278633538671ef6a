"""The board's rows for an office over jurisdictions below it: its own units, and each
jurisdiction right below as one row (the rows /status shows, `office_rows`), with the filters'
facts and the chart's bar of that row summed from the units under it.

A row is known by its key: a unit's ("u12") or a jurisdiction's summed row ("j3"), so the
page can tell them apart and open a jurisdiction instead of a unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace

from bot.usecases.digest.data import UnitProgress
from bot.usecases.jurisdictions.scope import OfficeScope
from bot.usecases.jurisdictions.tree import Place
from bot.usecases.tasks.lists import UnitCounts


def row_key(row: UnitCounts) -> str:
    return f"j{row.jurisdiction_id}" if row.place else f"u{row.unit_id}"


def units_under(row: UnitCounts, units: Sequence[UnitCounts], scope: OfficeScope) -> list[int]:
    """The unit ids a row stands for: its own, or every unit of its jurisdiction and below."""
    if not row.place or row.jurisdiction_id is None:
        return [row.unit_id]
    below = scope.tree.below(row.jurisdiction_id)
    return [unit.unit_id for unit in units if unit.jurisdiction_id in below]


_BAR_PARTS = tuple(
    field.name
    for field in fields(UnitProgress)
    if field.name not in ("unit_name", "light", "unit_id")
)


def summed_bar(row: UnitCounts, bars: Sequence[UnitProgress]) -> UnitProgress:
    """A jurisdiction's chart bar: its units' bars added up, with its row's light."""
    values = {name: sum(getattr(bar, name) for bar in bars) for name in _BAR_PARTS}
    return replace(UnitProgress(row.unit_name, 0, 0, row.light.value), **values)


def opened_place(scope: OfficeScope, opened: int | None) -> Place | None:
    """The jurisdiction below the office the view is opened at (None: the office's own)."""
    if opened is None or not scope.sees(opened) or opened == scope.top:
        return None
    return scope.tree.places.get(opened)
