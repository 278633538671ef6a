"""Many liaisons with due reminders, written in bulk (delivery tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select

from bot.services import Services
from storage.models import (
    Assignment,
    Binding,
    Duty,
    Member,
    Occurrence,
    Plan,
    Reminder,
    ReminderKind,
    Role,
    RuleKind,
    ScheduleRule,
    Unit,
    UnitRole,
)

CHUNK = 500


@dataclass(frozen=True)
class BulkDeployment:
    chats: list[int]
    reminders: int
    assignments_per_chat: int


async def _insert(session, model, rows):  # noqa: ANN001, ANN202 - test helper
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def bulk_due_reminders(
    services: Services,
    chats: list[int],
    per_chat: int,
    planned_at: datetime,
    total: int | None = None,
) -> BulkDeployment:
    """One unit and liaison per chat, `per_chat` assignments each, a due reminder for each
    (or for the first `total` of them)."""
    now = planned_at
    async with services.sessions() as session, session.begin():
        plan = Plan(plan_key="bulk", title="批量测试方案", imported_at=now, updated_at=now)
        session.add(plan)
        await session.flush()
        duty_ids = []
        rule_ids = []
        for n in range(per_chat):
            duty = Duty(
                plan_id=plan.id,
                number=str(n + 1),
                position=n + 1,
                section_path=[],
                text=f"第{n + 1}项测试任务：按时公开有关情况并报送材料",
                review=[],
                created_at=now,
                updated_at=now,
            )
            session.add(duty)
            await session.flush()
            rule = ScheduleRule(
                duty_id=duty.id,
                kind=RuleKind.ONE_OFF,
                phrase="2027年1月31日前",
                params={"due": "2027-01-31"},
                created_at=now,
            )
            session.add(rule)
            await session.flush()
            duty_ids.append(duty.id)
            rule_ids.append(rule.id)
        occurrence_ids = []
        for duty_id, rule_id in zip(duty_ids, rule_ids, strict=True):
            occurrence = Occurrence(
                duty_id=duty_id,
                rule_id=rule_id,
                period_key="2027",
                due_date=date(2027, 1, 31),
                created_at=now,
            )
            session.add(occurrence)
            await session.flush()
            occurrence_ids.append(occurrence.id)
        await _insert(
            session,
            Unit,
            [
                {
                    "name": f"测试单位{chat}",
                    "kind": "department",
                    "needs_review": False,
                    "created_at": now,
                }
                for chat in chats
            ],
        )
        unit_ids = dict(
            (
                await session.execute(select(Unit.name, Unit.id).where(Unit.name.like("测试单位%")))
            ).all()
        )
        await _insert(
            session,
            Member,
            [
                {
                    "telegram_user_id": chat,
                    "chat_id": chat,
                    "name": f"联络员{chat}",
                    "reachable": True,
                    "created_at": now,
                }
                for chat in chats
            ],
        )
        member_ids = dict((await session.execute(select(Member.telegram_user_id, Member.id))).all())
        await _insert(
            session,
            Binding,
            [
                {
                    "member_id": member_ids[chat],
                    "unit_id": unit_ids[f"测试单位{chat}"],
                    "role": Role.LIAISON,
                    "chat_id": chat,
                    "active": True,
                    "created_at": now,
                }
                for chat in chats
            ],
        )
        await _insert(
            session,
            Assignment,
            [
                {
                    "occurrence_id": occurrence_id,
                    "unit_id": unit_ids[f"测试单位{chat}"],
                    "role": UnitRole.LEAD,
                    "due_date": date(2027, 1, 31),
                    "status": "open",
                    "progress_count": 0,
                    "created_at": now,
                }
                for chat in chats
                for occurrence_id in occurrence_ids
            ],
        )
        rows = await session.execute(
            select(Assignment.id, Unit.name)
            .join(Unit, Unit.id == Assignment.unit_id)
            .order_by(Assignment.occurrence_id, Assignment.id)
        )
        reminders = []
        for assignment_id, unit_name in rows:
            chat = int(unit_name.removeprefix("测试单位"))
            reminders.append(
                {
                    "dedupe_key": f"bulk:{assignment_id}",
                    "kind": ReminderKind.LEAD,
                    "assignment_id": assignment_id,
                    "member_id": member_ids[chat],
                    "chat_id": chat,
                    "planned_at": planned_at,
                    "send_after": planned_at,
                    "state": "planned",
                    "attempts": 0,
                    "created_at": now,
                }
            )
        if total is not None:
            reminders = reminders[:total]
        await _insert(session, Reminder, reminders)
    return BulkDeployment(chats=chats, reminders=len(reminders), assignments_per_chat=per_chat)
