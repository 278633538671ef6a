"""The importer's small parts: normalisation, chrome, unit phrases, the unit directory, years."""

from __future__ import annotations

import pytest

from bot.importing import UnitDirectory, UnitKind, parse_bytes
from bot.importing.chrome import is_chrome
from bot.importing.metadata import find_place, parse_period
from bot.importing.normalize import normalize_line, tighten
from bot.importing.unit_text import parse_unit_text, split_names, trailing_unit_parenthesis
from bot.importing.units import looks_like_unit


def test_normalisation_unifies_width_and_spacing() -> None:
    assert (
        normalize_line("（区委编办,区政府各部门;各镇办:落实)")
        == "（区委编办，区政府各部门；各镇办：落实）"
    )
    assert normalize_line("１２３ＡＢ　区司法局\u00a0 ") == "123AB 区司法局"
    assert (
        normalize_line("1,000元 14:41 http://a.cn 来源:区政府")
        == "1,000元 14:41 http://a.cn 来源：区政府"
    )
    assert tighten("关于印发  的通  知 (2019 年)") == "关于印发的通知（2019年）"
    assert tighten("Internet + 政务 服务") == "Internet +政务服务"


@pytest.mark.parametrize(
    "line",
    [
        "设为首页",
        "• 加入收藏",
        "首页/ 政府信息公开 / 法定主动公开内容 / 正文",
        "您当前所在位置：首页 > 县政府文件",
        "来源 :信用红桥 访问次数 : 发布时间:2020-12-04 17:10 打印",
        "http://wx.qlogo.cn/mmopen/abc/64",
        "版权所有：某区人民政府 网站标识码：1234 苏ICP备123号",
        "【打印本页】【关闭窗口】",
        "附件:",
    ],
)
def test_page_chrome_is_recognised(line: str) -> None:
    assert is_chrome(normalize_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "1.深入推进政务公开，在政府网站http://www.example.gov.cn公开。",
        "区司法局",
        "一、依法全面履行政府职能",
        "牵头部门：区司法局；责任部门：其他部门、各街道按职责分别负责",
    ],
)
def test_document_text_is_not_chrome(line: str) -> None:
    assert not is_chrome(normalize_line(line))


def test_trailing_verbs_give_roles() -> None:
    phrase = parse_unit_text(
        "区委编办，区行政审批局、司法局、发改局根据职责实施，区政府各部门、各镇办负责落实"
    )
    assert phrase.lead == ["区委编办", "区行政审批局", "司法局", "发改局"]
    assert phrase.responsible == ["区政府各部门", "各镇办"]
    assert parse_unit_text("区政府办组织实施，区级有关部门、单位配合落实").responsible == [
        "区级有关部门、单位"
    ]


def test_labels_give_roles_and_absorb_a_doubled_character() -> None:
    phrase = parse_unit_text(
        "牵头部门：区司法局，区委网信办，区发展改革委；责责任部门：其他部门、各街道按职责分别负责"
    )
    assert phrase.lead == ["区司法局", "区委网信办", "区发展改革委"]
    assert phrase.responsible == ["其他部门", "各街道"]
    assert phrase.last_role == "responsible"


def test_name_splitting_keeps_names_whole() -> None:
    assert split_names("区市场监管局、公安红桥分局、区司法局等部门以及各街道") == [
        "区市场监管局",
        "公安红桥分局",
        "区司法局",
        "各街道",
    ]
    assert split_names("区卫健委、区市场监管局及其他部门") == [
        "区卫健委",
        "区市场监管局",
        "其他部门",
    ]
    assert split_names("区人大及其常委会、区政务服务和大数据局") == [
        "区人大及其常委会",
        "区政务服务和大数据局",
    ]
    assert split_names("区委宣传部（网信办）、政法委") == ["区委宣传部（网信办）", "政法委"]
    assert split_names("区司法局 区财政局、、区审计局") == ["区司法局", "区财政局", "区审计局"]


def test_trailing_parenthesis_must_name_units() -> None:
    assert trailing_unit_parenthesis("推行政府和社会资本合作模式（PPP）。") is None
    assert trailing_unit_parenthesis("实施制度。（依据《条例》第五条）") is None
    text, units = trailing_unit_parenthesis("落实制度。（责任单位：县司法局、各镇区）") or ("", "")
    assert (text, units) == ("落实制度。", "责任单位：县司法局、各镇区")
    nested = trailing_unit_parenthesis("监督。（区委宣传部（网信办）、政法委根据职责实施）")
    assert nested == ("监督。", "区委宣传部（网信办）、政法委根据职责实施")


def test_plausible_unit_names() -> None:
    for name in ("区司法局", "五泉镇", "团区委", "区人大", "人行杨凌支行", "区委宣传部（网信办）"):
        assert looks_like_unit(name), name
    for name in ("单位", "政府中的作用", "加强监管", "项目", "2019年", "关于印发方案的通知"):
        assert not looks_like_unit(name), name


def test_directory_aliases_and_prefixes() -> None:
    district = UnitDirectory("区", "红桥区")
    assert district.resolve("区市场监管局").name == district.resolve("区市场监督管理局").name
    assert district.resolve("市场监管局").name == "区市场监督管理局"
    assert district.resolve("司法局").name == "区司法局"
    assert district.resolve("组织部").name == "区委组织部"
    assert district.resolve("区政法委").name == "区委政法委"
    assert district.resolve("公安红桥分局").name == "区公安分局"
    assert district.resolve("市司法局").name == "市司法局", "another level keeps its prefix"
    county = UnitDirectory("县", "宝应县")
    assert county.resolve("县司法局").name == "县司法局"
    assert county.resolve("司法局").name == "县司法局"
    entries = {entry.name: entry.aliases for entry in district.units()}
    assert entries["区市场监督管理局"] == {"区市场监管局", "区市场监督管理局", "市场监管局"}


@pytest.mark.parametrize(
    ("printed", "group"),
    [
        ("区直各部门", "区直各部门"),
        ("各部门", "区直各部门"),
        ("区级有关部门", "区直有关部门"),
        ("区直相关部门", "区直有关部门"),
        ("区政府各部门", "区政府各部门"),
        ("各街办", "各街道"),
        ("各街道", "各街道"),
        ("各镇办", "各镇办"),
        ("各镇政府", "各镇办"),
        ("各行政执法部门", "各行政执法部门"),
        ("其他部门", "其他部门"),
    ],
)
def test_collective_expressions_resolve_to_groups(printed: str, group: str) -> None:
    ref = UnitDirectory("区").resolve(printed)
    assert (ref.kind, ref.name) == ("group", group)


def test_groups_follow_the_plan_level() -> None:
    ref = UnitDirectory("县").resolve("县各相关部门")
    assert (ref.kind, ref.name) == ("group", "县直有关部门")
    assert UnitDirectory("县").group("县直有关部门") is not None


@pytest.mark.parametrize(
    ("printed", "kind"),
    [
        ("五泉镇", UnitKind.TOWN),
        ("某某街道", UnitKind.STREET),
        ("区人民政府", UnitKind.GOVERNMENT),
        ("区人大常委会", UnitKind.CONGRESS),
        ("区政协办公室", UnitKind.CONGRESS),
        ("区纪委监委", UnitKind.PARTY),
        ("区司法局", UnitKind.DEPARTMENT),
        ("区委政法委", UnitKind.PARTY),
        ("区法院", UnitKind.JUDICIAL),
        ("区检察院", UnitKind.JUDICIAL),
        ("团区委", UnitKind.MASS),
        ("区妇联", UnitKind.MASS),
        ("区人民医院", UnitKind.INSTITUTION),
        ("人行杨凌支行", UnitKind.INSTITUTION),
        ("经开区管委会", UnitKind.GOVERNMENT),
    ],
)
def test_kind_guesses(printed: str, kind: UnitKind) -> None:
    assert UnitDirectory("区").resolve(printed).unit_kind == kind


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("《法治政府建设实施纲要（20152020年）》", (2015, 2020)),
        ("法治下陆建设规划（2021-2025年）", (2021, 2025)),
        ("法治社会建设实施方案（2021—2025）", (2021, 2025)),
        ("昆区“十三五”法治政府建设专项规划", (2016, 2020)),
        ("2019年度全县法治政府建设工作计划", (2019, 2019)),
        ("法治政府建设工作方案", None),
    ],
)
def test_periods(text: str, years: tuple[int, int] | None) -> None:
    assert parse_period(text) == years


def test_places() -> None:
    assert find_place("中共杨陵区委、杨陵区人民政府", []) == "杨陵区"
    assert find_place("包头市昆都仑区人民政府", []) == "昆都仑区"
    assert find_place(None, ["红桥区2020年法治政府建设年度计划任务台账"]) == "红桥区"


SYNTHETIC = """某某县2022年法治政府建设工作要点
一、推进依法行政
1、开展宪法宣传周活动。（牵头单位：县司法局；责任单位：各镇政府、县各相关部门）
2、公开行政执法统计年报。（责任单位：县司法局、县交通局等有关部门、加强监管）
4、报告法治政府建设情况。（县政府办）
5、加强普法宣传。
"""


def test_review_reasons_on_a_synthetic_plan() -> None:
    document = parse_bytes(SYNTHETIC.encode("utf-8"), "synthetic.txt")
    plan = document.plans[0]
    assert (plan.jurisdiction, plan.plan_year) == ("县", 2022)
    first, second, fourth, fifth = plan.items
    assert first.review_codes == []
    assert [r.name for r in first.responsible] == ["各镇办", "县直有关部门"]
    assert second.responsible_units == ["县司法局", "县交通局", "加强监管"]
    assert second.review_codes == ["unknown_unit:加强监管"], "flagged, kept, not merged"
    assert fourth.lead_units == ["县政府办"], "a bare parenthesis names the owner"
    assert fourth.review_codes == ["unclear_numbering"]
    assert fifth.review_codes == ["no_unit"]
    assert all(reason.message for item in plan.items for reason in item.review)


def test_plan_year_argument_wins() -> None:
    plan = parse_bytes(SYNTHETIC.encode("utf-8"), "synthetic.txt", plan_year=2023).plans[0]
    assert (plan.plan_year, plan.year_source) == (2023, "argument")


def test_unit_parenthesis_on_its_own_line_or_before_a_deadline() -> None:
    text = """某某区2021年法治建设工作要点
一、工作任务
1.开展法治宣传教育。
（区司法局牵头，各部门负责落实）
2.推进政务公开。（责任单位：区政府办）2021年6月底前完成。
"""
    first, second = parse_bytes(text.encode("utf-8"), "points.txt").items
    assert (first.lead_units, first.responsible_units) == (["区司法局"], ["各部门"])
    assert first.text == "开展法治宣传教育。"
    assert (second.lead_units, second.responsible_units) == ([], ["区政府办"])
    assert second.text.endswith("2021年6月底前完成。")


def test_table_text_with_a_merged_unit_cell_is_inherited_and_flagged() -> None:
    text = """某区重要举措分工方案
项目
具体项目
牵头单位
责任单位
一、依法行政
1.任务甲。
区司法局
区直各部门
2.任务乙。
3.任务丙。
区财政局
各街道
"""
    first, second, third = parse_bytes(text.encode("utf-8"), "division.txt").items
    assert (second.lead_units, second.responsible_units) == (["区司法局"], ["区直各部门"])
    assert (second.unit_source, second.review_codes) == ("inherited", ["inherited_units"])
    assert (third.lead_units, third.review_codes) == (["区财政局"], [])
    assert first.unit_source == "lines"
