"""The Bot API methods the sandbox implements, one small function each.

Each handler gets a `Call` and returns the `result` value; errors are raised as `ApiError`.
Handlers of message-sending methods never await, so the rate limiter's check, the handler
and the limiter's record run without interleaving with other requests.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.sandbox.errors import ApiError, bad_request, forbidden
from bot.sandbox.markup import parse_formatted, with_auto_entities
from bot.sandbox.media import guess_mime, image_mime, image_size
from bot.sandbox.params import Params, Upload
from bot.sandbox.serialization import (
    bot_user_json,
    chat_full_info_json,
    chat_member_json,
    file_entry,
    file_json,
    get_me_json,
    message_json,
    user_json,
)
from bot.sandbox.state import (
    PRESENT_STATUSES,
    PRIVATE,
    SUPERGROUP,
    BotState,
    SandboxState,
    SimChat,
    StoredFile,
    StoredMessage,
    WebhookConfig,
    update_allowed,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookControl(Protocol):
    """What setWebhook/deleteWebhook need from the webhook delivery machinery."""

    def start(self, bot: BotState) -> None: ...

    def stop(self, bot: BotState) -> None: ...


@dataclass
class Call:
    """One Bot API request, with everything a handler may touch."""

    state: SandboxState
    bot: BotState
    params: Params
    webhooks: WebhookControl
    stopping: asyncio.Event


Handler = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler; Telegram matches method names case-insensitively."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    return METHODS.get(name.lower())


# ---- shared checks ---------------------------------------------------------------------
def target_chat(call: Call, name: str = "chat_id") -> SimChat:
    """The chat a call addresses, refusing chats the bot may not write to, like Telegram."""
    state, bot = call.state, call.bot
    chat = state.find_chat(call.params.chat_ref(name))
    status = chat.status_of_bot(bot.id)
    if chat.type == PRIVATE:
        if status == "kicked":
            raise forbidden("bot was blocked by the user")
        if status == "left":
            raise forbidden("bot can't initiate conversation with a user")
    else:
        kind = "supergroup" if chat.type == SUPERGROUP else "group"
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if status == "left":
            raise forbidden(f"bot is not a member of the {kind} chat")
    return chat


def formatted_text(
    params: Params, text: str, mode_name: str, entities_name: str
) -> tuple[str, list[dict[str, Any]] | None]:
    """Plain text and entities from either parse_mode or an explicit entities list."""
    parse_mode = params.text(mode_name)
    if parse_mode:
        plain, entities = parse_formatted(text, parse_mode)
        return plain, with_auto_entities(plain, entities)
    explicit = params.structured(entities_name)
    if explicit is not None and not isinstance(explicit, list):
        raise bad_request(f"can't parse {entities_name} JSON object")
    return text, with_auto_entities(text, explicit)


def checked_reply_markup(params: Params) -> dict[str, Any] | None:
    """reply_markup as Telegram validates it (callback_data is 1-64 bytes, etc.)."""
    markup = params.structured("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        if sum(len(row) for row in rows) > 100:
            raise bad_request("REPLY_MARKUP_TOO_LONG")
        for row in rows:
            for button in row:
                _check_button(button)
        return markup
    if {"keyboard", "remove_keyboard", "force_reply"} & set(markup):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    if not BUTTON_ACTIONS & set(button):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def reply_target(params: Params, chat: SimChat) -> int | None:
    """The message being replied to, from reply_parameters or legacy reply_to_message_id."""
    wanted: Any = None
    allow_missing = params.flag("allow_sending_without_reply")
    reply_parameters = params.structured("reply_parameters")
    if reply_parameters is not None:
        if not isinstance(reply_parameters, dict):
            raise bad_request("can't parse reply parameters JSON object")
        wanted = reply_parameters.get("message_id")
        allow_missing = bool(reply_parameters.get("allow_sending_without_reply", allow_missing))
        other_chat = reply_parameters.get("chat_id")
        if other_chat not in (None, chat.id, str(chat.id)):
            wanted = None if allow_missing else -1
    elif "reply_to_message_id" in params:
        wanted = params.integer("reply_to_message_id")
    if wanted is None:
        return None
    try:
        message_id = int(wanted)
    except (TypeError, ValueError):
        raise bad_request("wrong parameter message_id in reply_parameters") from None
    target = chat.messages.get(message_id)
    if target is None or target.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def own_message(call: Call, chat: SimChat, missing: str) -> StoredMessage:
    message = chat.messages.get(call.params.required_int("message_id"))
    if message is None or message.deleted:
        raise bad_request(missing)
    if not message.from_bot or message.sender_id != call.bot.id:
        raise bad_request("message can't be edited")
    return message


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def log_bot_message(call: Call, kind: str, message: StoredMessage, raw: str | None) -> None:
    """Append a bot message (or its edit) to the chat history the control API shows."""
    call.state.append_log(
        kind,
        message.chat_id,
        call.bot.id,
        message_id=message.message_id,
        text=raw if message.text is not None else None,
        plain_text=message.text if message.text is not None else message.caption,
        entities=message.entities if message.text is not None else message.caption_entities,
        parse_mode=message.parse_mode,
        caption=raw if message.caption is not None else None,
        reply_markup=message.reply_markup,
        reply_to_message_id=message.reply_to_message_id,
        document=file_entry(message.document) if message.document else None,
        photo=file_entry(message.photo) if message.photo else None,
        edited=kind == "edit",
    )


# ---- identity ----------------------------------------------------------------------------
@method("getMe")
async def get_me(call: Call) -> Any:
    return get_me_json(call.bot)


@method("logOut")
async def log_out(call: Call) -> Any:
    return True


@method("close")
async def close(call: Call) -> Any:
    return True


# ---- updates -----------------------------------------------------------------------------
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@method("getUpdates")
async def get_updates(call: Call) -> Any:
    """Long polling: confirm by offset, then wait up to `timeout` for the first update."""
    bot, params = call.bot, call.params
    if bot.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = params.integer("offset")
    limit = min(100, max(1, params.integer("limit", 100) or 100))
    timeout = max(0.0, params.number("timeout", 0.0) or 0.0)
    allowed = params.structured("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(kind) for kind in allowed]
    if offset is not None:
        if offset < 0:
            bot.updates = bot.updates[offset:]
        else:
            bot.drop_confirmed(offset)
    bot.poll_generation += 1
    generation = bot.poll_generation
    bot.arrived.notify()  # an older poll still waiting must now end with 409
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != bot.poll_generation:
            raise ApiError(409, POLL_CONFLICT)
        if bot.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        ready = [u for u in bot.updates if update_allowed(u.kind, bot.allowed_updates)]
        if ready:
            return [u.payload for u in ready[:limit]]
        remaining = deadline - loop.time()
        if remaining <= 0 or call.stopping.is_set():
            return []
        await bot.arrived.wait(remaining)


@method("setWebhook")
async def set_webhook(call: Call) -> Any:
    bot, params = call.bot, call.params
    url = params.text("url") or ""
    if not url:
        return await delete_webhook(call)
    if not re.match(r"^https?://[^\s/]+", url):
        raise bad_request("bad webhook: invalid webhook URL specified")
    secret = params.text("secret_token")
    if secret is not None and secret != "" and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.flag("drop_pending_updates"):
        bot.updates.clear()
    allowed = params.structured("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(kind) for kind in allowed]
    bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret or None,
        max_connections=params.integer("max_connections", 40) or 40,
        allowed_updates=bot.allowed_updates,
    )
    call.webhooks.start(bot)
    bot.arrived.notify()  # a running getUpdates must now answer 409
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Any:
    bot = call.bot
    bot.webhook = None
    call.webhooks.stop(bot)
    if call.params.flag("drop_pending_updates"):
        bot.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> Any:
    bot = call.bot
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        if bot.webhook.allowed_updates:
            info["allowed_updates"] = bot.webhook.allowed_updates
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
    return info


# ---- messages ----------------------------------------------------------------------------
@method("sendMessage")
async def send_message(call: Call) -> Any:
    params = call.params
    chat = target_chat(call)
    raw = params.text("text") or ""
    if not raw:
        raise bad_request("message text is empty")
    plain, entities = formatted_text(params, raw, "parse_mode", "entities")
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    markup = checked_reply_markup(params)
    reply_to = reply_target(params, chat)
    message = call.state.new_message(
        chat,
        sender_id=call.bot.id,
        from_bot=True,
        bot_id=call.bot.id,
        text=plain,
        entities=entities,
        parse_mode=params.text("parse_mode"),
        reply_markup=markup,
        reply_to_message_id=reply_to,
    )
    call.state.stats.sent_messages += 1
    log_bot_message(call, "message", message, raw)
    return message_json(call.state, message)


def _caption(params: Params) -> tuple[str | None, list[dict[str, Any]] | None, str | None]:
    raw = params.text("caption")
    if not raw:
        return None, None, None
    plain, entities = formatted_text(params, raw, "parse_mode", "caption_entities")
    if len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain, entities, raw


def _incoming_file(call: Call, field: str, kind: str) -> StoredFile:
    """A new upload, or an existing file_id re-sent (which keeps its file_id)."""
    value = call.params.file(field)
    if value is None:
        raise bad_request(f"there is no {field} in the request")
    state = call.state
    if isinstance(value, Upload):
        if not value.data:
            raise bad_request("file must be non-empty")
        width = height = 0
        if kind == "photo":
            if len(value.data) > MAX_PHOTO_BYTES:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            size = image_size(value.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
        file_name = value.filename if kind == "document" else None
        if kind == "document":
            mime = guess_mime(value.filename, value.content_type)
        else:
            mime = image_mime(value.data)
        return state.add_file(value.data, kind, file_name, mime, width, height)
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


async def _send_file(call: Call, kind: str) -> Any:
    chat = target_chat(call)
    stored = _incoming_file(call, kind, kind)
    caption, caption_entities, raw = _caption(call.params)
    markup = checked_reply_markup(call.params)
    reply_to = reply_target(call.params, chat)
    message = call.state.new_message(
        chat,
        sender_id=call.bot.id,
        from_bot=True,
        bot_id=call.bot.id,
        caption=caption,
        caption_entities=caption_entities,
        parse_mode=call.params.text("parse_mode"),
        reply_markup=markup,
        reply_to_message_id=reply_to,
        **{kind: stored},
    )
    call.state.stats.sent_messages += 1
    log_bot_message(call, "message", message, raw)
    return message_json(call.state, message)


@method("sendDocument")
async def send_document(call: Call) -> Any:
    return await _send_file(call, "document")


@method("sendPhoto")
async def send_photo(call: Call) -> Any:
    return await _send_file(call, "photo")


@method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    params = call.params
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(call)
    message = own_message(call, chat, "message to edit not found")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    raw = params.text("text") or ""
    if not raw:
        raise bad_request("message text is empty")
    plain, entities = formatted_text(params, raw, "parse_mode", "entities")
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    # Like Telegram: an edit without reply_markup removes the inline keyboard.
    markup = inline_only(checked_reply_markup(params))
    if (plain, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = plain, entities, markup
    message.parse_mode = params.text("parse_mode")
    message.edit_date = call.state.now()
    log_bot_message(call, "edit", message, raw)
    return message_json(call.state, message)


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> Any:
    if "inline_message_id" in call.params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(call)
    message = own_message(call, chat, "message to edit not found")
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities, raw = _caption(call.params)
    markup = inline_only(checked_reply_markup(call.params))
    if (caption, entities, markup) == (
        message.caption,
        message.caption_entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_entities, message.reply_markup = caption, entities, markup
    message.edit_date = call.state.now()
    log_bot_message(call, "edit", message, raw)
    return message_json(call.state, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    if "inline_message_id" in call.params:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(call)
    message = own_message(call, chat, "message to edit not found")
    markup = inline_only(checked_reply_markup(call.params))
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    message.edit_date = call.state.now()
    raw = message.text if message.text is not None else message.caption
    log_bot_message(call, "edit", message, raw)
    return message_json(call.state, message)


@method("deleteMessage")
async def delete_message(call: Call) -> Any:
    chat = target_chat(call)
    message = chat.messages.get(call.params.required_int("message_id"))
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    own = message.from_bot and message.sender_id == call.bot.id
    admin = chat.status_of_bot(call.bot.id) in ("administrator", "creator")
    if not own and chat.type != PRIVATE and not admin:
        raise bad_request("message can't be deleted for everyone")
    message.deleted = True
    call.state.append_log(
        "delete", chat.id, call.bot.id, message_id=message.message_id, deleted=True
    )
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> Any:
    params, state = call.params, call.state
    query_id = params.text("callback_query_id") or ""
    record = state.callbacks.get(query_id)
    if (
        record is None
        or record.answered
        or record.bot_id != call.bot.id
        or state.callback_expired(record)
    ):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    show_alert = params.flag("show_alert")
    record.answered = True
    record.answer = {
        "text": text,
        "show_alert": show_alert,
        "url": params.text("url"),
        "cache_time": params.integer("cache_time", 0),
    }
    entry = state.append_log(
        "callback_answer",
        record.chat_id,
        call.bot.id,
        message_id=record.message_id,
        user_id=record.user_id,
        text=text,
        callback_query_id=record.id,
        data=record.data,
        show_alert=show_alert,
    )
    state.callback_answers.append(
        {
            "seq": entry.seq,
            "callback_query_id": record.id,
            "bot_id": record.bot_id,
            "chat_id": record.chat_id,
            "message_id": record.message_id,
            "user_id": record.user_id,
            "data": record.data,
            **record.answer,
        }
    )
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> Any:
    target_chat(call)
    if call.params.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


# ---- files -------------------------------------------------------------------------------
@method("getFile")
async def get_file(call: Call) -> Any:
    stored = call.state.files.get(call.params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return file_json(stored)


# ---- chats -------------------------------------------------------------------------------
@method("getChat")
async def get_chat(call: Call) -> Any:
    return chat_full_info_json(call.state.find_chat(call.params.chat_ref()))


@method("getChatMember")
async def get_chat_member(call: Call) -> Any:
    state, bot = call.state, call.bot
    chat = state.find_chat(call.params.chat_ref())
    user_id = call.params.required_int("user_id")
    if user_id == bot.id:
        return chat_member_json(bot_user_json(bot), chat.status_of_bot(bot.id))
    user = state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return chat_member_json(user_json(user), chat.members.get(user_id, "left"))


@method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> Any:
    state, bot = call.state, call.bot
    chat = state.find_chat(call.params.chat_ref())
    admins = [
        chat_member_json(user_json(state.users[uid]), status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator") and uid in state.users
    ]
    if chat.status_of_bot(bot.id) == "administrator":
        admins.append(chat_member_json(bot_user_json(bot), "administrator"))
    return admins


@method("getChatMemberCount")
async def get_chat_member_count(call: Call) -> Any:
    chat = call.state.find_chat(call.params.chat_ref())
    people = sum(1 for status in chat.members.values() if status in PRESENT_STATUSES)
    bots = 1 if chat.status_of_bot(call.bot.id) in PRESENT_STATUSES else 0
    return people + bots


@method("leaveChat")
async def leave_chat(call: Call) -> Any:
    chat = call.state.find_chat(call.params.chat_ref())
    if chat.type == PRIVATE:
        raise bad_request("chat member status can't be changed in private chats")
    chat.bot_status[call.bot.id] = "left"
    return True


# ---- commands and descriptions -------------------------------------------------------------
def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.structured("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    language = params.text("language_code") or ""
    return json.dumps(scope, sort_keys=True, ensure_ascii=False), language


@method("setMyCommands")
async def set_my_commands(call: Call) -> Any:
    commands = call.params.structured("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    cleaned: list[dict[str, str]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", "")).removeprefix("/")
        description = str(command.get("description", ""))
        if not _COMMAND_NAME_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": name, "description": description})
    call.bot.commands[_scope_key(call.params)] = cleaned
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> Any:
    return call.bot.commands.get(_scope_key(call.params), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> Any:
    call.bot.commands.pop(_scope_key(call.params), None)
    return True


def _set_text(call: Call, field: str, limit: int) -> Any:
    value = call.params.text(field) or ""
    if len(value) > limit:
        raise bad_request(f"{field} is too long")
    key = (field, call.params.text("language_code") or "")
    if value:
        call.bot.texts[key] = value
    else:
        call.bot.texts.pop(key, None)
    return True


def _get_text(call: Call, field: str) -> Any:
    key = (field, call.params.text("language_code") or "")
    fallback = call.bot.texts.get((field, ""), "")
    if field == "name":
        fallback = call.bot.texts.get((field, ""), call.bot.first_name)
    return {field: call.bot.texts.get(key, fallback)}


@method("setMyDescription")
async def set_my_description(call: Call) -> Any:
    return _set_text(call, "description", 512)


@method("getMyDescription")
async def get_my_description(call: Call) -> Any:
    return _get_text(call, "description")


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> Any:
    return _set_text(call, "short_description", 120)


@method("getMyShortDescription")
async def get_my_short_description(call: Call) -> Any:
    return _get_text(call, "short_description")


@method("setMyName")
async def set_my_name(call: Call) -> Any:
    return _set_text(call, "name", 64)


@method("getMyName")
async def get_my_name(call: Call) -> Any:
    return _get_text(call, "name")
