"""The one repeating job: the outbox tick. No per-reminder APScheduler jobs, ever.

`misfire_grace_time=None` runs a late tick however late it is (APScheduler's default of one
second would silently skip it); `coalesce=True` folds missed ticks into one; `max_instances=1`
keeps ticks of one worker from overlapping. Several workers may tick at once: the outbox
claims make that safe.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from telegram.ext import Application

from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.services import Services
from bot.usecases.planning.daily import run_daily
from handlers.context import BotContext
from handlers.runtime import Runtime
from handlers.telegram_sender import TelegramSender
from scheduling.delivery.pacing import Limits, Pacer

log = logging.getLogger(__name__)

PLANNING_INTERVAL_SECONDS = 600


def worker_name(configured: str | None) -> str:
    return configured or f"{socket.gethostname()}:{os.getpid()}"


def build_dispatcher(
    services: Services, application: Application[Any, Any, Any, Any, Any, Any]
) -> Dispatcher:
    settings = services.settings
    return Dispatcher(
        services.sessions,
        TelegramSender(application.bot),
        services.clock,
        services.calendar,
        DispatchConfig(
            worker=worker_name(settings.worker_id),
            zone=settings.zone,
            default_locale=settings.locale,
        ),
        pacer=Pacer(
            Limits(
                per_second=settings.send_rate,
                private_interval=settings.private_chat_interval,
                group_per_minute=settings.group_per_minute,
            )
        ),
    )


async def outbox_tick(context: BotContext) -> None:
    report = await context.runtime.dispatcher.tick()
    if report.claimed:
        log.info(
            "outbox tick: %d claimed, %d messages sent, %d collapsed, %d failed, %d retried",
            report.claimed,
            report.messages_sent,
            report.collapsed,
            report.failed,
            report.retried,
        )


async def planning_tick(context: BotContext) -> None:
    try:
        report = await run_daily(context.services)
    except Exception:  # the next run retries; the bot keeps serving meanwhile
        log.exception("daily planning failed")
        return
    if report is not None:
        planning = report.planning
        log.info(
            "daily planning %s: %d occurrences, %d assignments, %d reminders planned",
            report.day,
            planning.occurrences,
            planning.assignments,
            planning.reminders,
        )
        if planning.fallback_years:
            log.warning(
                "no official holiday data for %s: working days counted without weekends and the "
                "statutory public holidays, make-up working days unknown; load the State "
                "Council's notice with `dutybot calendar load FILE`",
                ", ".join(str(year) for year in sorted(planning.fallback_years)),
            )


async def start_jobs(
    application: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime
) -> None:
    """Take back this worker's claims from before a restart, then tick and plan."""
    services = runtime.services
    released = await runtime.dispatcher.release_own_claims()
    if released:
        log.warning("took back %d reminders this worker had claimed before a restart", released)
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    queue.run_repeating(
        outbox_tick,
        interval=services.settings.tick_seconds,
        first=0.5,
        name="outbox-tick",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    queue.run_repeating(
        planning_tick,
        interval=PLANNING_INTERVAL_SECONDS,
        first=0.1,
        name="daily-planning",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
