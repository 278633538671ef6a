"""The sandbox's in-memory world: users, chats, messages, files, bots and their updates.

Everything here is plain data plus bookkeeping; HTTP, faults and limits live elsewhere, so
tests can assert directly on `server.state` without going through the wire.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import ControlError, chat_not_found
from bot.sandbox.notify import Notifier
from bot.sandbox.privacy import bot_sees

FIRST_USER_ID = 10001
FIRST_GROUP_NUMBER = 500001  # group ids are -500001, -500002, ...
SUPERGROUP_BASE = 1_000_000_000_000  # supergroup ids are -1000000000001, ...

PRIVATE = "private"  # also privacy.PRIVATE
GROUP = "group"
SUPERGROUP = "supergroup"

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT_STATUSES = ("creator", "administrator", "member", "restricted")

# Telegram does not document how long a callback query can be answered; reports from bot
# authors put it at 10-15 seconds, after which answerCallbackQuery gets "query is too old".
CALLBACK_TIMEOUT = 15.0

# Update kinds Telegram only sends when allowed_updates asks for them explicitly.
OPT_IN_UPDATE_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class SimUser:
    """A simulated human Telegram account."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass
class StoredFile:
    """An uploaded file, kept in memory and downloadable by `file_path`."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str  # "document" | "photo"
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class StoredMessage:
    """One message in a chat, sent by a user or by a bot."""

    chat_id: int
    message_id: int
    date: int
    sender_id: int
    from_bot: bool
    bot_id: int | None  # the bot that sent it, or the bot a user's message was addressed to
    text: str | None = None
    entities: list[dict[str, Any]] | None = None
    parse_mode: str | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False


@dataclass
class SimChat:
    """A private chat (id = the user's id) or a group / supergroup (negative id)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: dict[int, str] = field(default_factory=dict)  # bot id -> status
    default_bot_status: str = "member"
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1

    def status_of_bot(self, bot_id: int) -> str:
        """The bot's membership here; bots not mentioned get the chat's default."""
        return self.bot_status.get(bot_id, self.default_bot_status)


@dataclass
class PendingUpdate:
    """An update waiting to be fetched (getUpdates) or pushed (webhook)."""

    update_id: int
    kind: str
    payload: dict[str, Any]


@dataclass
class WebhookConfig:
    """What setWebhook stored."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackRecord:
    """A callback query a user produced by pressing a button, and its answer."""

    id: str
    bot_id: int
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None
    created: float = 0.0  # the state's monotonic time of the press
    expired: bool = False  # expired by hand (control API), whatever the time


@dataclass
class LogEntry:
    """One line of a chat's history as the control API shows it.

    Bot-side kinds: "message", "edit", "delete", "callback_answer".
    User-side kinds (shown only with include_user): "user_message", "user_edit", "press".
    """

    seq: int
    kind: str
    chat_id: int
    date: int
    bot_id: int | None
    message_id: int | None = None
    user_id: int | None = None
    text: str | None = None
    parse_mode: str | None = None
    plain_text: str | None = None
    entities: list[dict[str, Any]] | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    document: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False
    callback_query_id: str | None = None
    data: str | None = None
    show_alert: bool | None = None

    @property
    def from_bot(self) -> bool:
        return not self.kind.startswith("user_") and self.kind != "press"

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "from_bot": self.from_bot,
            "chat_id": self.chat_id,
            "bot_id": self.bot_id,
            "message_id": self.message_id,
            "user_id": self.user_id,
            "date": self.date,
            "text": self.text,
            "parse_mode": self.parse_mode,
            "plain_text": self.plain_text,
            "entities": self.entities,
            "caption": self.caption,
            "reply_markup": self.reply_markup,
            "reply_to_message_id": self.reply_to_message_id,
            "document": self.document,
            "photo": self.photo,
            "edited": self.edited,
            "deleted": self.deleted,
            "callback_query_id": self.callback_query_id,
            "data": self.data,
            "show_alert": self.show_alert,
        }


class BotState:
    """Everything one bot token owns: its update queue, webhook, commands, descriptions."""

    def __init__(self, bot_id: int, username: str, first_name: str, privacy: bool = True) -> None:
        self.id = bot_id
        self.username = username
        self.first_name = first_name
        self.updates: list[PendingUpdate] = []
        self.next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (description|short_description|name, lang)
        self.arrived = Notifier()
        self.poll_generation = 0
        self.last_seen: float | None = None
        self.token: str | None = None  # signs Mini App launch data (bot/sandbox/web_apps.py)
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # chat id (None: default)
        self.privacy = privacy  # group privacy mode (BotFather /setprivacy), see privacy.py

    def drop_confirmed(self, offset: int) -> None:
        """getUpdates' offset confirms every update with a smaller id."""
        self.updates = [u for u in self.updates if u.update_id >= offset]

    def clear_data(self) -> None:
        """Forget queued updates, commands and texts; keep identity, counters, webhook."""
        self.updates.clear()
        self.commands.clear()
        self.texts.clear()
        self.menu_buttons.clear()
        self.arrived.notify()


@dataclass
class Stats:
    """Counters the control API reports at /_sandbox/stats."""

    sent_messages: int = 0
    per_method: Counter[str] = field(default_factory=Counter)
    answered_429: int = 0
    answered_5xx: int = 0
    faults_injected: Counter[str] = field(default_factory=Counter)
    updates_total: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0


def update_allowed(kind: str, allowed: list[str] | None) -> bool:
    """Telegram's allowed_updates rule: empty means all but chat_member (and reactions)."""
    if not allowed:
        return kind not in OPT_IN_UPDATE_KINDS
    return kind in allowed


class SandboxState:
    """The whole simulated Telegram, shared by the Bot API and the control API."""

    def __init__(
        self,
        clock: Callable[[], float],
        bot_username: str,
        bot_first_name: str,
        strict_private_chats: bool = False,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        privacy: bool = True,
        callback_timeout: float = CALLBACK_TIMEOUT,
    ) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self.strict_private_chats = strict_private_chats
        self.privacy = privacy  # privacy mode of bots when they first connect
        self.callback_timeout = callback_timeout
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.bots: dict[int, BotState] = {}
        self.log_changed = Notifier()
        self._seq = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._callback_numbers = itertools.count(1)
        self._init_world()

    def _init_world(self) -> None:
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.log: list[LogEntry] = []
        self.callbacks: dict[str, CallbackRecord] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.lobby: list[tuple[str, dict[str, Any]]] = []
        self.stats = Stats()
        self._next_user_id = FIRST_USER_ID
        self._next_group_number = FIRST_GROUP_NUMBER

    def now(self) -> int:
        """Unix time for message dates, from the injected clock."""
        return int(self.clock())

    def reset(self) -> None:
        """Forget the world but keep bots attached, and keep update ids and seqs growing.

        Running pollers keep their offsets valid and a page polling with `after=` keeps working.
        """
        self._init_world()
        for bot in self.bots.values():
            bot.clear_data()
        self.log_changed.notify()

    # ---- bots -------------------------------------------------------------------------
    def bot_for_token(self, token: str) -> BotState:
        """The bot a token belongs to, created on first use (any token is accepted)."""
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None:
            bot = BotState(bot_id, self.bot_username, self.bot_first_name, self.privacy)
            self.bots[bot_id] = bot
            self._drain_lobby(bot)
        bot.token = token
        bot.last_seen = self.clock()
        return bot

    def _drain_lobby(self, bot: BotState) -> None:
        """Updates users produced before any bot connected go to the first bot that does."""
        pending, self.lobby = self.lobby, []
        for kind, obj in pending:
            if kind == "message" and obj.get("chat", {}).get("id") is not None:
                chat = self.chats[obj["chat"]["id"]]
                stored = chat.messages.get(obj["message_id"])
                if stored is not None:
                    stored.bot_id = bot.id
                if not bot_sees(bot, chat, obj):
                    continue
            self.enqueue(bot, kind, obj)

    def resolve_bot(self, bot_id: int | None) -> BotState | None:
        """The bot a control call targets: the given id, else the first bot that connected.

        None means no bot has connected yet; updates then wait in the lobby.
        """
        if bot_id is not None:
            bot = self.bots.get(bot_id)
            if bot is None:
                raise ControlError(404, f"unknown bot {bot_id}: it has not called the API yet")
            return bot
        return next(iter(self.bots.values()), None)

    def enqueue(self, bot: BotState | None, kind: str, obj: dict[str, Any]) -> int | None:
        """Queue an update for the bot (or the lobby); returns its update_id."""
        if bot is None:
            self.lobby.append((kind, obj))
            return None
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.updates.append(PendingUpdate(update_id, kind, {"update_id": update_id, kind: obj}))
        self.stats.updates_total += 1
        bot.arrived.notify()
        return update_id

    # ---- users and chats ----------------------------------------------------------------
    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> SimUser:
        """Create a simulated person; ids count up from 10001 unless given."""
        if user_id is None:
            while self._next_user_id in self.users or self._next_user_id in self.bots:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id <= 0:
            raise ControlError(400, "user ids must be positive")
        if user_id in self.users or user_id in self.bots:
            raise ControlError(409, f"user {user_id} already exists")
        user = SimUser(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        return user

    def user(self, user_id: int) -> SimUser:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(404, f"unknown user {user_id}")
        return user

    def private_chat(self, user_id: int) -> SimChat:
        """A user's private chat with the bot, created on first need.

        With strict_private_chats the bot may not write first: the chat starts "left" for
        bots until the user writes (simulate.py sets the bot's status to "member").
        """
        chat = self.chats.get(user_id)
        if chat is None:
            user = self.user(user_id)
            chat = SimChat(
                id=user.id,
                type=PRIVATE,
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                members={user.id: "member"},
                default_bot_status="left" if self.strict_private_chats else "member",
            )
            self.chats[user.id] = chat
        return chat

    def add_group(
        self,
        chat_type: str,
        title: str,
        member_ids: list[int],
        chat_id: int | None = None,
        username: str | None = None,
        creator_id: int | None = None,
        admin_ids: list[int] | None = None,
        bot_member: bool = True,
    ) -> SimChat:
        """Create a group or supergroup; the first member is its creator unless told."""
        if chat_type not in (GROUP, SUPERGROUP):
            raise ControlError(400, 'type must be "group" or "supergroup"')
        for uid in member_ids:
            self.user(uid)
        if chat_id is None:
            while True:
                number = self._next_group_number
                self._next_group_number += 1
                chat_id = -(SUPERGROUP_BASE + number) if chat_type == SUPERGROUP else -number
                if chat_id not in self.chats:
                    break
        if chat_id >= 0:
            raise ControlError(400, "group chat ids must be negative")
        if chat_id in self.chats:
            raise ControlError(409, f"chat {chat_id} already exists")
        members = dict.fromkeys(member_ids, "member")
        creator = creator_id if creator_id is not None else (member_ids[0] if member_ids else None)
        for uid in admin_ids or []:
            members[uid] = "administrator"
        if creator is not None:
            members[creator] = "creator"
        chat = SimChat(
            id=chat_id,
            type=chat_type,
            title=title,
            username=username,
            members=members,
            default_bot_status="member" if bot_member else "left",
        )
        self.chats[chat_id] = chat
        return chat

    def find_chat(self, ref: int | str) -> SimChat:
        """A chat by id (private chats appear once the user exists) or public @username."""
        if isinstance(ref, str):
            name = ref.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.type != PRIVATE and chat.username and chat.username.lower() == name:
                    return chat
            raise chat_not_found()
        chat = self.chats.get(ref)
        if chat is not None:
            return chat
        if ref in self.users:
            return self.private_chat(ref)
        raise chat_not_found()

    # ---- messages, files, log -----------------------------------------------------------
    def new_message(self, chat: SimChat, **fields: Any) -> StoredMessage:
        """Store a message with the chat's next message id and the clock's date."""
        message = StoredMessage(
            chat_id=chat.id, message_id=chat.next_message_id, date=self.now(), **fields
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def add_file(
        self,
        data: bytes,
        kind: str,
        file_name: str | None,
        mime_type: str | None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        """Keep an upload; file_unique_id depends on the content, like Telegram's."""
        number = next(self._file_numbers)
        digest = hashlib.sha256(data).hexdigest()
        prefix = "BQAC" if kind == "document" else "AgAC"
        file_id = f"{prefix}{number:06d}{digest[:24]}"
        unique_id = f"AQAD{digest[:16]}"
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1][:8]
        elif kind == "photo":
            suffix = ".jpg"
        folder = "documents" if kind == "document" else "photos"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            data=data,
            file_path=f"{folder}/file_{number}{suffix}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def append_log(self, kind: str, chat_id: int, bot_id: int | None, **fields: Any) -> LogEntry:
        """Record what happened in a chat and wake /wait and the web page."""
        entry = LogEntry(
            seq=next(self._seq),
            kind=kind,
            chat_id=chat_id,
            bot_id=bot_id,
            date=self.now(),
            **fields,
        )
        self.log.append(entry)
        self.log_changed.notify()
        return entry

    def chat_log(
        self, chat_id: int, after: int = 0, include_user: bool = False, bot_id: int | None = None
    ) -> list[LogEntry]:
        """A chat's history after `after`, bot-side only unless include_user."""
        return [
            e
            for e in self.log
            if e.chat_id == chat_id
            and e.seq > after
            and (include_user or e.from_bot)
            and (bot_id is None or e.bot_id in (bot_id, None))
        ]

    def callback_expired(self, record: CallbackRecord) -> bool:
        """Too old to answer: expired by hand, or pressed more than callback_timeout ago."""
        return record.expired or self.monotonic() - record.created > self.callback_timeout

    def new_callback_id(self) -> str:
        return f"{next(self._callback_numbers)}{int(self.clock() * 1000) % 10**9:09d}"
