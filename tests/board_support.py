"""A small office for the board's tests: units in every light, two plans, a group, reports,
a coordinator and a liaison; and the bot running against a sandbox whose clock is the test's
(Mini App launch data is signed at the sandbox's time and checked at the bot's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SettableClock
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.services import Services
from bot.settings import Settings
from handlers.app import build_application, start_application, stop_application
from storage.db import create_engine, session_factory
from storage.models import (
    Assignment,
    AssignmentStatus,
    Member,
    Plan,
    Role,
    StatusReport,
    Unit,
    UnitGroup,
    UnitGroupMember,
    UnitKind,
)
from storage.schema import upgrade
from tests.digest_fixtures import new_assignment, new_plan
from tests.e2e import TOKEN, Harness
from tests.factories import add_member

TODAY = date(2026, 11, 23)  # a Monday; 3 working days reach Thursday the 26th
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

# unit → (kind, the light it must show)
UNITS = {
    "区司法局": (UnitKind.DEPARTMENT, "red"),  # overdue
    "区公安分局": (UnitKind.DEPARTMENT, "red"),  # blocked, not overdue
    "区教育局": (UnitKind.DEPARTMENT, "yellow"),  # due in 2 working days, not started
    "区民政局": (UnitKind.DEPARTMENT, "yellow"),  # more time asked
    "东城街道": (UnitKind.STREET, "green"),  # done what was due
    "区委宣传部": (UnitKind.PARTY, "green"),  # done early, the rest in progress
    "西城街道": (UnitKind.STREET, "grey"),  # nothing due yet
}


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    group: UnitGroup | None = None


async def board_world(
    session: AsyncSession,
    now: datetime,
    coordinator_id: int = 20_001,
    liaison_id: int = 20_002,
    english_coordinator_id: int | None = None,
) -> World:
    world = World()
    ledger = await new_plan(session, now, "board-ledger")
    points = Plan(
        plan_key="board-points",
        title="示范区2026年法治政府建设工作要点",
        issuer="示范区",
        year_from=2026,
        year_to=2026,
        imported_at=now,
        updated_at=now,
    )
    session.add(points)
    await session.flush()
    world.plans = {"ledger": ledger, "points": points}
    for name, (kind, _light) in UNITS.items():
        unit = Unit(name=name, kind=kind, created_at=now)
        session.add(unit)
        await session.flush()
        world.units[name] = unit
    u, a = world.units, world.assignments
    a["overdue"] = await new_assignment(
        session,
        now,
        ledger,
        u["区司法局"],
        TODAY - timedelta(days=10),
        "公开行政执法统计年报，结果报区依法治区办",
    )
    a["justice_next"] = await new_assignment(
        session,
        now,
        ledger,
        u["区司法局"],
        TODAY + timedelta(days=20),
        "报告法治政府建设情况，结果报区依法治区办",
    )
    a["justice_done"] = await new_assignment(
        session, now, points, u["区司法局"], TODAY - timedelta(days=30), "规范性文件清理，结果报区依法治区办",
        AssignmentStatus.DONE, changed_at=now - timedelta(days=31),
    )  # fmt: skip
    a["blocked"] = await new_assignment(
        session, now, ledger, u["区公安分局"], TODAY + timedelta(days=40), "公示执法信息，结果报区依法治区办",
        AssignmentStatus.BLOCKED, changed_at=now - timedelta(days=1),
    )  # fmt: skip
    a["soon"] = await new_assignment(
        session,
        now,
        ledger,
        u["区教育局"],
        TODAY + timedelta(days=2),
        "开展校园普法，结果报区依法治区办",
    )
    a["more_time"] = await new_assignment(
        session, now, ledger, u["区民政局"], TODAY + timedelta(days=30), "清理证明事项，结果报区依法治区办",
        AssignmentStatus.MORE_TIME, extended=TODAY + timedelta(days=45),
    )  # fmt: skip
    a["east_done"] = await new_assignment(
        session, now, points, u["东城街道"], TODAY - timedelta(days=5), "宪法宣传活动，结果报区依法治区办",
        AssignmentStatus.DONE, changed_at=now - timedelta(days=6),
    )  # fmt: skip
    a["east_next"] = await new_assignment(
        session,
        now,
        points,
        u["东城街道"],
        TODAY + timedelta(days=25),
        "普法考核，结果报区依法治区办",
    )
    a["party_done"] = await new_assignment(
        session, now, points, u["区委宣传部"], TODAY + timedelta(days=10), "组织宪法宣传周，结果报区依法治区办",
        AssignmentStatus.DONE, changed_at=now - timedelta(days=2),
    )  # fmt: skip
    a["party_busy"] = await new_assignment(
        session, now, points, u["区委宣传部"], TODAY + timedelta(days=50), "编印普法读本，结果报区依法治区办",
        AssignmentStatus.IN_PROGRESS, changed_at=now - timedelta(days=2),
    )  # fmt: skip
    a["west_later"] = await new_assignment(
        session,
        now,
        points,
        u["西城街道"],
        TODAY + timedelta(days=60),
        "年度普法总结，结果报区依法治区办",
    )
    group = UnitGroup(name="各街道", created_at=now)
    session.add(group)
    await session.flush()
    for name in ("东城街道", "西城街道"):
        session.add(UnitGroupMember(group_id=group.id, unit_id=u[name].id))
    world.group = group
    world.members["coordinator"] = coordinator = await add_member(
        session, now, coordinator_id, None, role=Role.COORDINATOR, language="zh_CN"
    )
    coordinator.name = "王协调"
    if english_coordinator_id is not None:
        english = await add_member(
            session, now, english_coordinator_id, None, role=Role.COORDINATOR, language="en"
        )
        english.name = "Wang (en)"
        world.members["english"] = english
    world.members["liaison"] = liaison = await add_member(
        session, now, liaison_id, u["区司法局"], language="zh_CN"
    )
    liaison.name = "李司法"
    session.add(
        StatusReport(
            assignment_id=a["overdue"].id,
            member_id=liaison.id,
            created_at=now - timedelta(days=3),
            status=AssignmentStatus.IN_PROGRESS,
            previous_status=AssignmentStatus.OPEN,
            note="已形成初稿",
            evidence_kind="link",
            evidence_name="初稿",
            evidence_url="https://example.gov.cn/draft",
        )
    )
    a["overdue"].status = AssignmentStatus.IN_PROGRESS
    await session.flush()
    return world


@asynccontextmanager
async def bot_with_synced_sandbox(
    db_url: str, tmp_path: Path, clock: SettableClock, **overrides: Any
) -> AsyncIterator[Harness]:
    """The bot (polling, with its board) against a sandbox that tells the test clock's time."""
    server = SandboxServer(clock=lambda: clock.now().timestamp())
    url = await server.start()
    sandbox = SandboxClient(url)
    settings = Settings(
        database_url=db_url,
        data_dir=tmp_path,
        api_url=url,
        tick_seconds=0.2,
        token=TOKEN,
        digest_time=time(23, 59),
        **overrides,
    )
    engine = create_engine(db_url)
    await upgrade(engine)
    services = Services(
        settings=settings, engine=engine, sessions=session_factory(engine), clock=clock
    )
    app = build_application(services, TOKEN)
    await start_application(app)
    try:
        yield Harness(server, sandbox, services, app, clock)
    finally:
        await stop_application(app)
        await sandbox.close()
        await server.stop()
