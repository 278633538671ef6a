"""The command list: one place for /help and setMyCommands, in every language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import _


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", _("Start and see what this bot does")),
    CommandInfo("help", _("List the commands")),
    CommandInfo("lang", _("Choose the language: /lang zh or /lang en")),
)


def visible_commands() -> tuple[CommandInfo, ...]:
    return COMMANDS
