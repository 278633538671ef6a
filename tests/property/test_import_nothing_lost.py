"""Property: every sentence of a document is in an imported item or listed as "not used".

Generated plans (any numbering style, any unit marker, glued lines, sentences that start with
a digit or name a website or a phone number) and the real corpus documents are read; every
sentence of every item's text must be found in the item it belongs to, or in the document's
`unused` list, which the preview shows. Page chrome may be dropped, never an item's sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.importing import DocumentError, ParsedDocument, parse_bytes
from bot.importing.numbering import inline_markers, marker_at
from bot.importing.unit_text import parse_unit_text
from tests.corpus import measure

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")

SENTENCES = [
    "健全依法决策机制，严格落实重大行政决策程序。",
    "12月31日前完成年度报告并在政府网站公开。",
    "2024年底前实现行政执法“三项制度”全覆盖。",
    "开通投诉电话12345，公布网址www.example.gov.cn。",
    "联系电话：0851-1234567，设立法律援助工作站。",
    "每季度开展一次执法案卷评查。",
    "来源于群众的意见建议要及时反馈。",
    "推动“八五”普法规划中期评估，打印并分发宣传册。",
    "按照《中华人民共和国行政许可法》规定清理许可事项。",
    "加强行政复议规范化建设，提升办案质量。",
    "1.5万份宣传资料于12·4国家宪法日前发放。",
]
UNITS = ["区司法局", "区委宣传部", "区市场监督管理局", "区政府办公室", "区教育局", "各街道"]
ITEM_STYLES = ["（{cn}）", "{n}.", "{n}、", "（{n}）", "第{cn}条"]
SECTION_STYLES = ["{cn}、", "第{cn}部分 ", ""]
MARKERS = ["none", "paren", "lines", "bracket", "subject", "unit_line"]
CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


@dataclass
class Generated:
    """A plan as written: its text and, per item, its sentences and units."""

    text: str
    items: list[tuple[list[str], list[str], list[str]]]  # sentences, lead, responsible


@st.composite
def plans(draw: st.DrawFn) -> Generated:
    item_style = draw(st.sampled_from(ITEM_STYLES))
    section_style = draw(st.sampled_from(SECTION_STYLES))
    if section_style and item_style.startswith("第"):
        section_style = "{cn}、"
    marker = draw(st.sampled_from(MARKERS))
    glued = draw(st.booleans()) and marker in {"none", "paren", "bracket", "subject"}
    sections = draw(st.integers(1, 3)) if section_style else 1
    lines = ["某区2024年法治政府建设工作要点"]
    items: list[tuple[list[str], list[str], list[str]]] = []
    for s in range(1, sections + 1):
        if section_style:
            lines.append(section_style.format(cn=_cn(s)) + f"第{s}方面的重点任务")
        count = draw(st.integers(1, 4))
        for n in range(1, count + 1):
            said = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3, unique=True))
            lead = draw(st.lists(st.sampled_from(UNITS[:4]), max_size=2, unique=True))
            resp = draw(st.lists(st.sampled_from(UNITS[4:]), max_size=2, unique=True))
            if marker != "none" and not lead and not resp:
                lead = [UNITS[0]]
            body = item_style.format(n=n, cn=_cn(n)) + "加强重点工作。" + "".join(said)
            label = "；".join(
                part
                for part in (
                    f"牵头单位：{'、'.join(lead)}" if lead else "",
                    f"责任单位：{'、'.join(resp)}" if resp else "",
                )
                if part
            )
            if marker == "paren":
                body += f"（{label}）"
            elif marker == "bracket":
                body += f"〔{label}〕"
            elif marker == "subject":
                clause = f"由{'、'.join(lead)}牵头" if lead else ""
                clause += ("，" if clause else "") + (f"{'、'.join(resp)}配合" if resp else "")
                body += clause + "。"
            lines.append(body)
            if marker == "lines":
                lines.extend(
                    [f"牵头单位：{'、'.join(lead)}"] * bool(lead)
                    + [f"责任单位：{'、'.join(resp)}"] * bool(resp)
                )
            if marker == "unit_line":
                lines.append(f"（{label}）")
            units = (lead, resp) if marker != "none" else ([], [])
            items.append((["加强重点工作。", *said], *units))
    separator = "" if glued else "\n"
    return Generated(separator.join(lines), items)


def _sentences(text: str) -> list[str]:
    return [s for s in (m.group(0) for m in SENTENCE.finditer(text)) if len(s.strip("。；")) > 1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_every_sentence_of_a_generated_plan_is_in_its_item(plan: Generated) -> None:
    document = parse_bytes(plan.text.encode("utf-8"), "plan.txt")
    assert len(document.items) == len(plan.items), plan.text
    unused = "\n".join(measure.norm(text.text) for text in document.unused)
    for item, (said, lead, resp) in zip(document.items, plan.items, strict=True):
        text = measure.norm(item.text)
        for sentence in said:
            wanted = measure.norm(sentence)
            assert wanted in text or wanted in unused, (wanted, item.text)
        assert item.lead_units == lead, (item.text, plan.text)
        assert item.responsible_units == resp, (item.text, plan.text)


def _covered_pieces(document: ParsedDocument) -> str:
    pieces = [item.text for item in document.items]
    pieces += [text.text for text in document.unused]
    pieces += [section for item in document.items for section in item.section_path]
    pieces += [plan.title for plan in document.plans] + [document.title]
    pieces += [name for item in document.items for name in item.lead_units]
    pieces += [name for item in document.items for name in item.responsible_units]
    return "\n".join(measure.norm(piece) for piece in pieces)


def _fragments(line: str) -> list[str]:
    """A line's sentences, cut further at table cells and at numbers standing inside them
    (a glued heading and its first item are two pieces of the plan)."""
    pieces: list[str] = []
    for cell in re.split(r"[|｜]", line):
        for sentence in _sentences(cell.strip()):
            cuts = [0, *(m.start for m in inline_markers(sentence, anywhere=True)), len(sentence)]
            for start, end in zip(cuts, cuts[1:], strict=False):
                piece = sentence[start:end]
                marker = marker_at(piece)
                pieces.append((piece[marker.end :] if marker else piece).strip("。；| "))
    return [piece for piece in pieces if len(piece) >= 4]


def _unit_phrase(text: str, names: set[str]) -> bool:
    """A unit line or cell whose every name went into an item's units."""
    found = parse_unit_text(text.strip("（）()")).names
    return bool(found) and all(measure.norm(name) in names for name in found)


@pytest.mark.parametrize("gold", measure.load(), ids=lambda gold: gold["id"])
def test_every_sentence_of_a_corpus_document_is_imported_or_listed(gold: dict) -> None:
    """Sentences of a real page: in an item, a heading or title, the units, or "not used";
    only page chrome and the dates, headers and signatures around the plan may be left out."""
    data = (CORPUS / "docs" / f"{gold['id']}.txt").read_bytes()
    try:
        document = parse_bytes(data, f"{gold['id']}.txt")
    except DocumentError:
        assert not any(plan["items"] for plan in gold["plans"])
        return
    covered = _covered_pieces(document)
    flat = covered.replace("\n", "")
    names = {
        measure.norm(name)
        for item in document.items
        for name in [*item.lead_units, *item.responsible_units]
    }
    missing = []
    for line in data.decode("utf-8").split("\n"):
        for core in _fragments(measure.norm(line)):
            if core in flat or _unit_phrase(core, names):
                continue
            missing.append(core)
    known_furniture = [m for m in missing if _furniture(m)]
    lost = [m for m in missing if m not in known_furniture]
    assert not lost, lost[:5]


_FURNITURE = re.compile(
    r"^\d{4}年\d{1,2}月\d{1,2}日$|关于.*的通知$|^(序号|工作任务|责任单位|牵头单位|完成时限|具体要求|时间安排)|"
    r"来源|发布|浏览|访问|打印|关闭|索引号|文号|字号|分享|扫一扫|当前位置|首页|上传时间|文档编号|页数|格式|大小|"
    r"https?:|www\.|会员分享|请在|搜索|\.docx|\.doc|\d+/\d+"
)


def _furniture(text: str) -> bool:
    """Chrome and table headers: may be dropped (they are counted, not listed)."""
    return bool(_FURNITURE.search(text)) or len(text) <= 12 and "。" not in text
