"""Matchers for limits counted from an event ("自发布之日起15日内", "收到…后20个工作日内"),
and for per-case durations that are not deadlines ("不少于7个工作日", "有效期…5年")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scheduling.dates.model import RuleKind
from scheduling.reading.spans import (
    NUM,
    Context,
    Hit,
)
from scheduling.reading.textnorm import parse_number

TRIGGERS = {
    "发布": "publication",
    "公布": "publication",
    "印发": "publication",
    "出台": "publication",
    "作出": "decision",
    "做出": "decision",
    "收到": "receipt",
    "接到": "receipt",
    "受理": "acceptance",
    "送达": "service",
    "签订": "signing",
    "生效": "effect",
    "立案": "filing",
}


RE_AFTER_EVENT = re.compile(
    rf"(?:自|从)?(?P<verb>{'|'.join(TRIGGERS)})[^,;。]{{0,6}}?之日起\s*(?P<n>{NUM})\s*个?\s*"
    r"(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)
RE_AFTER_RECEIPT = re.compile(
    rf"(?P<verb>收到|接到|受理)[^,;。]{{0,40}}?后\s*(?P<n>{NUM})\s*个?\s*"
    r"(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)


def _relative(m: re.Match[str], trigger: str) -> Hit:
    params = {
        "days": parse_number(m["n"]),
        "working_days": m["unit"] == "工作日",
        "trigger": trigger,
    }
    return Hit(m.start(), m.end(), RuleKind.EVENT_RELATIVE, params)


def event_relative(ctx: Context) -> Iterator[Hit]:
    """ "自发布之日起15日内", "作出之日起20个工作日内", "收到…文件后20个工作日内"."""
    for pattern in (RE_AFTER_EVENT, RE_AFTER_RECEIPT):
        for m in pattern.finditer(ctx.text):
            yield _relative(m, TRIGGERS[m["verb"]])


RE_DURATION = re.compile(
    rf"(?:一般|最长|最多)?(?:不少于|不超过|不得超过|不低于|不多于)\s*(?P<n>{NUM})\s*个?\s*"
    r"(?:工作日|日|天|小时)(?:之内|以内|内)?"
)
RE_BARE_RELATIVE = re.compile(
    rf"(?<![\d□])(?P<n>{NUM})\s*个?\s*(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)
RE_VALIDITY = re.compile(r"有效期[^。]{0,10}?\d{1,2}\s*年")


def durations(ctx: Context) -> Iterator[Hit]:
    """Per-case limits are not deadlines; a limit with no stated trigger waits for a report."""
    for m in RE_DURATION.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a minimum or maximum length per case, not a date")
    for m in RE_VALIDITY.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a validity period, not a deadline")
    for m in RE_BARE_RELATIVE.finditer(ctx.text):
        yield _relative(m, "unspecified")
