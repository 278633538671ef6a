"""Ledger tests' helpers: store parsed seed plans as they were printed, read a workbook back."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.importing import ParsedDocument
from storage.models import Duty, DutyUnit, Plan, UnitRole

ItemKey = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


async def store_parsed(
    session: AsyncSession, document: ParsedDocument, now: datetime, prefix: str
) -> list[Plan]:
    """Plans and duties exactly as parsed (units by their printed names, unresolved)."""
    plans = []
    for index, parsed in enumerate(document.plans):
        plan = Plan(
            plan_key=f"{prefix}-{index}",
            title=parsed.title,
            year_from=parsed.year_from,
            year_to=parsed.year_to,
            imported_at=now,
            updated_at=now,
        )
        session.add(plan)
        await session.flush()
        for position, item in enumerate(parsed.items, start=1):
            duty = Duty(
                plan_id=plan.id,
                number=item.number,
                position=position,
                section_path=list(item.section_path),
                text=item.text,
                review=[],
                created_at=now,
                updated_at=now,
            )
            for role, names in (
                (UnitRole.LEAD, item.lead_units),
                (UnitRole.RESPONSIBLE, item.responsible_units),
            ):
                duty.units.extend(DutyUnit(role=role, raw_name=name) for name in names)
            session.add(duty)
        await session.flush()
        plans.append(plan)
    return plans


def keys_by_plan(document: ParsedDocument) -> dict[str, list[ItemKey]]:
    return {plan.title: [item.key() for item in plan.items] for plan in document.plans}


def sheet_rows(data: bytes, sheet: int | str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(data))
    worksheet = workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet]
    return [tuple(row) for row in worksheet.iter_rows(values_only=True)]
