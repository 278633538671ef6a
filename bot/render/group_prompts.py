"""Words for groups under Telegram's privacy mode: a bot that is not an admin there sees only
replies to its own messages (and commands, mentions), so a question is answered by replying to
it and evidence is a reply to the reminder or the duty card."""

from __future__ import annotations

from bot.i18n import Translator, _

COUNT_IN_GROUP = _("On which date was it held? Reply to this message with a date, or with “today”.")


def question_in_group(asked: str | None, text: str, t: Translator) -> str:
    """The question as a group sees it: answered by a reply (the Today button cannot sit on
    a message that asks for a reply, so "today" is typed)."""
    if asked == "count":
        return t.gettext(COUNT_IN_GROUP)
    return text + "\n" + t.gettext(_("(Reply to this message so that I see your answer.)"))


def evidence_hint(t: Translator) -> str:
    """Under the duty card in a group: how a file or link reaches the bot."""
    return t.gettext(
        _(
            "In this group, reply to this card (or to the reminder) with a file or a link to add it as evidence."
        )
    )
