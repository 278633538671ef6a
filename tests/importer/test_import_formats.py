"""Every format reduces to the same items: .docx and .xlsx tables, HTML, GBK and GB18030 text."""

from __future__ import annotations

import html
import io
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from bot.importing import ParsedDocument, ParsedPlan, parse_bytes, parse_document
from bot.importing.reading import TableBlock, read_bytes

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
LEDGER = "002_12f87d2dbc5014d3.txt"
DIVISION = "001_7b0fa0002b4ed437.txt"
PARAGRAPHS = "000_88f7ea10d4537cb9.txt"
COUNTY = "004_ac129a74929e7d6a.txt"
ALL_SEEDS = sorted(path.name for path in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


@cache
def _from_text(name: str) -> ParsedDocument:
    return parse_document(SEEDS / name)


def _keys(document: ParsedDocument) -> list[list[tuple]]:
    return [[item.key() for item in plan.items] for plan in document.plans]


def _source_text(lines: list[int], name: str) -> list[str]:
    """The seed's own lines (1-based numbers) — cell contents are copied, not re-typed."""
    text = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    return [text[number - 1].strip() for number in lines]


def _unit_runs(plan: ParsedPlan) -> list[tuple[int, int]]:
    """(first row, last row) of each unit cell: a cell spans its item and the inherited ones."""
    runs: list[tuple[int, int]] = []
    for index, item in enumerate(plan.items):
        if item.unit_source == "inherited" and runs:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _runs_of(values: list[str]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if runs and values[runs[-1][0]] == value:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _ledger_rows(plan: ParsedPlan) -> list[list[str]]:
    rows = []
    for item in plan.items:
        units = "\n".join(_source_text(item.unit_lines, LEDGER)) if item.unit_lines else ""
        rows.append([item.section_path[0], item.section_path[1], item.number, item.text, units])
    return rows


LEDGER_HEADER = ["一级指标", "二级指标", "序号", "主要任务", "牵头、责任部门"]


def _ledger_merges(plan: ParsedPlan) -> list[tuple[int, int, int]]:
    """(column, first row, last row) for every vertical merge the ledger table has."""
    merges = []
    for column in (0, 1):
        values = [item.section_path[column] for item in plan.items]
        merges += [(column, a, b) for a, b in _runs_of(values) if b > a]
    merges += [(4, a, b) for a, b in _unit_runs(plan) if b > a]
    return merges


def _word_table(document: object, rows: list[list[str]], merges: list[tuple]) -> None:
    """A Word table with the given cell texts; (column, first, last) merges cells downwards.

    Texts go in first (only merge anchors carry text) and merging comes last, addressing
    cells from one snapshot: python-docx's `table.cell()` rescans the table on every call.
    """
    table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    cells = table._cells
    width = len(rows[0])
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            if value:
                cells[row_index * width + column].text = value
    for column, first, last in merges:
        cells[first * width + column].merge(cells[last * width + column])


def _ledger_docx(plan: ParsedPlan) -> bytes:
    document = Document()
    document.add_paragraph(plan.title)
    merges = [(column, a + 1, b + 1) for column, a, b in _ledger_merges(plan)]
    covered = {(row, column) for column, a, b in merges for row in range(a + 1, b + 1)}
    rows = [LEDGER_HEADER] + [
        ["" if (index, column) in covered else value for column, value in enumerate(row)]
        for index, row in enumerate(_ledger_rows(plan), start=1)
    ]
    _word_table(document, rows, merges)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ledger_xlsx(plan: ParsedPlan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append([plan.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    sheet.append(LEDGER_HEADER)
    for row in _ledger_rows(plan):
        sheet.append([int(row[2]) if column == 2 else value for column, value in enumerate(row)])
    for column, first, last in _ledger_merges(plan):
        for row in range(first + 4, last + 4):
            sheet.cell(row=row, column=column + 1).value = None
        sheet.merge_cells(
            start_row=first + 3, start_column=column + 1, end_row=last + 3, end_column=column + 1
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_ledger_has_merged_unit_cells_to_test() -> None:
    plan = _from_text(LEDGER).plans[0]
    spans = [b - a + 1 for c, a, b in _ledger_merges(plan) if c == 4]
    assert max(spans) >= 6, "item 89's cell covers items 89-94 across two 二级 groups"


def _merged_cells(data: bytes, name: str) -> int:
    blocks = read_bytes(data, name).blocks
    tables = [block for block in blocks if isinstance(block, TableBlock)]
    return sum(cell.merged_up for table in tables for row in table.rows for cell in row)


def test_docx_ledger_with_vertically_merged_cells_parses_like_the_text() -> None:
    text = _from_text(LEDGER)
    data = _ledger_docx(text.plans[0])
    assert _merged_cells(data, "ledger.docx") > 94, "the table really has vertical merges"
    docx = parse_bytes(data, "ledger.docx")
    assert docx.format == "docx"
    assert _keys(docx) == _keys(text)
    assert docx.plans[0].title == text.plans[0].title
    by_number = {item.number: item for item in docx.plans[0].items}
    assert by_number["93"].lead_units == ["区司法局"]
    assert by_number["93"].unit_source == "lines", "a merged cell applies to every row it covers"


def test_xlsx_ledger_with_merged_cells_parses_like_the_text() -> None:
    text = _from_text(LEDGER)
    data = _ledger_xlsx(text.plans[0])
    assert _merged_cells(data, "ledger.xlsx") > 94, "the sheet really has merged cells"
    xlsx = parse_bytes(data, "ledger.xlsx")
    assert xlsx.format == "xlsx"
    assert _keys(xlsx) == _keys(text)
    assert (xlsx.plans[0].year_from, xlsx.plans[0].jurisdiction_name) == (2020, "红桥区")


def _ledger_html(plan: ParsedPlan) -> bytes:
    """The ledger as a web page would publish it: a table with rowspan cells."""
    merges = _ledger_merges(plan)
    spans = {(first, column): last - first + 1 for column, first, last in merges}
    covered = {(row, c) for c, first, last in merges for row in range(first + 1, last + 1)}
    parts = ["<html><body><div>设为首页</div><table><tr>"]
    parts += [f"<th>{word}</th>" for word in LEDGER_HEADER] + ["</tr>"]
    for index, row in enumerate(_ledger_rows(plan)):
        parts.append("<tr>")
        for column, value in enumerate(row):
            if (index, column) in covered:
                continue
            span = spans.get((index, column))
            attribute = f' rowspan="{span}"' if span else ""
            content = "<br>".join(html.escape(part) for part in value.split("\n"))
            parts.append(f"<td{attribute}>{content}</td>")
        parts.append("</tr>")
    parts.append("</table><div>版权所有：红桥区人民政府</div></body></html>")
    return "".join(parts).encode("utf-8")


def test_html_ledger_with_rowspan_cells_parses_like_the_text() -> None:
    text = _from_text(LEDGER)
    page = parse_bytes(_ledger_html(text.plans[0]), "ledger.html")
    assert page.format == "html"
    assert _keys(page) == _keys(text)


def _division_docx(document_text: ParsedDocument) -> bytes:
    """Seed 001 as Word tables: 项目 merged down each section, lead and responsible columns."""
    document = Document()
    for plan in document_text.plans:
        document.add_paragraph(plan.title)
        rows = [["项目", "具体项目", "牵头单位", "责任单位"]]
        sections = [item.section_path[0] for item in plan.items]
        firsts = {first for first, _ in _runs_of(sections)}
        for index, item in enumerate(plan.items):
            units = _source_text(item.unit_lines, DIVISION) + ["", ""]
            section = sections[index] if index in firsts else ""
            rows.append([section, f"{item.number}.{item.text}", units[0], units[1]])
        merges = [(0, a + 1, b + 1) for a, b in _runs_of(sections) if b > a]
        _word_table(document, rows, merges)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_task_division_tables_parse_like_the_text() -> None:
    text = _from_text(DIVISION)
    docx = parse_bytes(_division_docx(text), "division.docx")
    assert [len(plan.items) for plan in docx.plans] == [50, 32, 56]
    assert _keys(docx) == _keys(text)


def test_docx_column_headers_keep_an_empty_lead_cell_empty() -> None:
    """Flat text would shift a lone responsible line into the lead; a table knows its column."""
    document = Document()
    document.add_paragraph("某区2022年法治政府建设工作要点")
    rows = [
        ["序号", "工作任务", "牵头单位", "责任单位"],
        ["1", "开展宪法宣传周活动。", "区司法局", "各街道"],
        ["2", "公开行政执法统计年报。", "", "各行政执法部门"],
        ["3", "报告上一年度法治政府建设情况。", "区政府办\n区司法局", ""],
    ]
    _word_table(document, rows, [])
    buffer = io.BytesIO()
    document.save(buffer)
    items = parse_bytes(buffer.getvalue(), "plan.docx").items
    assert [(i.number, i.lead_units, i.responsible_units) for i in items] == [
        ("1", ["区司法局"], ["各街道"]),
        ("2", [], ["各行政执法部门"]),
        ("3", ["区政府办", "区司法局"], []),
    ]


def test_a_deadline_column_stays_with_its_task() -> None:
    document = Document()
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "清理规范性文件。", "区司法局", "2022年10月底前"],
        ["2", "公开权责清单。", "区委编办", "每季度"],
        ["3", "开展普法活动。", "各街道", ""],
    ]
    _word_table(document, rows, [])
    buffer = io.BytesIO()
    document.save(buffer)
    items = parse_bytes(buffer.getvalue(), "plan.docx").items
    assert [item.text for item in items] == [
        "清理规范性文件。（完成时限：2022年10月底前）",
        "公开权责清单。（完成时限：每季度）",
        "开展普法活动。",
    ]
    assert [item.responsible_units for item in items] == [["区司法局"], ["区委编办"], ["各街道"]]


def test_docx_paragraphs_parse_like_the_text() -> None:
    document = Document()
    for line in (SEEDS / PARAGRAPHS).read_text(encoding="utf-8").split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    docx = parse_bytes(buffer.getvalue(), "plan.docx")
    assert _keys(docx) == _keys(_from_text(PARAGRAPHS))
    assert docx.plans[0].issuer == "中共杨陵区委、杨陵区人民政府"


def test_html_page_with_chrome_parses_like_the_text() -> None:
    body = "".join(
        f"<p>{line}</p>" for line in (SEEDS / COUNTY).read_text(encoding="utf-8").split("\n")
    )
    page = (
        '<!DOCTYPE html><html><head><meta charset="gbk"><title>宝应县人民政府</title>'
        "<style>p{margin:0}</style><script>var visits = 1;</script></head><body>"
        '<div class="nav"><a href="/">设为首页</a> <a>加入收藏</a></div>'
        f"<div>{body}</div>"
        "<div>访问次数：12345</div><div>版权所有：宝应县人民政府办公室 技术支持：某某公司</div>"
        "</body></html>"
    )
    data = page.replace("\xa0", "&nbsp;").encode("gbk")
    html = parse_bytes(data, "plan.html")
    assert (html.format, html.encoding) == ("html", "gbk")
    assert _keys(html) == _keys(_from_text(COUNTY))


def _gbk_safe(text: str) -> str:
    """GBK lacks a few characters the seeds use: odd spaces (U+00A0, U+2002) and the bullet."""

    def fix(char: str) -> str:
        try:
            char.encode("gbk")
        except UnicodeEncodeError:
            if char.isspace():
                return " "
            if char == "•":
                return "·"
            raise
        return char

    return "".join(fix(char) for char in text)


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_gbk_and_gb18030_reencodings_parse_identically(name: str) -> None:
    original = (SEEDS / name).read_text(encoding="utf-8")
    expected = _keys(_from_text(name))
    gbk = parse_bytes(_gbk_safe(original).encode("gbk"), name)
    gb18030 = parse_bytes(original.encode("gb18030"), name)
    assert gbk.encoding == "gbk"
    assert _keys(gbk) == expected
    assert _keys(gb18030) == expected
    if original != original.encode("gbk", "ignore").decode("gbk"):
        assert gb18030.encoding == "gb18030", "characters outside GBK need GB18030"


def test_utf8_with_bom_and_crlf_parses_identically() -> None:
    original = (SEEDS / COUNTY).read_text(encoding="utf-8")
    data = b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8")
    assert _keys(parse_bytes(data, COUNTY)) == _keys(_from_text(COUNTY))
