"""Flatten read blocks (text lines and tables) into the one line model the parser reads.

A table row becomes its cells' lines in column order, which is exactly what a web page's table
looks like once copied as text. Two things a real table knows and flat text does not are kept:
a column headed 牵头单位/责任单位 labels its cells (so an empty lead cell cannot shift the
responsible units into the lead), and a vertically merged unit cell is repeated for every row
it covers (in flat text such a cell appears once and the parser carries it forward instead).
"""

from __future__ import annotations

import re

from bot.importing.model import SourceLine
from bot.importing.reading import RawDocument, TableBlock, TableCell, TextBlock
from bot.importing.unit_text import is_unit_list, starts_with_label

HEADER_WORDS = frozenset(
    {
        "一级指标",
        "二级指标",
        "三级指标",
        "指标",
        "序号",
        "编号",
        "项目",
        "具体项目",
        "主要任务",
        "工作任务",
        "重点任务",
        "具体任务",
        "任务",
        "工作内容",
        "工作措施",
        "目标任务",
        "牵头单位",
        "牵头部门",
        "责任单位",
        "责任部门",
        "配合单位",
        "配合部门",
        "协办单位",
        "牵头、责任部门",
        "牵头、责任单位",
        "牵头单位、责任单位",
        "牵头单位及责任单位",
        "完成时限",
        "完成时间",
        "时间节点",
        "时间安排",
        "备注",
    }
)
_TIME_HEADERS = ("时限", "时间")
_SPACES = re.compile(r"\s+")


def is_header_word(text: str) -> bool:
    """A cell/line that is a table header ("序号", "牵头单位"), not content."""
    return _SPACES.sub("", text).replace(":", "").replace("：", "") in HEADER_WORDS


def _column_roles(header: list[TableCell]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, cell in enumerate(header):
        word = _SPACES.sub("", cell.text)
        lead = "牵头" in word or "主责" in word
        responsible = any(key in word for key in ("责任", "配合", "协办", "参与"))
        if lead and responsible:
            roles[index] = "units"
        elif lead:
            roles[index] = "lead"
        elif responsible:
            roles[index] = "responsible"
        elif any(key in word for key in _TIME_HEADERS):
            roles[index] = "time:" + word
    return roles


def _header_row(rows: list[list[TableCell]]) -> int | None:
    for index, row in enumerate(rows[:10]):
        words = sum(1 for cell in row if not cell.merged_left and is_header_word(cell.text))
        if words >= 2:
            return index
    return None


def _cell_lines(cell: TableCell, role: str | None) -> list[str]:
    paragraphs = [p for p in cell.text.split("\n") if p.strip()]
    if not paragraphs:
        return []
    first = paragraphs[0]
    if role == "lead" and not starts_with_label(first):
        paragraphs[0] = "牵头单位：" + first
    elif role == "responsible" and not starts_with_label(first):
        paragraphs[0] = "责任单位：" + first
    elif role and role.startswith("time:"):
        paragraphs[0] = f"{role[5:]}：{first}"
    return paragraphs


def _repeat_merged(cell: TableCell, role: str | None) -> bool:
    """Merged unit cells apply to every row they cover; merged headings are said once."""
    if role in {"lead", "responsible", "units"}:
        return True
    first = next((p for p in cell.text.split("\n") if p.strip()), "")
    return bool(first) and (starts_with_label(first) or is_unit_list(first))


def _table_lines(table: TableBlock) -> list[tuple[str, str]]:
    header_index = _header_row(table.rows)
    roles = _column_roles(table.rows[header_index]) if header_index is not None else {}
    lines: list[tuple[str, str]] = []
    for row_index, row in enumerate(table.rows):
        is_data = header_index is not None and row_index > header_index
        for col_index, cell in enumerate(row):
            if cell.merged_left:
                continue
            role = roles.get(col_index) if is_data else None
            if cell.merged_up and not _repeat_merged(cell, role):
                continue
            origin = f"{table.origin} row {row_index + 1} col {col_index + 1}"
            lines.extend((text, origin) for text in _cell_lines(cell, role))
    return lines


def flatten(raw: RawDocument) -> list[SourceLine]:
    """All blocks as numbered lines; for .txt the numbers are the file's line numbers."""
    pairs: list[tuple[str, str]] = []
    for block in raw.blocks:
        if isinstance(block, TextBlock):
            pairs.append((block.text, block.origin))
        else:
            pairs.extend(_table_lines(block))
    return [SourceLine(index, text, origin) for index, (text, origin) in enumerate(pairs, 1)]
