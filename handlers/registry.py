"""Everything the bot reacts to, registered in one place, in order.

Within group 0 the first matching handler wins, so the order below is the order of precedence:
commands, then button presses and replies, then the catch-alls for what nothing else took
(unknown commands, plain text).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import basics, invites
from handlers.errors import on_error


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("start", basics.start), group=0)
    application.add_handler(CommandHandler("help", basics.help_command), group=0)
    application.add_handler(CommandHandler("lang", basics.lang), group=0)
    application.add_handler(CommandHandler("whoami", invites.whoami), group=0)
    application.add_handler(CommandHandler("invite", invites.invite), group=0)
    application.add_handler(CommandHandler("unbind", invites.unbind_command), group=0)

    application.add_handler(MessageHandler(filters.COMMAND, basics.unknown_command), group=0)
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, basics.plain_text), group=0
    )
    application.add_error_handler(on_error)
