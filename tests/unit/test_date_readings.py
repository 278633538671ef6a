"""Deadline phrasings an expert found unread or misread, and the words that explain them.

Each test reads one phrasing in a one-year 2019 plan (or a 2021-2025 plan where the year is
taken from the plan's start) and checks the rule's kind and params, the due dates it gives and
its Chinese explanation (zh_CN is the default locale). The last tests pin the five seed
documents' readings: none of them uses these phrasings, so only the duty's verb, newly
recorded on rules about the previous year, may differ.

A reading worded with a message that is new in `scheduling.dates.explain` needs its zh_CN catalog
entry (added by the catalog update, see README); until then the Chinese assertion is reported
as an expected failure naming the message, after every other check has passed.
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator, translations
from scheduling.dates import explain
from scheduling.dates.model import Rule, RuleKind, check_params
from scheduling.dates.occurrences import occurrences
from scheduling.dates.statutory import load_statutory
from scheduling.dates.workdays import WorkdayCalendar
from scheduling.reading.coverage import paragraphs
from scheduling.reading.extract import PlanYears, scan
from scheduling.reading.rules import extract_rules, scan_text
from tests import paths

ZONE = ZoneInfo("Asia/Shanghai")
ZH = Translator("zh_CN", ZONE)
EN = Translator("en", ZONE)
CALENDAR = WorkdayCalendar()
ONE_YEAR = {"plan_year": 2019, "year_from": 2019, "year_to": 2019}
FIVE_YEARS = {"plan_year": None, "year_from": 2021, "year_to": 2025}
SEEDS = paths.SEEDS
GOLD = json.loads((paths.GOLD / "rules_seeds.json").read_text("utf-8"))


def only(text: str, plan: dict[str, Any] = ONE_YEAR) -> Rule:
    rules = extract_rules(text, **plan)
    assert len(rules) == 1, rules
    return rules[0]


def due_dates(rule: Rule, plan: dict[str, Any] = ONE_YEAR) -> list[date]:
    """Due dates from the plan's first year to the end of the year after its last."""
    first, last = plan["year_from"], plan["year_to"]
    found = occurrences(
        rule,
        start=date(first, 1, 1),
        end=date(last + 1, 12, 31),
        calendar=CALENDAR,
        plan_year_from=first,
        plan_year_to=last,
    )
    return [o.due_date for o in found]


def assert_zh(rule: Rule, expected: str, *new_messages: str) -> None:
    """The Chinese explanation; messages new in `scheduling.dates.explain` need their catalog entry."""
    missing = [m for m in new_messages if translations("zh_CN").ugettext(m) == m]
    if missing:
        pytest.xfail(
            f"zh_CN catalog has no entry yet for {missing}; the reading would be {expected!r}"
        )
    assert rule.explain(ZH) == expected


# -- "每月10日前": a day of every month -------------------------------------------------------


def test_every_month_by_the_10th_is_due_on_the_10th_of_each_month() -> None:
    rule = only("每月10日前报送上月行政执法数据")
    assert rule.kind is RuleKind.PERIODIC
    assert rule.params == {"period": "month", "day": 10}
    assert rule.phrase == "每月10日前"
    assert due_dates(rule) == [date(2019, month, 10) for month in range(1, 13)]
    assert rule.explain(EN) == "每月10日前 → every month by day 10"
    assert_zh(rule, "每月10日前 → 每月10日前", explain.MONTH_DAY)


def test_a_monthly_day_past_a_short_months_end_falls_on_its_last_day() -> None:
    rule = only("每月31日前报送", {"plan_year": 2020, "year_from": 2020, "year_to": 2020})
    assert rule.params == {"period": "month", "day": 31}
    dates = due_dates(rule, {"year_from": 2020, "year_to": 2020})
    assert [d.day for d in dates] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert rule.explain(EN).endswith("every month by day 31, or by the last day of a shorter month")
    assert_zh(
        rule, "每月31日前 → 每月31日前（当月不足31日的，以月末为准）", explain.MONTH_DAY_CLAMPED
    )


# -- 上旬 / 中旬 / 下旬 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("12月上旬完成年度考核", "12月上旬", date(2019, 12, 10)),
        ("12月中旬前召开总结会", "12月中旬前", date(2019, 12, 20)),
        ("12月下旬报送总结", "12月下旬", date(2019, 12, 31)),
        ("2月下旬前完成", "2月下旬前", date(2019, 2, 28)),
    ],
)
def test_early_mid_and_late_month_are_due_the_10th_20th_and_last_day(
    text: str, phrase: str, due: date
) -> None:
    rule = only(text)
    assert rule.kind is RuleKind.ONE_OFF
    assert rule.phrase == phrase
    assert rule.params == {"due": due.isoformat(), "granularity": "dekad", "year_source": "plan"}
    assert due_dates(rule) == [due]
    long = f"{due.year}年{due.month}月{due.day}日"
    assert_zh(rule, f"{phrase} → {long}前（年份取自计划）")


@pytest.mark.parametrize(
    ("text", "params", "day"),
    [
        ("每月上旬报送上月情况", {"period": "month", "day": 10}, 10),
        ("每月中旬调度一次", {"period": "month", "day": 20}, 20),
        ("每月下旬汇总", {"period": "month"}, None),
    ],
)
def test_early_every_month_is_due_by_the_10th_of_every_month(
    text: str, params: dict[str, Any], day: int | None
) -> None:
    rule = only(text)
    assert rule.kind is RuleKind.PERIODIC
    assert rule.params == params
    expected = [date(2019, m, day or monthrange(2019, m)[1]) for m in range(1, 13)]
    assert due_dates(rule) == expected
    if day == 10:
        assert_zh(rule, "每月上旬 → 每月10日前", explain.MONTH_DAY)
    elif day is None:
        assert_zh(rule, "每月下旬 → 每月一次，月底前完成")


def test_early_in_a_month_of_every_year_is_due_the_10th_every_year() -> None:
    rule = only("每年12月上旬开展年终检查")
    assert (rule.kind, rule.params) == (RuleKind.YEARLY_DATE, {"month": 12, "day": 10})
    assert due_dates(rule) == [date(2019, 12, 10)]
    assert_zh(rule, "每年12月上旬 → 每年12月10日前")


# -- 上半年 / 下半年 / 年中 / 每半年 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("上半年完成清理", "上半年", date(2019, 6, 30)),
        ("下半年开展专项督查", "下半年", date(2019, 12, 31)),
        ("年中完成中期评估", "年中", date(2019, 6, 30)),
        ("力争年中前完成", "年中前", date(2019, 6, 30)),
    ],
)
def test_half_years_and_mid_year_fall_in_the_plan_year(text: str, phrase: str, due: date) -> None:
    rule = only(text)
    assert rule.kind is RuleKind.ONE_OFF
    assert rule.phrase == phrase
    assert rule.params == {
        "due": due.isoformat(),
        "granularity": "half_year",
        "year_source": "plan",
    }
    assert due_dates(rule) == [due]
    assert_zh(rule, f"{phrase} → {due.year}年{due.month}月{due.day}日前（年份取自计划）")


def test_both_halves_of_every_year_stay_yearly() -> None:
    """Reading a bare "下半年" must not turn the second half of "每年上半年和下半年" into a one-off."""
    rules = extract_rules("每年上半年和下半年各开展一次督查", **FIVE_YEARS)
    assert [(r.kind, r.phrase, r.params["window"]) for r in rules] == [
        (RuleKind.YEARLY_WINDOW, "每年上半年", "H1"),
        (RuleKind.YEARLY_WINDOW, "下半年", "H2"),
    ]
    assert due_dates(rules[1], FIVE_YEARS) == [date(year, 12, 31) for year in range(2021, 2026)]


def test_every_half_year_is_due_at_the_end_of_june_and_december() -> None:
    rule = only("每半年向区委依法治区办报告一次工作进展")
    assert (rule.kind, rule.params) == (RuleKind.PERIODIC, {"period": "half_year"})
    assert due_dates(rule) == [date(2019, 6, 30), date(2019, 12, 31)]
    assert rule.explain(ZH).endswith("→ 每半年一次，6月底和12月底前完成")


# -- 季度末 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("季度末前报送工作进展", "季度末前"), ("每季度末报送工作进展", "每季度末报送工作进展")],
)
def test_a_quarter_end_with_no_number_is_every_quarter_end(text: str, phrase: str) -> None:
    rule = only(text)
    assert (rule.kind, rule.params, rule.phrase) == (
        RuleKind.PERIODIC,
        {"period": "quarter"},
        phrase,
    )
    assert due_dates(rule) == [
        date(2019, 3, 31),
        date(2019, 6, 30),
        date(2019, 9, 30),
        date(2019, 12, 31),
    ]
    assert_zh(rule, f"{phrase} → 每季度一次，季度末前完成")


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("三季度末前完成", "三季度末前", date(2019, 9, 30)),
        ("第三季度末完成验收", "第三季度末", date(2019, 9, 30)),
        ("二季度末基本完成", "二季度末", date(2019, 6, 30)),
        ("第四季度末前全面完成", "第四季度末前", date(2019, 12, 31)),
    ],
)
def test_a_numbered_quarter_end_is_a_one_off_in_the_plan_year(
    text: str, phrase: str, due: date
) -> None:
    rule = only(text)
    assert rule.kind is RuleKind.ONE_OFF
    assert rule.phrase == phrase
    assert rule.params == {"due": due.isoformat(), "granularity": "quarter", "year_source": "plan"}
    assert due_dates(rule) == [due]
    assert_zh(rule, f"{phrase} → {due.year}年{due.month}月{due.day}日前（年份取自计划）")


# -- 次年 / 当年 / 年内 -------------------------------------------------------------------------


def test_next_year_is_the_year_after_the_plan_year() -> None:
    rule = only("次年3月底前报送评估报告")
    assert rule.kind is RuleKind.ONE_OFF
    assert rule.phrase == "次年3月底前"
    assert rule.params == {"due": "2020-03-31", "granularity": "month", "year_source": "plan_next"}
    assert due_dates(rule) == [date(2020, 3, 31)]
    assert rule.explain(EN) == "次年3月底前 → by 31 March 2020 (the year after the plan's year)"
    assert_zh(rule, "次年3月底前 → 2020年3月31日前（计划年度的次年）", explain.ONE_OFF["plan_next"])


def test_next_year_in_a_multi_year_plan_follows_its_first_year() -> None:
    rule = only("次年3月底前报送评估报告", FIVE_YEARS)
    assert rule.params == {
        "due": "2022-03-31",
        "granularity": "month",
        "year_source": "plan_start_next",
    }
    assert_zh(
        rule,
        "次年3月底前 → 2022年3月31日前（计划首年的次年）",
        explain.ONE_OFF["plan_start_next"],
    )


def test_the_same_year_is_the_plan_year() -> None:
    rule = only("当年12月底前完成整改")
    assert (rule.kind, rule.phrase) == (RuleKind.ONE_OFF, "当年12月底前")
    assert rule.params == {"due": "2019-12-31", "granularity": "month", "year_source": "plan"}
    assert due_dates(rule) == [date(2019, 12, 31)]
    assert_zh(rule, "当年12月底前 → 2019年12月31日前（年份取自计划）")


def test_within_the_year_is_due_at_the_plan_years_end() -> None:
    rule = only("年内完成规范性文件清理")
    assert (rule.kind, rule.phrase) == (RuleKind.ONE_OFF, "年内")
    assert rule.params == {"due": "2019-12-31", "granularity": "year", "year_source": "plan"}
    assert due_dates(rule) == [date(2019, 12, 31)]
    assert_zh(rule, "年内 → 2019年12月31日前（年份取自计划）")


@pytest.mark.parametrize(
    "text",
    [
        "半年内完成整改",
        "一年内发生多起违法案件",
        "建设老年中心",
        "截至上一季度末的数据",
        "本季度末",
    ],
)
def test_look_alike_words_are_not_deadlines(text: str) -> None:
    assert [r.phrase for r in scan_text(text, **ONE_YEAR).rules] == [""]


# -- the duty's verb in the explanation -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action", "zh", "message"),
    [
        (
            "行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况",
            "publish",
            "每年1月31日前 → 每年1月31日前，公开上一年度情况",
            explain.PREVIOUS_YEAR_DATE["publish"],
        ),
        (
            "每年1月31日前向社会公布上年度政府信息公开工作年度报告",
            "publish",
            "每年1月31日前 → 每年1月31日前，公开上一年度情况",
            explain.PREVIOUS_YEAR_DATE["publish"],
        ),
        (
            "每年1月31日前向主管部门提交上一年度政府信息公开工作年度报告",
            "report",
            "每年1月31日前 → 每年1月31日前，报送上一年度情况",
            explain.PREVIOUS_YEAR_DATE["report"],
        ),
        (
            "每年1月31日前，完成上年度执法案卷评查",
            None,
            "每年1月31日前 → 每年1月31日前（针对上一年度）",
            explain.PREVIOUS_YEAR_DATE[None],
        ),
        (
            "每年第一季度向社会公开上一年度法治政府建设情况",
            "publish",
            "每年第一季度 → 每年第一季度（1月1日至3月31日），公开上一年度情况",
            explain.PREVIOUS_YEAR_WINDOW["publish"],
        ),
        (
            "每年1月要公布上年度工作总结",
            "publish",
            "每年1月 → 每年1月内（1月31日前）公开上一年度情况",
            explain.PREVIOUS_YEAR_MONTH["publish"],
        ),
    ],
)
def test_publishing_duties_say_publish_and_reporting_duties_say_report(
    text: str, action: str | None, zh: str, message: str
) -> None:
    rule = only(text)
    assert rule.params.get("action") == action
    assert rule.params["covers"] == "previous_year"
    if action == "publish":
        assert "made public" in rule.explain(EN)
    assert_zh(rule, zh, message)


def test_statutory_rules_take_the_verb_of_their_own_sentence() -> None:
    entries = {entry.key: entry for entry in load_statutory()}
    publish = [
        "enforcement_statistics",
        "information_disclosure_annual_report",
        "rule_of_law_annual_report_publication",
    ]
    for key in publish:
        assert "made public" in entries[key].rule().explain(EN), key
    for key in ("rule_of_law_annual_report", "annual_work_summary"):
        assert "made public" not in entries[key].rule().explain(EN), key
        assert "报送上一年度情况" in entries[key].rule().explain(ZH), key
    assert_zh(
        entries["enforcement_statistics"].rule(),
        f"{entries['enforcement_statistics'].phrase} → 每年1月31日前，公开上一年度情况",
        explain.PREVIOUS_YEAR_DATE["publish"],
    )


def test_new_params_fail_at_the_door() -> None:
    check_params("periodic", {"period": "month", "day": 31})
    for bad in (
        ("periodic", {"period": "quarter", "day": 10}),
        ("periodic", {"period": "month", "day": 32}),
        ("periodic", {"period": "month", "day": "10"}),
        ("ongoing", {"period": "month", "day": 10}),
        ("yearly_date", {"month": 1, "day": 31, "covers": "previous_year", "action": "shout"}),
        ("one_off", {"due": "2020-03-31", "year_source": "guessed"}),
    ):
        with pytest.raises(ValueError):
            check_params(*bad)


def test_every_new_reading_is_translated() -> None:
    """No new reading falls back to its English msgid in Chinese."""
    texts = [
        "每月10日前",
        "每月31日前",
        "每月上旬",
        "12月上旬",
        "上半年完成",
        "下半年完成",
        "年中完成",
        "季度末前",
        "三季度末前",
        "次年3月底前",
        "当年12月底前",
        "年内完成",
        "每年1月31日前公开上年度情况",
        "每年1月31日前，完成上年度清理",
        "每年1月要公布上年度总结",
        "每年第一季度公开上年度情况",
        "每年第一季度，上年度",
    ]
    untranslated = []
    for text in texts:
        for plan in (ONE_YEAR, FIVE_YEARS):
            for rule in extract_rules(text, **plan):
                reading = rule.explain(ZH).split("→")[-1]
                if any("a" <= ch.lower() <= "z" for ch in reading):
                    untranslated.append((text, reading))
    if untranslated:
        pytest.xfail(f"zh_CN catalog update pending for {untranslated[:3]}…")


# -- the seed documents -----------------------------------------------------------------------

NEW_PHRASINGS = re.compile(
    r"每\s*个?\s*月(?:的)?\s*[\d一二三四五六七八九十]+\s*[日号]|[上中下]旬|[上下]半年|年中|每半年"
    r"|季度\s*[末底]|次年|当年|(?<![一二两三四五六七八九十几每半\d])年内"
)

# Every rule the five seeds read (paragraph line, kind, phrase, params), taken from the
# extractor as it was before these phrasings were added; the counts then revised by hand for
# issue #16 (学时/天 are quantities, a body's own count is its lead's, tiers are kept apart).
SEED_READINGS: dict[str, list[tuple[Any, ...]]] = {
    "000_88f7ea10d4537cb9.txt": [
        (
            87,
            "one_off",
            "2020年",
            {"due": "2020-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (89, "ongoing", "2020年起", {"period": "quarter", "starts": "2020-01-01"}),
        (
            113,
            "yearly_count",
            "每年组织县处级领导干部集体学法不少于4次",
            {"at_least": True, "target": 4, "unit_noun": "次", "holder": "body"},
        ),
        (
            113,
            "yearly_count",
            "每年组织干部职工学法不少于12次",
            {"at_least": True, "target": 12, "unit_noun": "次"},
        ),
        (113, "yearly_count", "每年集中专题培训2次", {"target": 2, "unit_noun": "次"}),
        (
            113,
            "yearly_count",
            "每年至少举办1期",
            {"at_least": True, "target": 1, "unit_noun": "期"},
        ),
        (133, "yearly_event", "“12.4”宪法宣传周", {"event": "constitution_week"}),
        (
            135,
            "yearly_count",
            "每年自行开展形式多样内容丰富的普法宣传活动不少于2次",
            {"at_least": True, "target": 2, "unit_noun": "次"},
        ),
        (135, "yearly_event", "“12.4”宪法宣传周", {"event": "constitution_week"}),
        (143, "periodic", "每年确定重点任务", {"period": "year"}),
        (
            143,
            "yearly_date",
            "每年1月",
            {"covers": "previous_year", "day": 31, "month": 1, "whole_month": True},
        ),
        (145, "yearly_count", "每年组织一次", {"target": 1, "unit_noun": "次"}),
    ],
    "001_7b0fa0002b4ed437.txt": [
        (
            165,
            "one_off",
            "2022年",
            {"due": "2022-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            197,
            "one_off",
            "到2022年",
            {"due": "2022-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            505,
            "one_off",
            "2024年前",
            {"due": "2023-12-31", "granularity": "before_year", "year_source": "explicit"},
        ),
        (
            545,
            "yearly_count",
            "每年应当举办2期以上",
            {"at_least": True, "target": 2, "unit_noun": "期", "holder": "body"},
        ),
        (
            545,
            "yearly_count",
            "每年旁听人民法院庭审活动不少于1次",
            {"at_least": True, "target": 1, "unit_noun": "次"},
        ),
        (
            594,
            "yearly_event",
            "“12·4”国家宪法日",
            {"day": 4, "event": "constitution_day", "month": 12},
        ),
        (594, "yearly_event", "“宪法宣传周”", {"event": "constitution_week"}),
        (
            792,
            "one_off",
            "到2025年",
            {"due": "2025-12-31", "granularity": "year", "year_source": "explicit"},
        ),
    ],
    "002_12f87d2dbc5014d3.txt": [
        (68, "periodic", "每季度推动一次动态调整工作", {"period": "quarter"}),
        (
            152,
            "one_off",
            "2020年",
            {"due": "2020-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (346, "yearly_date", "每年131日前", {"covers": "previous_year", "day": 31, "month": 1}),
        (
            354,
            "event_relative",
            "作出之日起20个工作日内",
            {"days": 20, "trigger": "decision", "working_days": True},
        ),
        (
            354,
            "event_relative",
            "作出之日起7个工作日之内",
            {"days": 7, "trigger": "decision", "working_days": True},
        ),
        (
            400,
            "yearly_count",
            "每年至少集中组织1次",
            {"at_least": True, "target": 1, "unit_noun": "次"},
        ),
        (
            562,
            "yearly_count",
            "每年领导班子至少安排4次以上",
            {"at_least": True, "target": 4, "unit_noun": "次", "holder": "body"},
        ),
        (
            562,
            "yearly_count",
            "至少组织开展1次",
            {"at_least": True, "target": 1, "unit_noun": "次"},
        ),
        (
            586,
            "yearly_count",
            "每年至少举办2次",
            {"at_least": True, "target": 2, "unit_noun": "次"},
        ),
        (
            590,
            "yearly_window",
            "每年第一季度",
            {"covers": "previous_year", "end_month": 3, "start_month": 1, "window": "Q1"},
            ("每年第一季度",),
        ),
        (
            616,
            "yearly_event",
            "“12.4”国家宪法日",
            {"day": 4, "event": "constitution_day", "month": 12},
        ),
    ],
    "003_d7e16aec22055f20.txt": [
        (
            12,
            "one_off",
            "2016年年底前",
            {"due": "2016-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            12,
            "one_off",
            "2017年6月底前",
            {"due": "2017-06-30", "granularity": "month", "year_source": "explicit"},
        ),
        (
            13,
            "one_off",
            "2017年年初",
            {"due": "2017-03-31", "granularity": "early_year", "year_source": "explicit"},
        ),
        (
            15,
            "one_off",
            "2016年年底前",
            {"due": "2016-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            18,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            20,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            23,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            23,
            "one_off",
            "2019年年底前",
            {"due": "2019-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            25,
            "one_off",
            "2017年年底前",
            {"due": "2017-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            25,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            25,
            "one_off",
            "2019年年底前",
            {"due": "2019-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (31, "periodic", "每两年对规范性文件进行全面清理", {"every": 2, "period": "year"}),
        (
            31,
            "one_off",
            "2017年年底前",
            {"due": "2017-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            34,
            "one_off",
            "2016年年底前",
            {"due": "2016-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            34,
            "one_off",
            "2017年年底前",
            {"due": "2017-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            35,
            "one_off",
            "2019年年底前",
            {"due": "2019-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            37,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            40,
            "one_off",
            "2018年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            40,
            "one_off",
            "2019年底前",
            {"due": "2019-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            56,
            "one_off",
            "2017年年底前",
            {"due": "2017-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (
            56,
            "one_off",
            "2018年年底前",
            {"due": "2018-12-31", "granularity": "year", "year_source": "explicit"},
        ),
        (61, "periodic", "每年应当举办法治专题讲座", {"period": "year"}),
        (
            66,
            "yearly_window",
            "每年第一季度",
            {"covers": "previous_year", "end_month": 3, "start_month": 1, "window": "Q1"},
            ("每年第一季度",),
        ),
    ],
    "004_ac129a74929e7d6a.txt": [
        (
            30,
            "event_relative",
            "收到上级机关关于取消和下放相关事项的文件后20个工作日内",
            {"days": 20, "trigger": "receipt", "working_days": True},
        ),
        (
            30,
            "one_off",
            "10月底前",
            {"due": "2019-10-31", "granularity": "month", "year_source": "plan"},
        ),
        (
            34,
            "one_off",
            "10月底前",
            {"due": "2019-10-31", "granularity": "month", "year_source": "plan"},
        ),
        (
            36,
            "one_off",
            "10月底前",
            {"due": "2019-10-31", "granularity": "month", "year_source": "plan"},
        ),
        (
            46,
            "yearly_count",
            "每年参加新闻发布会不少于1次",
            {"at_least": True, "target": 1, "unit_noun": "次"},
        ),
        (
            46,
            "yearly_count",
            "年度召开新闻发布会不少于6次",
            {
                "at_least": True,
                "target": 6,
                "unit_noun": "次",
                "tier": "与民生关系密切以及社会关注事项较多的职能部门",
            },
        ),
        (
            46,
            "yearly_count",
            "年度召开新闻发布会不少于1次",
            {"at_least": True, "target": 1, "unit_noun": "次", "tier": "others"},
        ),
        (
            66,
            "event_relative",
            "自发布之日起15日内",
            {"days": 15, "trigger": "publication", "working_days": False},
            ("自发布之日起15日内",),
        ),
        (94, "periodic", "日排查、周调度、月汇总、季分析", {"period": "quarter"}),
        (
            110,
            "yearly_count",
            "年度县政府常务会议集体学法不少于6次",
            {"at_least": True, "target": 6, "unit_noun": "次", "holder": "body"},
        ),
        (
            110,
            "yearly_count",
            "年度集体学法不少于4次",
            {"at_least": True, "target": 4, "unit_noun": "次"},
        ),
        (
            110,
            "yearly_count",
            "年度举办法治专题培训不少于1次",
            {"at_least": True, "target": 1, "unit_noun": "次"},
        ),
        (
            112,
            "one_off",
            "报告2019年度法治政府建设情况",
            {
                "covers_year": 2019,
                "due": "2020-03-31",
                "granularity": "statutory_q1",
                "window_start": "2020-01-01",
                "year_source": "explicit",
            },
            ("报告2019年度法治政府建设情况",),
        ),
        (
            116,
            "yearly_event",
            "124日国家宪法日",
            {"day": 4, "event": "constitution_day", "month": 12},
        ),
        (116, "yearly_window", "12月份", {"end_month": 12, "start_month": 12, "window": "M12"}),
    ],
}
# The duty's verb, now recorded on each seed rule about the previous year.
SEED_VERBS = {
    ("000_88f7ea10d4537cb9.txt", 143, "每年1月"): "report",  # 报送本单位上年度…工作总结
    ("002_12f87d2dbc5014d3.txt", 346, "每年131日前"): "publish",  # 公开本机关上年度…情况
    ("002_12f87d2dbc5014d3.txt", 590, "每年第一季度"): "report",  # 报告上一年度…情况
    ("003_d7e16aec22055f20.txt", 66, "每年第一季度"): "report",  # 报告上一年度…情况
}

seeds_present = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not at {SEEDS}")


def _seed_rules(name: str) -> list[tuple[Any, ...]]:
    seed = next(s for s in GOLD["seeds"] if s["file"] == name)
    plan = PlanYears(seed["plan_year"], seed["year_from"], seed["year_to"])
    rows = []
    for number, line in paragraphs((SEEDS / name).read_text("utf-8")):
        for rule in scan(line, plan).rules:
            if rule.phrase or rule.params.get("starts"):
                row = (number, str(rule.kind), rule.phrase, dict(rule.params))
                rows.append(row + ((rule.also,) if rule.also else ()))
    return rows


@seeds_present
def test_no_seed_uses_the_new_phrasings() -> None:
    found = [
        (name, number, m.group(0))
        for name in SEED_READINGS
        for number, line in paragraphs((SEEDS / name).read_text("utf-8"))
        for m in NEW_PHRASINGS.finditer(line)
    ]
    assert found == []


@seeds_present
@pytest.mark.parametrize("name", sorted(SEED_READINGS))
def test_seed_readings_change_only_by_the_recorded_verb(name: str) -> None:
    rows = _seed_rules(name)
    verbs = {(name, row[0], row[2]): row[3].pop("action") for row in rows if "action" in row[3]}
    assert rows == SEED_READINGS[name]
    assert verbs == {key: verb for key, verb in SEED_VERBS.items() if key[0] == name}
