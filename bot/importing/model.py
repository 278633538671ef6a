"""Plain dataclasses the importer hands to whoever persists a plan (no database here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.importing.units import UnitDirectory, UnitRef

UnitSource = Literal["parenthesis", "lines", "subject", "inherited", "none"]


class DocumentError(Exception):
    """A document the importer cannot read; `reason` is a stable code, `message` one sentence.

    Reason codes: ``empty``, ``binary``, ``undecodable``, ``unsupported_format``, ``corrupt``,
    ``no_items``, ``unreadable``, ``too_large`` (a zip bomb, a sheet of billions of cells).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


@dataclass(frozen=True, slots=True)
class ReviewReason:
    """Why a human should look at an item; `code` is for machines, `message` for people."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of the intermediate model every format is reduced to.

    `lineno` counts lines of that model (1-based; for .txt it is the file's line number);
    `origin` says where the line came from in the original (a paragraph, a table cell, a sheet
    cell) so a reviewer can find it.
    """

    lineno: int
    text: str
    origin: str
    role: str = (
        ""  # from a table's grid: "row" (a data row starts), "category:N" (its Nth heading cell)
    )


@dataclass(slots=True)
class ParsedItem:
    """One duty as printed: its number, where it sits, its text and the units named for it."""

    number: str
    section_path: list[str]
    text: str
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    lead: list[UnitRef] = field(default_factory=list)
    responsible: list[UnitRef] = field(default_factory=list)
    review: list[ReviewReason] = field(default_factory=list)
    source_lines: list[int] = field(default_factory=list)
    unit_source: UnitSource = "none"
    unit_lines: list[int] = field(default_factory=list)

    @property
    def review_codes(self) -> list[str]:
        """The machine codes of `review`, in order."""
        return [reason.code for reason in self.review]

    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]:
        """What must not change when only the file's format or noise changes."""
        return (
            self.number,
            tuple(self.section_path),
            tuple(self.lead_units),
            tuple(self.responsible_units),
            self.text,
        )


# the workbook property where a ledger exported by dutybot declares each plan's metadata
DECLARED_PLANS_PROPERTY = "dutybot.plans"
# the sheets of such a ledger that are not plans (its summary by unit): not read as items
SKIPPED_SHEETS_PROPERTY = "dutybot.skipped_sheets"


@dataclass(frozen=True, slots=True)
class DeclaredPlan:
    """What a ledger sheet cannot show in its layout but its plan had: the issuer, the place
    and the years. A ledger exported by dutybot declares them for each plan title, so the
    plan imports back as itself (same identity, same year for "10月底前") instead of as a
    new plan without issuer or year."""

    title: str
    issuer: str | None
    place: str | None
    year_from: int | None
    year_to: int | None
    statutory: bool = False  # the built-in statutory duties: never imported as a plan


@dataclass(slots=True)
class ParsedPlan:
    """One plan (a document may hold several): metadata plus its items in printed order.

    `jurisdiction` is the level character used as the unit prefix ("区", "县", "市", "旗");
    `jurisdiction_name` the place ("杨陵区"). `year_source` says where the years came from
    ("title", "document_date", "argument") so a coordinator can double-check them.
    """

    title: str
    issuer: str | None
    jurisdiction: str
    jurisdiction_name: str | None
    year_from: int | None
    year_to: int | None
    plan_year: int | None
    year_source: str | None
    layout: str
    items: list[ParsedItem] = field(default_factory=list)
    title_line: int | None = None
    directory: UnitDirectory | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class UnusedText:
    """Text the importer put into no item: shown in the preview so nothing is lost silently."""

    lineno: int
    text: str
    origin: str


@dataclass(slots=True)
class ParsedDocument:
    """Everything one file yielded; `warnings` are document-level notes for the coordinator.

    `unused` is every piece of text outside the items that is not a heading, a title, a
    date or page chrome; `chrome_lines` counts the page-furniture lines left out.
    """

    source_name: str
    format: str
    encoding: str | None
    title: str
    plans: list[ParsedPlan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unused: list[UnusedText] = field(default_factory=list)
    chrome_lines: int = 0

    @property
    def items(self) -> list[ParsedItem]:
        """All items of all plans, in document order."""
        return [item for plan in self.plans for item in plan.items]
