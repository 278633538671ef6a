"""A liaison with several duties and reminders due now, for the chat's button tests and
the web chat page's screenshots (tests/browser/test_chat_page.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.e2e import Harness
from tests.factories import add_member, build_assignment, reminder

DUTIES = (
    ("12", "按规定公开上年度行政执法总体情况和有关统计数据", date(2027, 1, 29)),
    ("13", "组织开展行政执法案卷评查并通报评查结果", date(2027, 2, 26)),
    ("14", "向区政府报送上年度法治政府建设情况报告", date(2027, 3, 31)),
)


@dataclass
class Liaison:
    user_id: int
    assignments: list[int]


def labels(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]


def has_words(label: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in label)


async def seed_liaison(
    h: Harness, name: str, language: str, due_now: int, extra: int = 0, unit: str = "区司法局"
) -> Liaison:
    """A liaison of `unit` with the three duties above (and `extra` more), and a reminder
    due now for the first `due_now` of them (one message: they share a chat and a time)."""
    user_id = await h.user(name)
    now = h.clock.now()
    more = [
        (str(20 + n), f"第{n + 1}项专项工作：按季度报送行政执法监督情况", date(2027, 4, 1 + n))
        for n in range(extra)
    ]
    async with h.services.sessions() as session, session.begin():
        built = []
        for number, text, due in [*DUTIES, *more]:
            plan = built[0].plan if built else None
            unit_name = unit if not built else f"{unit}（{number}）"
            one = await build_assignment(
                session, now, unit_name, due, text, plan=plan, number=number
            )
            rule = one.duty.rules[0]
            rule.phrase = f"每年{due.month}月{due.day}日前"
            rule.params = {"month": due.month, "day": due.day}
            if built:
                one.assignment.unit_id = built[0].unit.id
            built.append(one)
        await session.flush()
        member = await add_member(session, now, user_id, built[0].unit, language=language)
        session.add_all(reminder(b.assignment, member, now) for b in built[:due_now])
    return Liaison(user_id, [b.assignment.id for b in built])
