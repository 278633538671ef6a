"""Tables copied as text with "|" between cells, as document sites and web mirrors print them.

Two shapes occur: a row per line ("任务 | 单位 | 时限 |"), and a cell per line with lone "|"
lines between cells. Rows per line become a table (its grid is aligned later, by the header's
columns); cells per line stay lines, which the outline reader takes as a flattened table.
"""

from __future__ import annotations

import re

from bot.importing.blocks import Block, TableBlock, TableCell, TextBlock

_SEPARATOR = re.compile(r"^[\s|｜]*$")
_MIN_PIPE_LINES = 3


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"[|｜]", text) if cell.strip()]


def _is_row(text: str) -> bool:
    return "|" in text or "｜" in text


def _cell_rows(blocks: list[Block]) -> list[Block] | None:
    """Cells one per line with a lone "|" after each, and "|" twice where a row ends: the
    rows rebuilt as a table (None when the text does not mark rows that way)."""
    kinds = [
        "sep"
        if isinstance(b, TextBlock) and _SEPARATOR.match(b.text) and b.text.strip()
        else "blank"
        if isinstance(b, TextBlock) and not b.text.strip()
        else "cell"
        for b in blocks
    ]
    significant = [kind for kind in kinds if kind != "blank"]
    doubled = sum(1 for a, b in zip(significant, significant[1:], strict=False) if a == b == "sep")
    if doubled < 2:
        return None
    first = kinds.index("sep")
    out: list[Block] = list(blocks[:first])
    rows: list[list[TableCell]] = []
    row: list[TableCell] = []
    previous = "sep"
    for block, kind in zip(blocks[first:], kinds[first:], strict=True):
        if kind == "blank":
            continue
        if kind == "sep":
            if previous == "sep" and row:
                rows.append(row)
                row = []
            previous = "sep"
            continue
        assert isinstance(block, TextBlock)
        row.append(TableCell(block.text.strip()))
        previous = "cell"
    if row:
        rows.append(row)
    out.append(TableBlock(rows, f"{blocks[first].origin} (table)"))
    return out


def split_pipes(blocks: list[Block]) -> list[Block]:
    """Text blocks with "|" cells as tables (rows per line) or plain lines (cells per line)."""
    texts = [block for block in blocks if isinstance(block, TextBlock)]
    if sum(1 for block in texts if _is_row(block.text)) < _MIN_PIPE_LINES:
        return blocks
    rebuilt = _cell_rows(blocks)
    if rebuilt is not None:
        return rebuilt
    out: list[Block] = []
    rows: list[list[TableCell]] = []
    first_origin = ""

    def close() -> None:
        nonlocal rows
        if len(rows) >= 2:
            out.append(TableBlock(rows, f"{first_origin} (table)"))
        else:
            out.extend(TextBlock(cell.text, first_origin) for row in rows for cell in row)
        rows = []

    for block in blocks:
        if not isinstance(block, TextBlock) or not _is_row(block.text):
            if isinstance(block, TextBlock) and not block.text.strip() and rows:
                continue  # a blank line inside a table
            close()
            out.append(block)
            continue
        if _SEPARATOR.match(block.text):
            continue
        cells = _cells(block.text)
        if len(cells) < 2 and not rows:
            out.append(TextBlock(cells[0] if cells else "", block.origin))
            continue
        if len(cells) < 2:  # a cell wrapped onto the next line: the row goes on
            rows[-1].extend(TableCell(cell) for cell in cells)
            continue
        if not rows:
            first_origin = block.origin
        rows.append([TableCell(cell) for cell in cells])
    close()
    return out
