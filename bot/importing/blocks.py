"""What every format is read into: lines of running text and tables, in document order.

The readers (`reading`, `pdf`, `pipes`) produce these and `tables` flattens them; a module of
their own so that no reader has to import another to name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.importing.model import DeclaredPlan


@dataclass(slots=True)
class TextBlock:
    """One line of running text and where it came from."""

    text: str
    origin: str


@dataclass(slots=True)
class TableCell:
    """A table cell; a merged-away cell repeats its anchor's text and says which way it merged."""

    text: str
    merged_up: bool = False
    merged_left: bool = False


@dataclass(slots=True)
class TableBlock:
    """A table as rows of cells (every row has one cell per grid column)."""

    rows: list[list[TableCell]]
    origin: str


Block = TextBlock | TableBlock


@dataclass(slots=True)
class RawDocument:
    """What a file held, before any interpretation."""

    format: str
    encoding: str | None
    blocks: list[Block] = field(default_factory=list)
    declared: dict[str, DeclaredPlan] = field(default_factory=dict)  # by title
    # a ledger dutybot exported: its unit columns say exactly what the plan printed
    exact_units: bool = False
