"""One activity, one deadline: which recurring activity a duty's deadline is about.

A plan item often restates a national duty ("每年1月31日前公开上年度行政执法总体情况", "12·4国家
宪法日和宪法宣传周"), and an item may name Constitution Day and Week together. A unit should
get one deadline per activity and year, however many sources require it; this module names
the activity so planning can join them.
"""

from __future__ import annotations

import re

from scheduling.dates.model import Rule, RuleKind

CONSTITUTION = "constitution"
ENFORCEMENT_STATISTICS = "enforcement_statistics"
DISCLOSURE_REPORT = "information_disclosure_report"
RULE_OF_LAW_REPORT = "rule_of_law_report"
RULE_OF_LAW_PUBLICATION = "rule_of_law_report_publication"

# statutory calendar keys → activity
STATUTORY_ACTIVITIES = {
    "constitution_week": CONSTITUTION,
    "constitution_day": CONSTITUTION,
    "enforcement_statistics": ENFORCEMENT_STATISTICS,
    "information_disclosure_annual_report": DISCLOSURE_REPORT,
    "rule_of_law_annual_report": RULE_OF_LAW_REPORT,
    "rule_of_law_annual_report_publication": RULE_OF_LAW_PUBLICATION,
}

_CONSTITUTION = re.compile(r"宪法宣传周|国家宪法日|宪法日|12[·.．・]?4")
_STATISTICS = re.compile(r"执法.{0,12}(?:统计|总体情况|数据)")
_DISCLOSURE = re.compile(r"政府信息公开.{0,8}年度报告|政务公开.{0,6}年度报告")
_ROL_REPORT = re.compile(r"法治政府建设.{0,12}(?:年度报告|情况|报告)")
_PUBLISH = re.compile(r"公开|公布")


def activity_of(text: str, rule: Rule, statutory_key: str | None = None) -> str | None:
    """The activity a duty's rule is the deadline of, or None for anything else."""
    if statutory_key is not None:
        return STATUTORY_ACTIVITIES.get(statutory_key)
    if rule.kind is RuleKind.YEARLY_EVENT:
        return CONSTITUTION
    if rule.kind not in (RuleKind.YEARLY_DATE, RuleKind.YEARLY_WINDOW, RuleKind.ONE_OFF):
        return None
    month = rule.params.get("month") or rule.params.get("end_month")
    if rule.kind is RuleKind.ONE_OFF:
        month = int(str(rule.params.get("due", "0000-00"))[5:7] or 0)
    if month == 12 and _CONSTITUTION.search(text):
        return CONSTITUTION
    if month == 1 and _STATISTICS.search(text):
        return ENFORCEMENT_STATISTICS
    if month in (1, 3) and _DISCLOSURE.search(text):
        return DISCLOSURE_REPORT
    if month in (1, 2, 3) and _ROL_REPORT.search(text):
        if (
            _PUBLISH.search(rule.phrase)
            or month == 3
            and _PUBLISH.search(text)
            and "4月1日" in text
        ):
            return RULE_OF_LAW_PUBLICATION
        return RULE_OF_LAW_REPORT
    return None
