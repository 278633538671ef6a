"""Group privacy mode: which group messages a bot receives, as Telegram decides it.

Telegram turns privacy mode on for every new bot (BotFather's /setprivacy turns it off). A bot
in privacy mode that is not an administrator of a group or supergroup receives only:

- commands meant for it: "/cmd@its_username", and a bare "/cmd" when it is the last bot that
  wrote in the group (or, before any bot wrote there, every bot present);
- replies to its own messages (how ForceReply answers and replies to a reminder reach it);
- messages that mention it by @username;
- service messages (members joining or leaving, a group migrating, a title changing ...).

Administrators and bots with privacy mode off receive every message. Private chats are not
affected. The rule is read off the Bot API JSON of the message, so it serves the messages that
waited in the lobby for the first bot as well.
"""

from __future__ import annotations

from typing import Any, Protocol

PRIVATE = "private"


class BotState(Protocol):
    """What the rule reads of a bot (state.BotState; state.py imports this module)."""

    id: int
    username: str
    privacy: bool


class SimChat(Protocol):
    """What the rule reads of a chat (state.SimChat)."""

    type: str
    messages: dict[int, Any]

    def status_of_bot(self, bot_id: int) -> str: ...


ADMIN_STATUSES = ("creator", "administrator")
SERVICE_FIELDS = (
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "pinned_message",
)


def _utf16_slice(text: str, offset: int, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le")


def _last_bot_writer(chat: SimChat) -> int | None:
    """The bot that sent the chat's latest bot message, if any bot wrote there."""
    for message in reversed(chat.messages.values()):
        if message.from_bot:
            return message.sender_id
    return None


def _command_for(bot: BotState, chat: SimChat, command: str) -> bool:
    """A leading command: "/cmd@name" for the bot named, a bare "/cmd" for the last writer."""
    _, _, addressee = command.partition("@")
    if addressee:
        return addressee.lower() == bot.username.lower()
    last = _last_bot_writer(chat)
    return last is None or last == bot.id


def _entities_address(bot: BotState, chat: SimChat, message: dict[str, Any]) -> bool:
    text = message.get("text") or message.get("caption") or ""
    entities = message.get("entities") or message.get("caption_entities") or []
    for entity in entities:
        word = _utf16_slice(text, entity["offset"], entity["length"])
        kind = entity["type"]
        if (
            (kind == "bot_command" and entity["offset"] == 0 and _command_for(bot, chat, word))
            or (kind == "mention" and word[1:].lower() == bot.username.lower())
            or (kind == "text_mention" and entity.get("user", {}).get("id") == bot.id)
        ):
            return True
    return False


def bot_sees(bot: BotState, chat: SimChat, message: dict[str, Any]) -> bool:
    """Whether Telegram would deliver this message (Bot API JSON) in `chat` to `bot`."""
    if chat.type == PRIVATE or not bot.privacy:
        return True
    if chat.status_of_bot(bot.id) in ADMIN_STATUSES:
        return True
    if any(field in message for field in SERVICE_FIELDS):
        return True
    replied = message.get("reply_to_message") or {}
    if (replied.get("from") or {}).get("id") == bot.id:
        return True
    return _entities_address(bot, chat, message)
