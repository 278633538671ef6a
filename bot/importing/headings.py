"""Which headings introduce duties and which introduce background (aims, principles, steps).

A plan's task part is what offices are chased for; its guiding thought, principles, goals,
phases and safeguards are read, not assigned. The words are the ones plans use for those
parts (GB/T 9704 leaves them free, so this list comes from the plans themselves).
"""

from __future__ import annotations

import re

NOT_DUTIES = re.compile(
    r"^(?:总体要求|基本要求|指导思想|基本原则|工作原则|主要原则|总体目标|工作目标|主要目标|目标要求|"
    r"发展目标|实施步骤|工作步骤|方法步骤|步骤安排|进度安排|时间安排|实施安排|阶段安排|保障措施|"
    r"组织保障|工作保障|工作要求|有关要求|相关要求|组织实施|组织领导|其他事项|附则|实施范围|"
    r"适用范围|编制依据|背景|现状|活动主题|宣传主题|主题|活动背景|活动目的|目的意义|活动目标|"
    r"活动时间|时间和地点|活动地点|活动对象|参加人员|参加对象|预期效果|活动预期|注意事项|组织机构|"
    r"领导小组|工作机构|充分认识|提高认识|重要意义|统一思想)"
)
_DUTY_HEADINGS = re.compile(
    r"^(?:主要任务|重点任务|工作任务|具体任务|任务分工|工作内容|活动内容|主要内容|具体措施|主要措施|"
    r"工作措施|重点工作|主要工作|工作安排|活动安排|任务清单)[：:]?$"
)
_PLAIN_HEADING = 12


def not_duties(title: str) -> bool:
    """A heading whose part holds no duties ("指导思想", "工作目标", "保障措施")."""
    return bool(NOT_DUTIES.match(title))


def plain_heading(text: str) -> bool | None:
    """An unnumbered heading line: True if it opens background, False if it opens duties,
    None if the line is not such a heading."""
    if len(text) > _PLAIN_HEADING or any(mark in text for mark in "。，；,;"):
        return None
    if _DUTY_HEADINGS.match(text):
        return False
    if NOT_DUTIES.match(text) and len(text.rstrip("：:")) <= 8:
        return True
    return None
