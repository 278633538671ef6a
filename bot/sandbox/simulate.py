"""What simulated people do: write, edit, press buttons, upload files, join and leave.

Each action stores what Telegram would store, logs it for the chat history, and queues the
update the bot would receive. The control API and tests call these with plain values.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import ControlError
from bot.sandbox.markup import detect_entities
from bot.sandbox.media import guess_mime, image_mime, image_size
from bot.sandbox.privacy import bot_sees
from bot.sandbox.serialization import (
    bot_user_json,
    callback_query_json,
    chat_json,
    chat_member_json,
    file_entry,
    message_json,
    user_json,
)
from bot.sandbox.state import (
    MEMBER_STATUSES,
    PRESENT_STATUSES,
    PRIVATE,
    BotState,
    CallbackRecord,
    SandboxState,
    SimChat,
    StoredFile,
)


def _chat_for(state: SandboxState, user_id: int, chat_id: int | None) -> SimChat:
    """The chat a user acts in: their private chat by default, or a group they belong to."""
    state.user(user_id)
    if chat_id is None or chat_id == user_id:
        return state.private_chat(user_id)
    if chat_id > 0:
        raise ControlError(400, "a user can only write to the bot in their own private chat")
    chat = state.chats.get(chat_id)
    if chat is None:
        raise ControlError(404, f"unknown chat {chat_id}")
    if chat.members.get(user_id) not in PRESENT_STATUSES:
        raise ControlError(403, f"user {user_id} is not a member of chat {chat_id}")
    return chat


def _welcome_back(state: SandboxState, bot: BotState | None, chat: SimChat, user_id: int) -> None:
    """Writing to a bot one blocked (or never started) unblocks it, as in Telegram."""
    if chat.type != PRIVATE:
        return
    if bot is None:
        chat.default_bot_status = "member"
        return
    old = chat.status_of_bot(bot.id)
    chat.bot_status[bot.id] = "member"
    if old == "kicked":
        state.enqueue(bot, "my_chat_member", _member_change(state, chat, user_id, bot, old))


def _member_change(
    state: SandboxState, chat: SimChat, actor_id: int, bot: BotState, old: str
) -> dict[str, Any]:
    return {
        "chat": chat_json(chat),
        "from": user_json(state.user(actor_id)),
        "date": state.now(),
        "old_chat_member": chat_member_json(bot_user_json(bot), old),
        "new_chat_member": chat_member_json(bot_user_json(bot), chat.status_of_bot(bot.id)),
    }


def _deliver(
    state: SandboxState, bot: BotState | None, chat: SimChat, kind: str, payload: dict[str, Any]
) -> int | None:
    """Queue a chat message for the bot, unless the bot is not in that group or its privacy
    mode keeps the message from it (no update; see privacy.py)."""
    if (
        bot is not None
        and chat.type != PRIVATE
        and (chat.status_of_bot(bot.id) not in PRESENT_STATUSES or not bot_sees(bot, chat, payload))
    ):
        return None
    return state.enqueue(bot, kind, payload)


def _reply_id(chat: SimChat, reply_to_message_id: int | None) -> int | None:
    if reply_to_message_id is None:
        return None
    target = chat.messages.get(reply_to_message_id)
    if target is None or target.deleted:
        raise ControlError(404, f"no message {reply_to_message_id} in chat {chat.id}")
    return reply_to_message_id


def send_text(
    state: SandboxState,
    bot: BotState | None,
    user_id: int,
    text: str,
    chat_id: int | None = None,
    reply_to_message_id: int | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """A user sends a text; "/cmd" and "/cmd@bot" get bot_command entities."""
    if not text or not text.strip():
        raise ControlError(400, "text must not be empty")
    chat = _chat_for(state, user_id, chat_id)
    _welcome_back(state, bot, chat, user_id)
    message = state.new_message(
        chat,
        sender_id=user_id,
        from_bot=False,
        bot_id=bot.id if bot else None,
        text=text,
        entities=detect_entities(text) or None,
        reply_to_message_id=_reply_id(chat, reply_to_message_id),
    )
    state.append_log(
        "user_message",
        chat.id,
        message.bot_id,
        message_id=message.message_id,
        user_id=user_id,
        text=text,
        plain_text=text,
        entities=message.entities,
        reply_to_message_id=message.reply_to_message_id,
    )
    payload = message_json(state, message)
    return _deliver(state, bot, chat, "message", payload), payload


def edit_text(
    state: SandboxState,
    bot: BotState | None,
    user_id: int,
    message_id: int,
    text: str,
    chat_id: int | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """A user edits one of their texts; the bot gets an edited_message update."""
    chat = _chat_for(state, user_id, chat_id)
    message = chat.messages.get(message_id)
    if message is None or message.deleted or message.from_bot or message.sender_id != user_id:
        raise ControlError(404, f"user {user_id} has no message {message_id} in chat {chat.id}")
    if message.text is None or not text.strip():
        raise ControlError(400, "only non-empty texts can be edited")
    message.text = text
    message.entities = detect_entities(text) or None
    message.edit_date = state.now()
    state.append_log(
        "user_edit",
        chat.id,
        message.bot_id,
        message_id=message_id,
        user_id=user_id,
        text=text,
        plain_text=text,
        entities=message.entities,
        edited=True,
    )
    payload = message_json(state, message)
    return _deliver(state, bot, chat, "edited_message", payload), payload


def buttons_of(markup: dict[str, Any] | None) -> list[str]:
    """The callback_data values of an inline keyboard."""
    if not markup:
        return []
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if isinstance(button, dict) and "callback_data" in button
    ]


def press(
    state: SandboxState,
    bot: BotState | None,
    user_id: int,
    message_id: int,
    data: str,
    chat_id: int | None = None,
    check_buttons: bool = False,
) -> tuple[int | None, str]:
    """A user presses an inline button of a bot message (data may be forged on purpose)."""
    chat = _chat_for(state, user_id, chat_id)
    message = chat.messages.get(message_id)
    if message is None or message.deleted or not message.from_bot:
        raise ControlError(404, f"no bot message {message_id} in chat {chat.id}")
    if bot is None or message.sender_id != bot.id:
        raise ControlError(400, "that message was not sent by the target bot")
    if check_buttons and data not in buttons_of(message.reply_markup):
        raise ControlError(400, f"the message has no button with callback_data {data!r}")
    record = CallbackRecord(
        id=state.new_callback_id(),
        bot_id=bot.id,
        chat_id=chat.id,
        message_id=message_id,
        user_id=user_id,
        data=data,
        created=state.monotonic(),
    )
    state.callbacks[record.id] = record
    state.append_log(
        "press",
        chat.id,
        bot.id,
        message_id=message_id,
        user_id=user_id,
        callback_query_id=record.id,
        data=data,
    )
    update_id = state.enqueue(bot, "callback_query", callback_query_json(state, record, message))
    return update_id, record.id


def upload(
    state: SandboxState,
    bot: BotState | None,
    user_id: int,
    kind: str,
    data: bytes,
    file_name: str | None,
    content_type: str | None,
    chat_id: int | None = None,
    caption: str | None = None,
    reply_to_message_id: int | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """A user sends a document or photo; the bot can fetch it with getFile."""
    if kind not in ("document", "photo"):
        raise ControlError(400, 'kind must be "document" or "photo"')
    if not data:
        raise ControlError(400, "the file is empty")
    chat = _chat_for(state, user_id, chat_id)
    _welcome_back(state, bot, chat, user_id)
    stored: StoredFile
    if kind == "photo":
        size = image_size(data)
        if size is None:
            raise ControlError(400, "a photo must be a PNG, JPEG or GIF image")
        stored = state.add_file(data, "photo", None, image_mime(data), *size)
    else:
        stored = state.add_file(data, "document", file_name, guess_mime(file_name, content_type))
    message = state.new_message(
        chat,
        sender_id=user_id,
        from_bot=False,
        bot_id=bot.id if bot else None,
        caption=caption or None,
        caption_entities=detect_entities(caption) or None if caption else None,
        reply_to_message_id=_reply_id(chat, reply_to_message_id),
        **{kind: stored},
    )
    state.append_log(
        "user_message",
        chat.id,
        message.bot_id,
        message_id=message.message_id,
        user_id=user_id,
        caption=caption or None,
        plain_text=caption or None,
        entities=message.caption_entities,
        reply_to_message_id=message.reply_to_message_id,
        **{kind: file_entry(stored)},
    )
    payload = message_json(state, message)
    return _deliver(state, bot, chat, "message", payload), payload


def member_update(
    state: SandboxState,
    bot: BotState | None,
    chat_id: int,
    user_id: int | str,
    new_status: str,
    from_user_id: int | None = None,
) -> int | None:
    """Change someone's membership; the bot's own change is a my_chat_member update.

    Other people's changes are chat_member updates, which (as in Telegram) only reach bots
    that list "chat_member" in allowed_updates.
    """
    if new_status not in MEMBER_STATUSES:
        raise ControlError(400, f"new_status must be one of {list(MEMBER_STATUSES)}")
    chat = state.chats.get(chat_id)
    if chat is None:
        if chat_id in state.users:
            chat = state.private_chat(chat_id)
        else:
            raise ControlError(404, f"unknown chat {chat_id}")
    about_bot = user_id == "bot" or (bot is not None and user_id == bot.id)
    if about_bot:
        if bot is None:
            raise ControlError(409, "no bot has connected yet")
        actor = from_user_id or (chat.id if chat.type == PRIVATE else _first_admin(chat))
        if actor is None:
            raise ControlError(400, "from_user_id is needed for a chat without members")
        old = chat.status_of_bot(bot.id)
        chat.bot_status[bot.id] = new_status
        return state.enqueue(bot, "my_chat_member", _member_change(state, chat, actor, bot, old))
    if not isinstance(user_id, int):
        raise ControlError(400, 'user_id must be a user id or "bot"')
    user = state.user(user_id)
    if chat.type == PRIVATE:
        raise ControlError(400, "membership of people in private chats cannot change")
    old_status = chat.members.get(user_id, "left")
    chat.members[user_id] = new_status
    actor_id = from_user_id or user_id
    payload = {
        "chat": chat_json(chat),
        "from": user_json(state.user(actor_id)),
        "date": state.now(),
        "old_chat_member": chat_member_json(user_json(user), old_status),
        "new_chat_member": chat_member_json(user_json(user), new_status),
    }
    return state.enqueue(bot, "chat_member", payload)


def _first_admin(chat: SimChat) -> int | None:
    for uid, status in chat.members.items():
        if status in ("creator", "administrator"):
            return uid
    return next(iter(chat.members), None)
