"""Importing plan documents: parsed plans become units, groups, plans, duties and rules.

Everything of one import lands in one transaction, whole or not at all. Re-importing the same
document changes nothing; a revised one updates its plan in place (see `import_duties`).

Plan identity: its jurisdiction and `plan_key`, "v1:" + SHA-256 of the plan's place, issuer
and normalized title (plus "#n" when one import holds several plans with the same three); two
districts' plans of the same title are two plans (see `placing`). The file's bytes are
deliberately not part of it: a revised file, or the same plan as .docx instead of .txt,
updates the plan it continues instead of creating a second one. The bytes' digest is kept in
`Plan.source_hash` to show which file the plan was last read from.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.clock import local_date
from bot.importing import DocumentError, ParsedPlan, parse_bytes
from bot.services import Services
from bot.usecases.importing.duties import PlanSync, WantedItem, WantedLink
from bot.usecases.importing.past_duties import PastChoice, settle_past
from bot.usecases.importing.placing import Reach, place_plans
from bot.usecases.importing.result import (
    GroupSummary,
    ImportResult,
    PlanOutcome,
    Source,
    SourceSummary,
    UnitSummary,
)
from bot.usecases.importing.views import group_summaries, unit_summaries
from bot.usecases.jurisdictions.tree import load_tree
from bot.usecases.planning.locking import write_lock
from bot.usecases.planning.plan import drop_future_occurrences, retire_inactive
from bot.usecases.planning.replan import replan
from bot.usecases.planning.retire import retire_dropped_units
from bot.usecases.units.book import UnitBook
from bot.usecases.units.groups import load_rules, save_rules, sync_members
from scheduling.dates.past import passed_by
from scheduling.reading.rules import extract_rules
from storage.models import Duty, DutyUnit, Plan, ScheduleRule, UnitGroup, UnitRole

log = logging.getLogger(__name__)

TITLE_LIMIT = 500
UNDECODABLE = "The file's bytes are not valid UTF-8, GBK or GB18030 text."
UNREADABLE = "The file could not be read as a plan document."
MAX_BYTES = 20 * 1024 * 1024
INSERT_CHUNK = 400

_TITLE_NOISE = re.compile(r"[\s《》〈〉“”\"'‘’]")
_DASHES = re.compile(r"[—–－~～]+")


def read_source(data: bytes, name: str, plan_year: int | None = None) -> Source:
    """Parse one document's bytes; raises `DocumentError` (a stable reason, one sentence)."""
    if len(data) > MAX_BYTES:
        raise DocumentError("too_large", "The file is larger than 20 MB.")
    try:
        document = parse_bytes(data, name, plan_year=plan_year)
    except DocumentError:
        raise
    except UnicodeError as exc:
        log.debug("decoding %s failed", name, exc_info=True)
        raise DocumentError("undecodable", UNDECODABLE) from exc
    except Exception as exc:  # a parser fault must not reach the user as a traceback
        log.debug("parsing %s failed", name, exc_info=True)
        raise DocumentError("unreadable", UNREADABLE) from exc
    return Source(name=name, digest=hashlib.sha256(data).hexdigest(), document=document)


def read_paths(paths: Sequence[Path], plan_year: int | None = None) -> list[Source]:
    """Parse files on disk; the first unusable one raises `DocumentError` naming it."""
    sources = []
    for path in paths:
        if not path.exists():
            raise DocumentError("missing", f"{path}: no such file.")
        if not path.is_file():
            raise DocumentError("not_a_file", f"{path}: not a file.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DocumentError("unreadable", f"{path}: cannot be read ({exc.strerror}).") from exc
        try:
            sources.append(read_source(data, path.name, plan_year))
        except DocumentError as exc:
            raise DocumentError(exc.reason, f"{path}: {exc.message}") from exc
    return sources


def normalize_title(title: str) -> str:
    """A title with width, spaces, quotes and dash variants evened out (for the plan key)."""
    text = unicodedata.normalize("NFKC", title)
    return _DASHES.sub("-", _TITLE_NOISE.sub("", text))


def plan_key(plan: ParsedPlan) -> str:
    place = plan.jurisdiction_name or plan.jurisdiction or ""
    issuer = "".join((plan.issuer or "").split())
    basis = "\x1f".join((place, issuer, normalize_title(plan.title)))
    return "v1:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _plan_keys(sources: Sequence[Source]) -> list[tuple[Source, int, ParsedPlan, str]]:
    """Each plan with its key, made unique within this import."""
    seen: dict[str, int] = {}
    keyed = []
    for source in sources:
        for index, plan in enumerate(source.document.plans):
            key = plan_key(plan)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
            keyed.append((source, index, plan, key))
    return keyed


@dataclass
class _PlanWork:
    outcome: PlanOutcome
    row: Plan
    sync: PlanSync
    touched: list[Duty]  # duties whose text, units or rules changed
    disabled: list[ScheduleRule]  # rules the new text no longer has
    relinked: list[Duty]  # duties whose units changed


def _wanted_items(book: UnitBook, plan: ParsedPlan) -> tuple[list[WantedItem], list[str]]:
    place = plan.jurisdiction_name or plan.jurisdiction or None
    items = []
    unit_names: dict[str, None] = {}
    for position, item in enumerate(plan.items, start=1):
        links = []
        for role, refs in ((UnitRole.LEAD, item.lead), (UnitRole.RESPONSIBLE, item.responsible)):
            for ref in refs:
                target = book.resolve(ref, plan.directory, place)
                links.append(WantedLink(role, target))
                if target.unit is not None:
                    unit_names.setdefault(target.unit.name)
        rules = extract_rules(
            item.text, plan_year=plan.plan_year, year_from=plan.year_from, year_to=plan.year_to
        )
        items.append(
            WantedItem(
                number=item.number,
                section_path=tuple(item.section_path),
                text=item.text,
                position=position,
                review=tuple(item.review),
                links=tuple(links),
                rules=tuple(rules),
            )
        )
    return items, list(unit_names)


def _plan_row(
    existing: Plan | None,
    plan: ParsedPlan,
    source: Source,
    key: str,
    now: datetime,
    jurisdiction_id: int,
) -> tuple[Plan, bool]:
    """The plan's row, created or with its metadata refreshed; second value: anything changed."""
    values = {
        "jurisdiction_id": jurisdiction_id,
        "title": plan.title[:TITLE_LIMIT],
        "issuer": plan.issuer,
        "jurisdiction": plan.jurisdiction_name or plan.jurisdiction or None,
        "year_from": plan.year_from,
        "year_to": plan.year_to,
        "source_name": source.name[:TITLE_LIMIT],
        "source_hash": source.digest,
    }
    if existing is None:
        row = Plan(plan_key=key, imported_at=now, updated_at=now, duties=[], **values)
        return row, True
    changed = False
    for name, value in values.items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    return existing, changed


async def _insert_new_duties(session: AsyncSession, syncs: Sequence[PlanSync]) -> list[int]:
    """Bulk-insert the new duties, their unit links and rules; returns the new duty ids.

    Ids come back with each row's plan and position (RETURNING order is not guaranteed).
    """
    new_ids: list[int] = []
    for sync in syncs:
        rows = sync.new_rows()
        found: dict[int, int] = {}
        for start in range(0, len(rows), INSERT_CHUNK):
            result = await session.execute(
                insert(Duty.__table__)
                .values(rows[start : start + INSERT_CHUNK])
                .returning(Duty.__table__.c.id, Duty.__table__.c.position)
            )
            found.update({position: duty_id for duty_id, position in result})
        sync.set_new_ids(found)
        new_ids.extend(found.values())
        if rows:
            session.expire(sync.plan, ["duties"])
    links = [row for sync in syncs for row in sync.child_rows()[0]]
    rules = [row for sync in syncs for row in sync.child_rows()[1]]
    if links:
        await session.execute(insert(DutyUnit.__table__), links)
    if rules:
        await session.execute(insert(ScheduleRule.__table__), rules)
    return new_ids


async def persist_documents(
    session: AsyncSession,
    sources: Sequence[Source],
    now: datetime,
    today: date,
    jurisdiction: str | None = None,
    reach: Reach | None = None,
) -> ImportResult:
    """Store the documents' plans in the session's transaction (the caller commits), each in
    its jurisdiction (`jurisdiction` names one for them all; `reach` bounds a coordinator's)."""
    keyed = _plan_keys(sources)
    places = await place_plans(
        session, [(plan, key) for _s, _i, plan, key in keyed], now, jurisdiction, reach
    )
    existing = await _stored_plans(session, places)
    rules = await load_rules(session)
    books: dict[int, UnitBook] = {}
    for place in sorted(set(places.values())):
        books[place] = await UnitBook.load(session, now, place)
        books[place].rules = rules
    statutory = [group for book in books.values() for group in book.ensure_statutory_groups()]
    prepared = [
        (source, plan, key, *_wanted_items(books[places[key]], plan))
        for source, _i, plan, key in keyed
    ]
    await session.flush()  # new units and groups get ids before links are compared
    works = [
        _sync_plan(session, existing, source, plan, key, wanted, unit_names, now, places[key])
        for source, plan, key, wanted, unit_names in prepared
    ]
    await session.flush()
    new_ids = await _insert_new_duties(session, [work.sync for work in works])
    await save_rules(session, rules, now)
    grown = await sync_members(session, rules, now)
    touched_ids = await _touched_duty_ids(session, works, new_ids, grown)
    for work in works:
        work.outcome.plan_id = work.row.id
        work.outcome.items = [
            replace(item, past_due=passed_by(item.rules, today, work.row.year_to))
            for item in work.sync.outcomes()
        ]
        work.outcome.removed = work.sync.removed_items()
    tree = await load_tree(session)
    for work in works:  # the preview shows the jurisdiction the plan goes to
        work.outcome.jurisdiction = tree.places[work.row.jurisdiction_id].name
    result = await _import_result(session, sources, works, books, statutory, touched_ids)
    await _retire_dropped(session, works, today)
    return result


async def _stored_plans(session: AsyncSession, places: dict[str, int]) -> dict[str, Plan]:
    """The plans already stored under these keys in the jurisdictions the plans go to, with
    their duties' units and rules (a plan of the same key elsewhere is another plan)."""
    return {
        plan.plan_key: plan
        for plan in await session.scalars(
            select(Plan)
            .where(
                Plan.plan_key.in_(list(places)),
                Plan.jurisdiction_id.in_(sorted(set(places.values()))),
            )
            .options(
                selectinload(Plan.duties).selectinload(Duty.units),
                selectinload(Plan.duties).selectinload(Duty.rules),
            )
        )
        if places[plan.plan_key] == plan.jurisdiction_id
    }


def _sync_plan(
    session: AsyncSession,
    existing: dict[str, Plan],
    source: Source,
    plan: ParsedPlan,
    key: str,
    wanted: list[WantedItem],
    unit_names: list[str],
    now: datetime,
    jurisdiction_id: int,
) -> _PlanWork:
    """One plan's row created or refreshed, its duties brought in line with its items."""
    row, plan_changed = _plan_row(existing.get(key), plan, source, key, now, jurisdiction_id)
    is_new = key not in existing
    if is_new:
        session.add(row)
        existing[key] = row
    sync = PlanSync(plan=row, wanted=wanted, now=now)
    if sync.apply() or plan_changed:
        row.updated_at = now
    outcome = PlanOutcome(
        key=key,
        title=row.title,
        issuer=plan.issuer,
        jurisdiction=row.jurisdiction,
        year_from=plan.year_from,
        year_to=plan.year_to,
        plan_year=plan.plan_year,
        layout=plan.layout,
        source_name=source.name,
        is_new=is_new,
        unit_names=unit_names,
        jurisdiction_id=jurisdiction_id,
    )
    touched = [duty for _item, duty, change, _f in sync.records if duty and change != "unchanged"]
    return _PlanWork(outcome, row, sync, touched, list(sync.disabled_rules), list(sync.relinked))


async def _touched_duty_ids(
    session: AsyncSession,
    works: list[_PlanWork],
    new_ids: list[int],
    grown: dict[int, set[int]],
) -> set[int]:
    """Duties to plan again: changed or new, and those bound to a group that grew."""
    touched_ids = {duty.id for work in works for duty in work.touched if duty.active}
    touched_ids |= set(new_ids)
    if grown:
        touched_ids.update(
            await session.scalars(
                select(DutyUnit.duty_id)
                .join(Duty, Duty.id == DutyUnit.duty_id)
                .where(DutyUnit.group_id.in_(list(grown)), Duty.active.is_(True))
            )
        )
    return touched_ids


async def _import_result(
    session: AsyncSession,
    sources: Sequence[Source],
    works: list[_PlanWork],
    books: dict[int, UnitBook],
    statutory: Sequence[UnitGroup],
    touched_ids: set[int],
) -> ImportResult:
    units: list[UnitSummary] = []
    groups: list[GroupSummary] = []
    for place, book in books.items():
        mine = [work for work in works if work.row.jurisdiction_id == place]
        named_units = {name for work in mine for name in work.outcome.unit_names}
        named_groups = {
            link.target.group.name
            for work in mine
            for item in work.sync.wanted
            for link in item.links
            if link.target.group is not None
        } | {
            group.name
            for group in [*book.created_groups, *statutory]
            if group in book.groups.values()
        }
        units += await unit_summaries(session, book, named_units)
        groups += await group_summaries(session, book, named_groups)
    return ImportResult(
        sources=[
            SourceSummary(
                name=source.name,
                format=source.document.format,
                encoding=source.document.encoding,
                digest=source.digest,
                warnings=tuple(source.document.warnings),
                unused=tuple(source.document.unused),
                chrome_lines=source.document.chrome_lines,
            )
            for source in sources
        ],
        plans=[work.outcome for work in works],
        units=units,
        groups=groups,
        dry_run=False,
        touched_duty_ids=sorted(touched_ids),
    )


async def _retire_dropped(session: AsyncSession, works: list[_PlanWork], today: date) -> None:
    """What the new text no longer says stops being chased: dropped rules, units, duties."""
    disabled = [rule for work in works for rule in work.disabled]
    relinked = [duty for work in works for duty in work.relinked]
    if disabled:
        await drop_future_occurrences(session, [rule.id for rule in disabled], today)
    if relinked:
        await retire_dropped_units(session, [duty.id for duty in relinked], today)
    if any(work.sync.removed for work in works):
        await retire_inactive(session, today)


async def import_sources(
    services: Services,
    sources: Sequence[Source],
    *,
    dry_run: bool = False,
    past: PastChoice = "ask",
    jurisdiction: str | None = None,
    reach: Reach | None = None,
) -> ImportResult:
    """Import in one transaction and plan the touched duties; a dry run rolls it all back.

    Duties whose deadlines all passed before the import are settled as `past` says (ask
    the units once, record as done, or leave them)."""
    now = services.clock.now()
    today = local_date(now, services.settings.zone)
    async with services.sessions() as session:
        transaction = await session.begin()
        try:
            await write_lock(session)
            result = await persist_documents(session, sources, now, today, jurisdiction, reach)
            result.dry_run = dry_run
            if dry_run:
                await transaction.rollback()
                return result
            past_ids = [
                item.duty_id
                for plan in result.plans
                for item in plan.past
                if item.duty_id is not None and (plan.is_new or item.change == "added")
            ]
            result.past_settled = len(
                await settle_past(session, past_ids, past, now, today, services.calendar)
            )
            result.past_choice = past
            result.planning = await replan(session, services, result.touched_duty_ids)
            await transaction.commit()
        except BaseException:
            await transaction.rollback()
            raise
    return result
