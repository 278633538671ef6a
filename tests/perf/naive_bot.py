"""The naive design as a whole bot, the way most reminder bots are written: python-telegram-bot
with its JobQueue, whose APScheduler keeps one date job per reminder in a SQLAlchemyJobStore,
each job sending its reminder itself (`tests.perf.baseline_child.send_reminder`), and a
`/start` that answers. Everything else is python-telegram-bot's defaults.

`python -m tests.perf.naive_bot API_URL STORE TOKEN` polls until SIGTERM. The benchmark
(`tests/perf/baseline.py`) measures it from the outside, through the sandbox, as it measures
`dutybot run`: spawn → first getUpdates, spawn → the answer to a command sent before the
spawn, and the process's peak RSS.
"""

from __future__ import annotations

import sys

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.perf import baseline_child


async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text("你好，我会按时提醒你。")


def build(api_url: str, store: str, token: str) -> Application:  # type: ignore[type-arg]
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.scheduler.add_jobstore(
        SQLAlchemyJobStore(url=f"sqlite:///{store}"), alias="default"
    )
    application.add_handler(CommandHandler("start", start))
    baseline_child.BOT = application.bot
    return application


def main(argv: list[str]) -> None:
    api_url, store, token = argv
    build(api_url, store, token).run_polling()


if __name__ == "__main__":
    main(sys.argv[1:])
