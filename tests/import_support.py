"""Shared by the import tests: seed paths, a whole-database snapshot, a revised seed 004."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.services import Services
from storage.models import Base
from tests.conftest import SEEDS_DIR

SEED_004 = SEEDS_DIR / "004_ac129a74929e7d6a.txt"
ALL_SEEDS = sorted(SEEDS_DIR.glob("*.txt"))

EDITED_FROM = "按照权责一致的原则"
EDITED_TO = "按照权责统一、边界清晰的原则"
REMOVED_START = "5、深化党政一体法律顾问工作作用发挥。"
ADDED_LINE = (
    "4、建立规范性文件动态清理机制。11月底前完成一次全面清理并公布结果。"
    "(责任单位:县司法局、县各相关部门)"
)
AFTER_LINE_START = "3、做好规范性文件备案工作。"


def revised_004() -> bytes:
    """Seed 004 with item 一.4 reworded, item 二.5 dropped and an item 三.4 added."""
    lines = SEED_004.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    for line in lines:
        if line.startswith(REMOVED_START):
            continue
        out.append(line.replace(EDITED_FROM, EDITED_TO))
        if line.startswith(AFTER_LINE_START):
            out.append(ADDED_LINE)
    text = "\n".join(out)
    assert EDITED_TO in text and ADDED_LINE in text and REMOVED_START not in text
    return text.encode("utf-8")


async def snapshot(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    async with services.sessions() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(row) for row in (await session.execute(query)).all()]
    return result


def counts(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    return {name: len(values) for name, values in rows.items()}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
