"""A typed handler context: `context.services` instead of digging in bot_data."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Handler context that exposes the shared services started in post_init."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.application.bot_data.get(SERVICES_KEY)
        if services is None:
            raise RuntimeError("services are not started; post_init did not run")
        return services
