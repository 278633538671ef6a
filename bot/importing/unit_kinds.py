"""What kind of body a unit is, from its name: a curated table, checked most specific first.

Groups and statutory duties bind by kind: "区直各部门" and the government's reports mean the
government's own departments, not the party committee's organs, the people's congress and
CPPCC offices, the court and procuratorate or the mass organisations, and townships report
too. The table follows the usual names of county-level bodies (机构编制 practice); a
coordinator corrects a unit it gets wrong (`dutybot units kind UNIT KIND`).
"""

from __future__ import annotations

import re

from storage.enums import UnitKind

_TRAILING_PAREN = re.compile(r"（[^（）]*）$")

# (kind, names ending with, names containing), in the order they are tried
_TABLE: tuple[tuple[UnitKind, tuple[str, ...], tuple[str, ...]], ...] = (
    (UnitKind.JUDICIAL, ("法院", "检察院", "人民法庭", "法庭"), ()),
    (
        UnitKind.MASS,
        (
            "总工会",
            "工会",
            "妇联",
            "科协",
            "残联",
            "工商联",
            "红十字会",
            "文联",
            "侨联",
            "社科联",
            "作协",
            "青联",
            "台联",
        ),
        ("团区委", "团县委", "团市委", "共青团"),
    ),
    (UnitKind.CONGRESS, ("人大", "人大常委会", "政协"), ("人大常委会", "政协")),
    (
        UnitKind.PARTY,
        (
            "纪委监委",
            "纪委",
            "监委",
            "组织部",
            "宣传部",
            "统战部",
            "政法委",
            "编办",
            "网信办",
            "巡察办",
            "老干部局",
            "政研室",
            "机关工委",
            "党校",
            "机要和保密局",
            "保密局",
            "依法治区办",
            "依法治县办",
            "依法治市办",
            "依法治旗办",
            "文明办",
            "党史研究室",
            "档案馆",
        ),
        ("区委", "县委", "市委", "旗委", "镇党委", "乡党委", "街道党工委", "党工委"),
    ),
    (UnitKind.STREET, ("街道", "街办", "街道办", "街道办事处", "办事处"), ("街道",)),
    (UnitKind.TOWN, ("镇", "乡", "镇政府", "乡政府", "镇人民政府", "乡人民政府", "苏木"), ()),
    (UnitKind.GOVERNMENT, ("人民政府", "政府", "管委会", "管理委员会", "行政公署"), ()),
    (
        UnitKind.INSTITUTION,
        (
            "医院",
            "卫生院",
            "学校",
            "中学",
            "小学",
            "幼儿园",
            "大学",
            "学院",
            "公司",
            "集团",
            "银行",
            "支行",
            "分行",
            "电视台",
            "广播电视台",
            "报社",
            "图书馆",
            "文化馆",
            "博物馆",
            "研究院",
            "设计院",
            "中心",
            "服务站",
            "合作社",
            "协会",
            "学会",
            "基金会",
        ),
        ("有限公司", "股份", "供电", "电信", "移动", "联通", "邮政", "烟草"),
    ),
    (
        UnitKind.DEPARTMENT,
        (
            "局",
            "分局",
            "委",
            "办",
            "办公室",
            "厅",
            "署",
            "所",
            "站",
            "队",
            "大队",
            "支队",
            "中队",
            "处",
            "科",
        ),
        (),
    ),
)


def classify(name: str) -> UnitKind:
    """The kind of a unit, by the table above; OTHER when no row fits."""
    core = _TRAILING_PAREN.sub("", name.strip())
    if not core:
        return UnitKind.OTHER
    for kind, endings, parts in _TABLE:
        if core.endswith(endings) or any(part in core for part in parts):
            if kind is UnitKind.GOVERNMENT and core.endswith(("政府办", "政府办公室")):
                continue
            return kind
    return UnitKind.OTHER
