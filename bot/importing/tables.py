"""Flatten read blocks (text lines and tables) into the one line model the parser reads.

A table row becomes its cells' lines in column order, which is exactly what a web page's table
looks like once copied as text. Two things a real table knows and flat text does not are kept:
a column headed 牵头单位/责任单位 labels its cells (so an empty lead cell cannot shift the
responsible units into the lead), and a vertically merged unit cell is repeated for every row
it covers (in flat text such a cell appears once and the parser carries it forward instead).
"""

from __future__ import annotations

import re

from bot.importing.blocks import RawDocument, TableBlock, TableCell, TextBlock
from bot.importing.model import SourceLine
from bot.importing.table_text import UNIT_COLUMN_ENDINGS as _UNIT_COLUMN
from bot.importing.table_text import looks_like_time
from bot.importing.unit_text import is_unit_list, parse_unit_text, starts_with_label
from bot.importing.units import is_collective, match_group

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
        "类别",
        "类型",
        "分类",
        "领域",
        "完成时间",
        "时间节点",
        "时间安排",
        "备注",
    }
)
_TIME_HEADERS = ("时限", "时间")
_SPACES = re.compile(r"\s+")


_HEADER_SHAPE = re.compile(
    r"^[\u4e00-\u9fff（）]{0,8}(内容|单位|部门|处室|科室|股室|时限|完成时间|时间安排|措施|任务"
    r"|要求|备注|序号|指标|项目|事项|分工|清单|领导|责任人|对象|载体|方式)$"
)
_NOT_HEADER_START = ("各", "有关", "相关", "其他", "其它")


def is_header_word(text: str) -> bool:
    """A cell/line that is a table header ("序号", "牵头单位", "授课单位"), not content."""
    word = _SPACES.sub("", text).rstrip(":：")
    if ":" in word or "：" in word:
        return False  # "责任单位：各科室" is a cell with its label
    if word in HEADER_WORDS:
        return True
    if not _HEADER_SHAPE.match(word) or word.startswith(_NOT_HEADER_START):
        return False
    return not (match_group(word) or is_collective(word))  # "区直有关部门": a unit cell


def _column_roles(header: list[TableCell]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, cell in enumerate(header):
        if cell.merged_left:
            continue
        word = _SPACES.sub("", cell.text)
        lead = "牵头" in word or "主责" in word
        responsible = any(key in word for key in ("责任", "配合", "协办", "参与"))
        if any(key in word for key in _PEOPLE):
            roles[index] = "people"
        elif lead and responsible:
            roles[index] = "units"
        elif lead:
            roles[index] = "lead"
        elif responsible:
            roles[index] = "responsible"
        elif word.endswith(_UNIT_COLUMN):
            roles[index] = "lead"
        elif any(key in word for key in _TIME_HEADERS):
            roles[index] = "time:" + word
        elif word in {"序号", "编号"}:
            roles[index] = "number"
    return roles


_PEOPLE = ("领导", "责任人", "联系人", "负责人")
_MARKED_CELL = re.compile(r"^\s*(?:\d{1,4}\s*[.、．]|[（(][一二三四五六七八九十\d]{1,3}[）)])")


def _header_words(row: list[TableCell]) -> int:
    return sum(1 for cell in row if not cell.merged_left and is_header_word(cell.text))


def _header_row(rows: list[list[TableCell]]) -> int | None:
    for index, row in enumerate(rows[:10]):
        if _header_words(row) >= 2:
            return index
    return None


def _merge_header(top: list[TableCell], sub: list[TableCell], width: int) -> list[TableCell]:
    """A two-row header as one: the sub-row replaces the top cells it sits under, found by
    the words they share ("责任清单" over "责任领导 | 责任人 | 责任处室")."""
    spanned = len(top) + len(sub) - width
    if spanned < 1 or spanned > len(top):
        return sub if len(sub) >= len(top) else top

    def shared(start: int) -> int:
        words = "".join(cell.text for cell in top[start : start + spanned])
        return sum(1 for cell in sub for char in set(cell.text) if char in words)

    start = max(range(len(top) - spanned + 1), key=shared)
    return [*top[:start], *sub, *top[start + spanned :]]


def _contentful(texts: list[str]) -> bool:
    """A column of task text: numbered cells or long ones."""
    filled = [text for text in texts if text.strip()]
    if not filled:
        return False
    rich = sum(1 for text in filled if _MARKED_CELL.match(text) or len(text.strip()) >= 12)
    return rich * 2 >= len(filled)


def _content_column(rows: list[list[TableCell]], roles: dict[int, str]) -> int | None:
    """The column the duties are written in: of the unlabelled columns of task text, the one
    filled in most rows (a merged heading column is filled in fewer)."""
    width = max((len(row) for row in rows), default=0)
    best: tuple[int, int] | None = None
    for column in range(width):
        if column in roles:
            continue
        texts = [
            row[column].text for row in rows if column < len(row) and not row[column].merged_up
        ]
        if not _contentful(texts):
            continue
        filled = sum(1 for text in texts if text.strip())
        if best is None or filled > best[0]:
            best = (filled, column)
    if best is not None:
        return best[1]
    return next((column for column in range(width) if column not in roles), None)


def _cell_score(text: str, role: str | None) -> int:
    """How well a cell's text fits a column's role (for rows printed without their merged
    cells)."""
    text = text.strip()
    units = starts_with_label(text) or is_unit_list(text)
    if role == "number":
        return 3 if text.isdigit() else -1
    if role in {"lead", "responsible", "units"}:
        return 2 if units else -2
    if role and role.startswith("time:"):
        return 2 if looks_like_time(text) else -1
    if units or looks_like_time(text):
        return -1
    return 1 if _MARKED_CELL.match(text) or len(text) >= 12 else 0


def _aligned(
    rows: list[list[TableCell]], roles: dict[int, str], width: int
) -> list[list[TableCell]]:
    """Short rows padded to the grid: the missing cells are merged ones from above, on the
    side that puts numbers, units and dates under their own columns."""
    grid: list[list[TableCell]] = []
    for row in rows:
        missing = width - len(row)
        if missing <= 0:
            grid.append(row)
            continue
        scores = [
            sum(_cell_score(cell.text, roles.get(offset + i)) for i, cell in enumerate(row))
            for offset in range(missing + 1)
        ]
        offset = scores.index(max(scores))
        pad = [TableCell("", merged_up=True) for _ in range(offset)]
        tail = [TableCell("", merged_up=True) for _ in range(missing - offset)]
        grid.append([*pad, *row, *tail])
    return grid


def _cell_lines(cell: TableCell, role: str | None) -> list[str]:
    paragraphs = [p for p in cell.text.split("\n") if p.strip()]
    if not paragraphs:
        return []
    first = paragraphs[0]
    if role in {"lead", "responsible"} and parse_unit_text(first).marked:
        return paragraphs  # "办公室牵头，各科室配合" says its own roles
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


Emitted = tuple[str, str, str]  # text, origin, role


NO_UNITS = "牵头单位：；责任单位："
_UNIT_ROLES = ("lead", "responsible", "units")


def _unitless(row: list[TableCell], roles: dict[int, str]) -> bool:
    """Every unit cell of the row is empty and not merged from above."""
    cells = [row[column] for column, role in roles.items() if role in _UNIT_ROLES]
    return bool(cells) and all(not c.text.strip() and not c.merged_up for c in cells)


def _table_lines(table: TableBlock, exact_units: bool = False) -> list[Emitted]:
    """A table as lines: header words, then per data row a row start, its heading cells
    (columns left of the task column), its number, task text, units and time limit.

    With `exact_units` (a ledger dutybot exported) a row whose unit cells are all empty
    names no units, as if labelled so, instead of continuing the units above it."""
    header_index = _header_row(table.rows)
    header = table.rows[header_index] if header_index is not None else []
    if header_index is not None and any(len(row) != len(table.rows[0]) for row in table.rows):
        # rows printed with "|": a second header row splits a top cell; widths differ
        rows = table.rows
        width = max(len(row) for row in rows[header_index:])
        below = rows[header_index + 1] if header_index + 1 < len(rows) else []
        if _header_words(below) >= 2:
            header = _merge_header(header, below, width)
            rows = [*rows[: header_index + 1], *rows[header_index + 2 :]]
        header = [*header, *(TableCell("") for _ in range(width - len(header)))]
        rows = [*rows[:header_index], header, *rows[header_index + 1 :]]
        table = TableBlock(_aligned(rows, _column_roles(header), width), table.origin)
    roles = _column_roles(header) if header_index is not None else {}
    data = table.rows[header_index + 1 :] if header_index is not None else []
    content = _content_column(data, roles) if header_index is not None else None
    categories = [
        column
        for column in range(content or 0)
        if column not in roles and any(column < len(row) and row[column].text for row in data)
    ]
    first_role_after = min(
        (column for column in roles if content is not None and column > content),
        default=max((len(row) for row in table.rows), default=0),
    )
    lines: list[Emitted] = []
    for row_index, row in enumerate(table.rows):
        is_data = header_index is not None and row_index > header_index
        origin_row = f"{table.origin} row {row_index + 1}"
        if header_index is not None and row_index < header_index:
            texts = [
                cell.text.strip() for cell in row if cell.text.strip() and not cell.merged_left
            ]
            if len(texts) == 1:  # a title row above the header, merged across the table
                lines.append((texts[0], origin_row, "title"))
                continue
        if is_data and content is not None:
            lines.append(("", origin_row, "row"))
        unitless = exact_units and is_data and _unitless(row, roles)
        first_unit = min((c for c, r in roles.items() if r in _UNIT_ROLES), default=None)
        for col_index, cell in enumerate(row):
            if cell.merged_left:
                continue
            role = roles.get(col_index) if is_data else None
            if unitless and col_index == first_unit:
                lines.append((NO_UNITS, f"{origin_row} col {col_index + 1}", ""))
                continue
            if role == "people":  # a person is not a unit; listed as not used, not dropped
                lines.append((cell.text.strip(), f"{origin_row} col {col_index + 1}", "aside"))
                continue
            origin = f"{origin_row} col {col_index + 1}"
            if is_data and col_index in categories:
                if not cell.merged_up and cell.text.strip():
                    depth = categories.index(col_index)
                    lines.append((_SPACES.sub(" ", cell.text).strip(), origin, f"category:{depth}"))
                continue
            if cell.merged_up and not _repeat_merged(cell, role):
                continue
            if is_data and content is not None and col_index > content and role is None:
                # the task's own columns go on its text; columns after units are remarks
                kind = "cont" if col_index < first_role_after else "aside"
                lines.extend((text, origin, kind) for text in _cell_lines(cell, None))
                continue
            if role == "number" and cell.text.strip() and not cell.text.strip().isdigit():
                lines.append((cell.text.strip(), origin, "rowno"))  # "S1", "1-2"
                continue
            lines.extend((text, origin, "") for text in _cell_lines(cell, role))
    return lines


def flatten(raw: RawDocument) -> list[SourceLine]:
    """All blocks as numbered lines; for .txt the numbers are the file's line numbers."""
    emitted: list[Emitted] = []
    for block in raw.blocks:
        if isinstance(block, TextBlock):
            emitted.append((block.text, block.origin, ""))
        else:
            emitted.extend(_table_lines(block, raw.exact_units))
    return [
        SourceLine(index, text, origin, role)
        for index, (text, origin, role) in enumerate(emitted, 1)
    ]
