"""The duty's verb: whether a deadline is about publishing (公开/公布) or reporting (报送/报告/提交).

The reader keeps it in a rule's params (`action`) and the explanation words the reading after
it; a module of its own because both need it and neither should import the other.
"""

from __future__ import annotations

import re

ACTIONS = ("publish", "report")  # the values of params["action"]

# The duty's verb, so an explanation says what the duty does with the report: 公开/公布 (publish)
# wins over 报送/报告/提交 (report) when a clause has both ("提交…年度报告并向社会公布"). Nouns are
# not verbs: 政府信息公开 / 政务公开 (openness), 公开透明, 年度报告 / 工作报告 / 述职报告, 报告制度.
RE_PUBLISH = re.compile(
    r"(?<!信息)(?<!政务)(?<!村务)(?<!党务)(?:公开|公布)(?!透明|制度|目录|指南|专栏|平台|工作)"
)
RE_REPORT = re.compile(r"报送|提交|(?<!年度)(?<!工作)(?<!述职)(?<!专题)报告(?!制度|会)")


def duty_action(words: str) -> str | None:
    """ "publish", "report", or None when the words name neither."""
    if RE_PUBLISH.search(words):
        return "publish"
    if RE_REPORT.search(words):
        return "report"
    return None
