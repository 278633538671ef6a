"""Bot API JSON for sandbox objects, shaped so python-telegram-bot's `de_json` parses them."""

from __future__ import annotations

import hashlib
from typing import Any

from bot.sandbox.state import (
    PRIVATE,
    BotState,
    CallbackRecord,
    SandboxState,
    SimChat,
    SimUser,
    StoredFile,
    StoredMessage,
)


def _without_none(obj: dict[str, Any]) -> dict[str, Any]:
    """The Bot API omits absent optional fields instead of sending null."""
    return {key: value for key, value in obj.items() if value is not None}


def user_json(user: SimUser) -> dict[str, Any]:
    return _without_none(
        {
            "id": user.id,
            "is_bot": False,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "language_code": user.language_code,
        }
    )


def bot_user_json(bot: BotState) -> dict[str, Any]:
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def get_me_json(bot: BotState) -> dict[str, Any]:
    """getMe's richer User, with the capability flags Telegram adds for bots."""
    return {
        **bot_user_json(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": not bot.privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def sender_json(state: SandboxState, sender_id: int, from_bot: bool) -> dict[str, Any]:
    if from_bot:
        bot = state.bots.get(sender_id)
        if bot is not None:
            return bot_user_json(bot)
        return {"id": sender_id, "is_bot": True, "first_name": state.bot_first_name}
    user = state.users.get(sender_id)
    if user is None:  # a user forgotten by a reset can still appear in an old update
        return {"id": sender_id, "is_bot": False, "first_name": str(sender_id)}
    return user_json(user)


def chat_json(chat: SimChat) -> dict[str, Any]:
    if chat.type == PRIVATE:
        return _without_none(
            {
                "id": chat.id,
                "type": PRIVATE,
                "first_name": chat.first_name,
                "last_name": chat.last_name,
                "username": chat.username,
            }
        )
    return _without_none(
        {"id": chat.id, "type": chat.type, "title": chat.title, "username": chat.username}
    )


def chat_full_info_json(chat: SimChat) -> dict[str, Any]:
    """getChat's ChatFullInfo: the Chat plus the fields PTB 22 requires."""
    return {
        **chat_json(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def document_json(stored: StoredFile) -> dict[str, Any]:
    return _without_none(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": stored.file_size,
        }
    )


def photo_json(stored: StoredFile) -> list[dict[str, Any]]:
    """A photo is a list of sizes; the sandbox keeps just the original one."""
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": stored.file_size,
        }
    ]


def file_json(stored: StoredFile) -> dict[str, Any]:
    """getFile's File object; PTB prefixes file_path with base_file_url."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }


def file_entry(stored: StoredFile) -> dict[str, Any]:
    """How a file shows up in the control API's chat history."""
    entry: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.file_size,
        "download_url": f"/_sandbox/files/{stored.file_id}",
    }
    if stored.kind == "photo":
        entry.update({"width": stored.width, "height": stored.height})
    return entry


def message_json(
    state: SandboxState, message: StoredMessage, with_reply: bool = True
) -> dict[str, Any]:
    """A Message; reply_to_message is embedded one level deep, as Telegram does."""
    chat = state.chats.get(message.chat_id)
    obj: dict[str, Any] = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat_json(chat) if chat else {"id": message.chat_id, "type": PRIVATE},
        "from": sender_json(state, message.sender_id, message.from_bot),
    }
    if message.text is not None:
        obj["text"] = message.text
        if message.entities:
            obj["entities"] = message.entities
    if message.caption is not None:
        obj["caption"] = message.caption
        if message.caption_entities:
            obj["caption_entities"] = message.caption_entities
    if message.document is not None:
        obj["document"] = document_json(message.document)
    if message.photo is not None:
        obj["photo"] = photo_json(message.photo)
    if message.reply_to_message_id is not None and with_reply and chat is not None:
        replied = chat.messages.get(message.reply_to_message_id)
        if replied is not None and not replied.deleted:
            obj["reply_to_message"] = message_json(state, replied, with_reply=False)
    if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
        obj["reply_markup"] = message.reply_markup
    if message.edit_date is not None:
        obj["edit_date"] = message.edit_date
    return obj


def chat_instance(chat_id: int) -> str:
    """A stable opaque id per chat, like Telegram's chat_instance."""
    return str(int(hashlib.sha256(str(chat_id).encode()).hexdigest()[:15], 16))


def callback_query_json(
    state: SandboxState, record: CallbackRecord, message: StoredMessage
) -> dict[str, Any]:
    return {
        "id": record.id,
        "from": sender_json(state, record.user_id, from_bot=False),
        "message": message_json(state, message),
        "chat_instance": chat_instance(record.chat_id),
        "data": record.data,
    }


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)

_MEMBER_PERMISSIONS = (
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
)


def chat_member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember of the right subtype, with every field PTB requires for it."""
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "restricted":
        member.update({"is_member": True, "until_date": 0})
        member.update(dict.fromkeys(_MEMBER_PERMISSIONS, False))
    elif status == "kicked":
        member["until_date"] = 0
    return member
