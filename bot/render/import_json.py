"""An import result as JSON-able data (for `dutybot import --json` and other tools)."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.usecases.importing.result import ImportResult, ItemOutcome, PlanOutcome


def _item(item: ItemOutcome, t: Translator) -> dict[str, Any]:
    return {
        "number": item.number,
        "section": list(item.section_path),
        "text": item.text,
        "lead_units": list(item.lead_units),
        "responsible_units": list(item.responsible_units),
        "unresolved_units": list(item.unresolved),
        "review": [{"code": reason.code, "message": reason.message} for reason in item.review],
        "rules": [{**rule.to_json(), "explain": rule.explain(t)} for rule in item.rules],
        "change": item.change,
        "changed_fields": list(item.changed_fields),
    }


def _plan(plan: PlanOutcome, t: Translator) -> dict[str, Any]:
    return {
        "key": plan.key,
        "title": plan.title,
        "issuer": plan.issuer,
        "jurisdiction": plan.jurisdiction,
        "year_from": plan.year_from,
        "year_to": plan.year_to,
        "plan_year": plan.plan_year,
        "layout": plan.layout,
        "source": plan.source_name,
        "new": plan.is_new,
        "added": len(plan.added),
        "changed": len(plan.changed),
        "removed": [{"number": item.number, "text": item.text} for item in plan.removed],
        "units": list(plan.unit_names),
        "items": [_item(item, t) for item in plan.items],
    }


def import_json(result: ImportResult, t: Translator) -> dict[str, Any]:
    """Plans with their items and rules (explained in `t`'s language), units and groups."""
    return {
        "dry_run": result.dry_run,
        "sources": [
            {
                "name": source.name,
                "format": source.format,
                "encoding": source.encoding,
                "sha256": source.digest,
                "warnings": list(source.warnings),
            }
            for source in result.sources
        ],
        "plans": [_plan(plan, t) for plan in result.plans],
        "units": [
            {
                "name": unit.name,
                "aliases": list(unit.aliases),
                "kind": unit.kind,
                "new": unit.is_new,
                "needs_review": unit.needs_review,
            }
            for unit in result.units
        ],
        "groups": [
            {
                "name": group.name,
                "members": list(group.members),
                "aliases": list(group.aliases),
                "selective": group.selective,
                "rule": group.rule,
                "needs_members": group.needs_members,
            }
            for group in result.groups
        ],
    }
