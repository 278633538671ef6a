"""The control API under /_sandbox/: how tests, scripts and the web page play the humans.

Plain JSON in and out (not wrapped in {"ok": ...}); errors are {"error": "..."} with 400 (bad
input), 403 (not allowed, e.g. not a member), 404 (unknown), 408 (wait timed out) or 409
(conflict). Endpoints that produce updates take an optional `bot_id`; without it the first bot
that called the Bot API is the target, and before any bot has connected the updates wait in a
lobby that the first bot to connect receives. Details and JSON shapes: README.md.

POST /_sandbox/users          {first_name, last_name?, username?, language_code?, id?} -> User
                              (ids from 10001 up)
GET  /_sandbox/users          -> [User]
POST /_sandbox/chats          {type: "group"|"supergroup", title, member_ids, id?, username?,
                              creator_id?, admin_ids?, bot_member?=true, announce?=false}
                              -> chat view (groups -500001..., supergroups -1000000000001...)
GET  /_sandbox/chats          -> [chat view: Chat + members + bot_status]
POST /_sandbox/send           {user_id, text, chat_id?, reply_to_message_id?} -> {update_id,
                              message}; "/cmd" and "/cmd@bot" get a bot_command entity
POST /_sandbox/edit           {user_id, message_id, text, chat_id?} -> {update_id, message}
POST /_sandbox/press          {user_id, message_id, data, chat_id?, check_buttons?=false}
                              -> {update_id, callback_query_id}
POST /_sandbox/upload         multipart {user_id, kind=document|photo, file, chat_id?,
                              caption?, reply_to_message_id?, file_name?} -> {update_id, message}
POST /_sandbox/member_update  {chat_id, user_id|"bot", new_status, from_user_id?}
                              -> {update_id}  (my_chat_member for the bot, else chat_member)
GET  /_sandbox/chats/{chat_id}/messages?after=&include_user=&bot_id=  -> [history entry]
GET  /_sandbox/wait?chat_id=&count=1&after=0&timeout=10&kinds=&include_user=
                              -> [history entry] once `count` exist, else 408 {error, messages}
GET  /_sandbox/callback_answers?after=   -> [answered callback queries]
GET  /_sandbox/files/{file_id}?inline=   -> the file's bytes
GET  /_sandbox/commands?bot_id=          -> [{bot_id, scope, language_code, commands}]
GET  /_sandbox/bots                      -> [{id, username, webhook_url, pending_updates, ...}]
GET  /_sandbox/updates?bot_id=           -> pending (unconfirmed) updates
GET  /_sandbox/stats                     -> {sent_messages, per_method, answered_429,
                                             answered_5xx, faults_injected, updates_pending, ...}
POST /_sandbox/reset                     -> {ok: true}: forget the world, keep bots attached
GET|POST /_sandbox/limits                partial Limits JSON -> all limits
GET|POST /_sandbox/faults                partial FaultConfig JSON ({"clear": true}) -> all knobs
GET|POST /_sandbox/privacy               {enabled?, bot_id?} -> {bot_id, enabled}: group privacy
GET|POST /_sandbox/callback_timeout      {seconds?} -> {seconds}: callback queries expire after
POST /_sandbox/expire_callback           {callback_query_id} -> {ok: true}: too old from now on
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from bot.sandbox import simulate
from bot.sandbox.errors import ControlError
from bot.sandbox.faults import FaultInjector
from bot.sandbox.limits import RateLimiter
from bot.sandbox.serialization import chat_json, user_json
from bot.sandbox.state import PRIVATE, SUPERGROUP, BotState, SandboxState, SimChat

ControlHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _int(source: dict[str, Any] | Any, name: str, required: bool = False) -> int | None:
    value = source.get(name)
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _required_int(source: dict[str, Any] | Any, name: str) -> int:
    value = _int(source, name, required=True)
    assert value is not None
    return value


def _str(source: dict[str, Any] | Any, name: str, required: bool = False) -> str | None:
    value = source.get(name)
    if value is None or value == "":
        if required:
            raise ControlError(400, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ControlError(400, f"{name} must be a string")
    return value


def _flag(source: dict[str, Any] | Any, name: str, default: bool = False) -> bool:
    value = source.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


def chat_view(chat: SimChat, state: SandboxState) -> dict[str, Any]:
    """A chat as the control API lists it: Bot API fields plus members and bot status."""
    return {
        **chat_json(chat),
        "members": [
            {"user_id": uid, "status": status} for uid, status in sorted(chat.members.items())
        ],
        "bot_status": {str(bot_id): chat.status_of_bot(bot_id) for bot_id in sorted(state.bots)},
        "default_bot_status": chat.default_bot_status,
    }


def bot_view(bot: BotState) -> dict[str, Any]:
    return {
        "id": bot.id,
        "username": bot.username,
        "first_name": bot.first_name,
        "webhook_url": bot.webhook.url if bot.webhook else None,
        "pending_updates": len(bot.updates),
        "last_seen": bot.last_seen,
    }


class ControlApi:
    """Route handlers for /_sandbox/; holds the pieces of the server it drives."""

    def __init__(
        self,
        state: SandboxState,
        limiter: RateLimiter,
        faults: FaultInjector,
        reset: Callable[[], None],
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.faults = faults
        self._reset = reset

    def routes(self) -> list[web.RouteDef]:
        wrap = self._wrap
        return [
            web.get("/_sandbox/users", wrap(self.list_users)),
            web.post("/_sandbox/users", wrap(self.create_user)),
            web.get("/_sandbox/chats", wrap(self.list_chats)),
            web.post("/_sandbox/chats", wrap(self.create_chat)),
            web.get("/_sandbox/chats/{chat_id}/messages", wrap(self.chat_messages)),
            web.post("/_sandbox/send", wrap(self.send)),
            web.post("/_sandbox/edit", wrap(self.edit)),
            web.post("/_sandbox/press", wrap(self.press)),
            web.post("/_sandbox/upload", wrap(self.upload)),
            web.post("/_sandbox/member_update", wrap(self.member_update)),
            web.get("/_sandbox/callback_answers", wrap(self.callback_answers)),
            web.get("/_sandbox/wait", wrap(self.wait)),
            web.get("/_sandbox/stats", wrap(self.stats)),
            web.post("/_sandbox/reset", wrap(self.reset)),
            web.get("/_sandbox/limits", wrap(self.get_limits)),
            web.post("/_sandbox/limits", wrap(self.set_limits)),
            web.get("/_sandbox/faults", wrap(self.get_faults)),
            web.post("/_sandbox/faults", wrap(self.set_faults)),
            web.get("/_sandbox/commands", wrap(self.commands)),
            web.get("/_sandbox/bots", wrap(self.bots)),
            web.get("/_sandbox/updates", wrap(self.updates)),
            web.get("/_sandbox/files/{file_id}", wrap(self.download)),
            web.get("/_sandbox/privacy", wrap(self.privacy)),
            web.post("/_sandbox/privacy", wrap(self.privacy)),
            web.get("/_sandbox/callback_timeout", wrap(self.callback_timeout)),
            web.post("/_sandbox/callback_timeout", wrap(self.callback_timeout)),
            web.post("/_sandbox/expire_callback", wrap(self.expire_callback)),
        ]

    @staticmethod
    def _wrap(handler: ControlHandler) -> ControlHandler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except ControlError as error:
                return _json({"error": error.message}, status=error.status)

        return wrapped

    def _bot(self, source: dict[str, Any] | Any) -> BotState | None:
        return self.state.resolve_bot(_int(source, "bot_id"))

    # ---- people and chats -----------------------------------------------------------------
    async def list_users(self, request: web.Request) -> web.Response:
        return _json([user_json(u) for u in self.state.users.values()])

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.state.add_user(
            first_name=_str(body, "first_name", required=True) or "",
            last_name=_str(body, "last_name"),
            username=_str(body, "username"),
            language_code=_str(body, "language_code"),
            user_id=_int(body, "id"),
        )
        return _json(user_json(user), status=201)

    async def list_chats(self, request: web.Request) -> web.Response:
        return _json([chat_view(c, self.state) for c in self.state.chats.values()])

    async def create_chat(self, request: web.Request) -> web.Response:
        body = await _body(request)
        member_ids = body.get("member_ids", [])
        admin_ids = body.get("admin_ids", [])
        if not isinstance(member_ids, list) or not isinstance(admin_ids, list):
            raise ControlError(400, "member_ids and admin_ids must be lists of user ids")
        try:
            members = [int(uid) for uid in member_ids]
            admins = [int(uid) for uid in admin_ids]
        except (TypeError, ValueError):
            raise ControlError(400, "member_ids and admin_ids must be lists of user ids") from None
        chat = self.state.add_group(
            chat_type=_str(body, "type") or "group",
            title=_str(body, "title", required=True) or "",
            member_ids=members,
            chat_id=_int(body, "id"),
            username=_str(body, "username"),
            creator_id=_int(body, "creator_id"),
            admin_ids=admins,
            bot_member=_flag(body, "bot_member", default=True),
        )
        view = chat_view(chat, self.state)
        if _flag(body, "announce") and chat.default_bot_status == "member":
            bot = self._bot(body)
            if bot is None:
                raise ControlError(409, "announce needs a bot that has connected")
            chat.bot_status[bot.id] = "left"
            view["update_id"] = simulate.member_update(
                self.state, bot, chat.id, "bot", chat.default_bot_status, _int(body, "creator_id")
            )
        return _json(view, status=201)

    # ---- what users do -----------------------------------------------------------------------
    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        update_id, message = simulate.send_text(
            self.state,
            self._bot(body),
            _required_int(body, "user_id"),
            _str(body, "text", required=True) or "",
            chat_id=_int(body, "chat_id"),
            reply_to_message_id=_int(body, "reply_to_message_id"),
        )
        return _json({"update_id": update_id, "message": message})

    async def edit(self, request: web.Request) -> web.Response:
        body = await _body(request)
        update_id, message = simulate.edit_text(
            self.state,
            self._bot(body),
            _required_int(body, "user_id"),
            _required_int(body, "message_id"),
            _str(body, "text", required=True) or "",
            chat_id=_int(body, "chat_id"),
        )
        return _json({"update_id": update_id, "message": message})

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        data = body.get("data")
        if not isinstance(data, str):
            raise ControlError(400, "data is required (a string)")
        update_id, query_id = simulate.press(
            self.state,
            self._bot(body),
            _required_int(body, "user_id"),
            _required_int(body, "message_id"),
            data,
            chat_id=_int(body, "chat_id"),
            check_buttons=_flag(body, "check_buttons"),
        )
        return _json({"update_id": update_id, "callback_query_id": query_id})

    async def privacy(self, request: web.Request) -> web.Response:
        """A bot's group privacy mode (BotFather's /setprivacy); before any bot connected,
        the mode bots start with."""
        body = await _body(request) if request.method == "POST" else dict(request.query)
        bot = self._bot(body)
        if "enabled" in body:
            enabled = _flag(body, "enabled")
            if bot is None:
                self.state.privacy = enabled
            else:
                bot.privacy = enabled
        privacy = self.state.privacy if bot is None else bot.privacy
        return _json({"bot_id": bot.id if bot else None, "enabled": privacy})

    async def callback_timeout(self, request: web.Request) -> web.Response:
        """How many seconds a callback query can be answered after the press."""
        body = await _body(request) if request.method == "POST" else {}
        if "seconds" in body:
            seconds = body["seconds"]
            if not isinstance(seconds, int | float) or seconds < 0:
                raise ControlError(400, "seconds must be a number >= 0")
            self.state.callback_timeout = float(seconds)
        return _json({"seconds": self.state.callback_timeout})

    async def expire_callback(self, request: web.Request) -> web.Response:
        """Make one callback query too old to answer, as if the bot had been slow."""
        body = await _body(request)
        query_id = _str(body, "callback_query_id", required=True)
        record = self.state.callbacks.get(query_id or "")
        if record is None:
            raise ControlError(404, f"unknown callback query {query_id}")
        record.expired = True
        return _json({"ok": True})

    async def upload(self, request: web.Request) -> web.Response:
        if request.content_type != "multipart/form-data":
            raise ControlError(400, "upload needs multipart/form-data")
        fields: dict[str, str] = {}
        file_part: tuple[bytes, str | None, str | None] | None = None
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.name == "file":
                data = bytes(await part.read(decode=True))
                file_part = (data, part.filename, part.headers.get("Content-Type"))
            else:
                fields[part.name] = await part.text()
        if file_part is None:
            raise ControlError(400, "a file part named 'file' is required")
        data, file_name, content_type = file_part
        update_id, message = simulate.upload(
            self.state,
            self._bot(fields),
            _required_int(fields, "user_id"),
            fields.get("kind") or "document",
            data,
            fields.get("file_name") or file_name,
            content_type,
            chat_id=_int(fields, "chat_id"),
            caption=fields.get("caption") or None,
            reply_to_message_id=_int(fields, "reply_to_message_id"),
        )
        return _json({"update_id": update_id, "message": message})

    async def member_update(self, request: web.Request) -> web.Response:
        body = await _body(request)
        raw_user = body.get("user_id")
        user_id: int | str = raw_user if raw_user == "bot" else _required_int(body, "user_id")
        update_id = simulate.member_update(
            self.state,
            self._bot(body),
            _required_int(body, "chat_id"),
            user_id,
            _str(body, "new_status", required=True) or "",
            from_user_id=_int(body, "from_user_id"),
        )
        return _json({"update_id": update_id})

    # ---- what the bot did ----------------------------------------------------------------------
    async def chat_messages(self, request: web.Request) -> web.Response:
        chat_id = _required_int(request.match_info, "chat_id")
        entries = self.state.chat_log(
            chat_id,
            after=_int(request.query, "after") or 0,
            include_user=_flag(request.query, "include_user"),
            bot_id=_int(request.query, "bot_id"),
        )
        return _json([e.to_json() for e in entries])

    async def callback_answers(self, request: web.Request) -> web.Response:
        after = _int(request.query, "after") or 0
        return _json([a for a in self.state.callback_answers if a["seq"] > after])

    async def wait(self, request: web.Request) -> web.Response:
        """Long-poll until a chat has `count` entries after `after`.

        Counts bot-side entries only, unless include_user; `kinds` narrows further.
        """
        query = request.query
        chat_id = _required_int(query, "chat_id")
        count = _int(query, "count") or 1
        after = _int(query, "after") or 0
        try:
            timeout = float(query.get("timeout", "10"))
        except ValueError:
            raise ControlError(400, "timeout must be a number of seconds") from None
        kinds = {k for k in (query.get("kinds") or "").split(",") if k}
        include_user = _flag(query, "include_user")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(timeout, 0.0), 300.0)
        while True:
            entries = [
                e
                for e in self.state.chat_log(chat_id, after=after, include_user=include_user)
                if not kinds or e.kind in kinds
            ]
            if len(entries) >= count:
                return _json([e.to_json() for e in entries])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return _json(
                    {
                        "error": f"timed out waiting for {count} bot messages in chat {chat_id}",
                        "messages": [e.to_json() for e in entries],
                    },
                    status=408,
                )
            await self.state.log_changed.wait(remaining)

    async def commands(self, request: web.Request) -> web.Response:
        wanted = _int(request.query, "bot_id")
        result = []
        for bot in self.state.bots.values():
            if wanted is not None and bot.id != wanted:
                continue
            for (scope, language), commands in bot.commands.items():
                result.append(
                    {
                        "bot_id": bot.id,
                        "scope": json.loads(scope),
                        "language_code": language,
                        "commands": commands,
                    }
                )
        return _json(result)

    async def bots(self, request: web.Request) -> web.Response:
        return _json([bot_view(b) for b in self.state.bots.values()])

    async def updates(self, request: web.Request) -> web.Response:
        """Pending (unconfirmed) updates, for debugging a bot that does not react."""
        bot = self._bot(request.query)
        if bot is None:
            return _json([payload for _, payload in self.state.lobby])
        return _json([u.payload for u in bot.updates])

    async def download(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "unknown file_id")
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        disposition = "inline" if _flag(request.query, "inline") else "attachment"
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type or "application/octet-stream",
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}"
            },
        )

    # ---- knobs -----------------------------------------------------------------------------
    async def stats(self, request: web.Request) -> web.Response:
        state = self.state
        stats = state.stats
        pending = sum(len(b.updates) for b in state.bots.values()) + len(state.lobby)
        return _json(
            {
                "sent_messages": stats.sent_messages,
                "per_method": dict(stats.per_method),
                "answered_429": stats.answered_429,
                "answered_5xx": stats.answered_5xx,
                "faults_injected": dict(stats.faults_injected),
                "updates_pending": pending,
                "updates_total": stats.updates_total,
                "webhook_deliveries": stats.webhook_deliveries,
                "webhook_failures": stats.webhook_failures,
                "users": len(state.users),
                "chats": len(state.chats),
                "files": len(state.files),
                "bots": [bot_view(b) for b in state.bots.values()],
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        self._reset()
        return _json({"ok": True})

    async def get_limits(self, request: web.Request) -> web.Response:
        return _json(self.limiter.limits.to_json())

    async def set_limits(self, request: web.Request) -> web.Response:
        self.limiter.limits = self.limiter.limits.updated(await _body(request))
        return _json(self.limiter.limits.to_json())

    async def get_faults(self, request: web.Request) -> web.Response:
        return _json(self.faults.config.to_json())

    async def set_faults(self, request: web.Request) -> web.Response:
        config = self.faults.update(await _body(request))
        for old_id, new_id in config.migrated_chats.items():
            self._create_migration_target(old_id, new_id)
        return _json(config.to_json())

    def _create_migration_target(self, old_id: int, new_id: int) -> None:
        """A migrated group's supergroup exists, with the same title and members."""
        if new_id in self.state.chats:
            return
        old = self.state.chats.get(old_id)
        self.state.chats[new_id] = SimChat(
            id=new_id,
            type=SUPERGROUP,
            title=old.title if old else f"Supergroup {new_id}",
            members=dict(old.members) if old else {},
            bot_status=dict(old.bot_status) if old else {},
            default_bot_status=old.default_bot_status if old and old.type != PRIVATE else "member",
        )
