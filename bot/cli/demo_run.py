"""`dutybot demo`: the sandbox Bot API, the real bot, the sample plan and simulated people.

Everything runs in one process on a fresh SQLite database, with no token and no route to
Telegram. The people bind themselves by opening real invite links through the sandbox, so the
demo walks the same path a real office does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.cli.sample import SAMPLE_NAME, sample_plan_text
from bot.clock import SystemClock
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.services import build_services
from bot.settings import Settings
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.invites.links import create_invite
from bot.usecases.units.lookup import find_unit
from handlers.app import build_application, start_application, stop_application
from storage.models import Role
from storage.schema import upgrade

DEMO_TOKEN = "123456:dutybot-demo"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    role: Role
    unit: str | None


PEOPLE = (
    DemoPerson("王协调", Role.COORDINATOR, None),
    DemoPerson("李司法", Role.LIAISON, "区司法局"),
    DemoPerson("张市场", Role.LIAISON, "区市场监督管理局"),
    DemoPerson("赵街道", Role.LIAISON, "东城街道"),
)


def demo_settings(base: Settings, data_dir: Path, api_url: str, now: datetime) -> Settings:
    """The demo's settings: its own database, the sandbox, reminders due a minute from now."""
    local = now.astimezone(base.zone) + timedelta(minutes=1)
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": f"sqlite+aiosqlite:///{data_dir / 'demo.db'}",
            "api_url": api_url,
            "tick_seconds": 1.0,
            "reminder_time": local.time().replace(second=0, microsecond=0),
        }
    )


async def run_demo(
    base: Settings,
    data_dir: Path,
    host: str,
    port: int,
    announce: Callable[[str], None],
    stop: asyncio.Event,
) -> None:
    server = SandboxServer()
    url = await server.start(host, port)
    services = None
    application = None
    try:
        settings = demo_settings(base, data_dir, url, SystemClock().now())
        services = build_services(settings)
        await upgrade(services.engine)
        await services.load_calendar()
        today = services.today()
        text = sample_plan_text(today, services.calendar)
        result = await import_sources(services, [read_source(text.encode("utf-8"), SAMPLE_NAME)])
        application = build_application(services, DEMO_TOKEN)
        await start_application(application)
        tokens: list[tuple[DemoPerson, str]] = []
        async with services.sessions() as session, session.begin():
            for person in PEOPLE:
                unit = await find_unit(session, person.unit) if person.unit else None
                invite = await create_invite(session, services.clock, person.role, unit)
                tokens.append((person, invite.token))
        async with SandboxClient(url) as sandbox:
            for person, token in tokens:
                user = await sandbox.create_user(person.name, language_code="zh")
                await sandbox.send_text(user["id"], f"/start {token}")
        items = sum(len(plan.items) for plan in result.plans)
        announce(f"dutybot demo is running (data in {data_dir})")
        announce(f"  open the chat page:   {url}/")
        announce(f"  sample plan imported: {items} duties; statutory duties added")
        for person in PEOPLE:
            where = f"liaison of {person.unit}" if person.unit else "coordinator"
            announce(f"  {person.name}: {where}")
        announce(
            f"  reminders of the day go out at {settings.reminder_time:%H:%M} "
            f"({settings.timezone}); try /mytasks, /status, /help. Ctrl-C stops."
        )
        await stop.wait()
    finally:
        if application is not None:
            await stop_application(application)
        elif services is not None:
            await services.close()
        await server.stop()
