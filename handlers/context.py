"""A typed handler context: `context.runtime` and `context.services` instead of digging in
bot_data, where the one `Runtime` is kept under RUNTIME_KEY."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from handlers.runtime import Runtime

RUNTIME_KEY = "dutybot.runtime"


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime | None:
    """The application's runtime, or None before `handlers.app.build_application` set it."""
    return application.bot_data.get(RUNTIME_KEY)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Handler context that exposes the runtime built with the application."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def runtime(self) -> Runtime:
        runtime = runtime_of(self.application)
        if runtime is None:
            raise RuntimeError("no runtime: the application was not built by handlers.app")
        return runtime

    @property
    def services(self) -> Services:
        return self.runtime.services
