"""The command list: one place for /help and setMyCommands, in every language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import _


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str
    coordinator: bool = False


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", _("Start and see what this bot does")),
    CommandInfo("help", _("List the commands")),
    CommandInfo("lang", _("Choose the language: /lang zh or /lang en")),
    CommandInfo("mytasks", _("Your unit's tasks: /mytasks [overdue|month|all|done]")),
    CommandInfo("status", _("Progress of your unit; coordinators: every unit, or /status UNIT")),
    CommandInfo("whoami", _("Show your units and roles")),
    CommandInfo("calendar", _("Your unit's deadlines as a calendar file: /calendar [UNIT]")),
    CommandInfo("board", _("The board: lights, counts and duties of every unit you follow")),
    CommandInfo("digest", _("The weekly digest, now"), True),
    CommandInfo("export", _("The ledger as an Excel file: /export [UNIT]"), True),
    CommandInfo("invite", _("Make an invite link: /invite UNIT [liaison|coordinator]"), True),
    CommandInfo("unbind", _("Remove a liaison: /unbind TELEGRAM_ID [UNIT]"), True),
    CommandInfo("groups", _("Unit groups and their members: add, take out, create"), True),
    CommandInfo("units", _("Units to review: set a unit's kind, merge a spelling"), True),
)


def visible_commands() -> tuple[CommandInfo, ...]:
    return COMMANDS
