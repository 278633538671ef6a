"""Tables flattened to text: which columns the header names, and what a bare cell is.

A web table copied as text (one cell per line, or cells between "|") loses its grid but keeps
its header row. The header says which columns hold the task, the lead and responsible units
and the time limit, so a bare cell can be read by its column: a list of names is the next
unit column, a date phrase the time limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.importing.unit_text import parse_unit_text
from bot.importing.units import looks_like_unit

Role = str  # "lead" | "responsible"

_LEAD = ("牵头", "主责", "主办")
_RESPONSIBLE = ("责任", "配合", "协办", "参与", "协助", "实施单位", "承办")
_TIME = ("时限", "完成时间", "时间节点", "时间安排", "进度", "期限")
_TASK = ("任务", "措施", "内容", "事项", "举措", "工作要点", "具体项目", "要求")
_NUMBER = ("序号", "编号")
UNIT_COLUMN_ENDINGS = ("单位", "部门", "处室", "科室", "股室", "主体")


@dataclass(frozen=True, slots=True)
class TableColumns:
    """What a flattened table's header row says its columns hold."""

    unit_roles: tuple[Role, ...]
    has_task: bool
    has_time: bool
    numbered: bool

    @classmethod
    def from_header(cls, words: list[str]) -> TableColumns:
        """Read the roles of a header row's words, in column order."""
        roles: list[Role] = []
        task = time = numbered = False
        for word in words:
            lead = any(key in word for key in _LEAD)
            responsible = any(key in word for key in _RESPONSIBLE)
            if lead and responsible:
                roles.extend(["lead", "responsible"])
            elif lead:
                roles.append("lead")
            elif responsible:
                roles.append("responsible")
            elif word.endswith(UNIT_COLUMN_ENDINGS):  # 授课单位, 实施部门: the unit in charge
                roles.append("lead")
            elif any(key in word for key in _TIME):
                time = True
            elif any(key in word for key in _NUMBER):
                numbered = True
            elif any(key in word for key in _TASK):
                task = True
        return cls(tuple(roles), task, time, numbered)


_TIME_PHRASE = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|年底|年内|年中|季度|上半年|下半年|每年|每月|每季|"
    r"长期|持续|常态|全年|逐年|按期|按时|按要求|适时|年度"
)


def looks_like_time(text: str) -> bool:
    """A time-limit cell: short, no sentence, and names a date or a period."""
    return len(text) <= 40 and "。" not in text and bool(_TIME_PHRASE.search(text))


def unit_cell_candidate(text: str) -> bool:
    """A cell of a unit column: no sentence, and most of its names look like units."""
    if "。" in text or len(text) > 300:
        return False
    names = parse_unit_text(text).names
    if not names:
        return False
    plausible = sum(1 for name in names if looks_like_unit(name))
    return plausible * 2 >= len(names) and plausible >= 1
