"""Check Bot API requests and answers against the vendored specification (`bot_api.json`,
see README.md here) and Telegram's documented limits.

A request: the method exists, every required parameter is there, none is unknown, each
value has one of the parameter's types (python-telegram-bot sends forms, so a non-string
value arrives JSON-encoded), and the limits hold (text 1–4096 characters after entity
parsing, caption ≤ 1024, callback_data 1–64 bytes, inline keyboards ≤ 8 buttons a row and
≤ 100 in all, answerCallbackQuery text ≤ 200, bot commands 1–32 of [a-z0-9_] with 1–256
characters of description, ≤ 100 commands). An answer: the result has one of the method's
return types, objects have their required fields, no field the type does not have, and
each field its type, all the way down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("bot_api.json")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_BYTES = 64
BUTTONS_PER_ROW = 8
BUTTONS_IN_ALL = 100
CALLBACK_ANSWER_LIMIT = 200
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
COMMAND_DESCRIPTION = 256
COMMANDS_IN_ALL = 100

# Python-telegram-bot sends these to every method; they are the HTTP client's, not the API's.
TRANSPORT_PARAMS = frozenset({"api_kwargs"})


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
    data["methods_by_lower"] = {name.lower(): item for name, item in data["methods"].items()}
    return data


def version() -> str:
    return str(spec()["version"])


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Violation:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _decoded(value: Any) -> Any:
    """A form value as JSON, when it is JSON (forms carry non-strings JSON-encoded)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()) is not None


def _is_float(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool) or value in ("true", "false", "True", "False")


def check_value(type_name: str, value: Any, where: str, form: bool) -> list[Violation]:
    """Violations of `value` against one spec type (`form`: strings may carry JSON)."""
    if type_name.startswith("Array of "):
        items = _decoded(value) if form else value
        if not isinstance(items, list):
            return [Violation(where, f"expected {type_name}, got {type(items).__name__}")]
        inner = type_name.removeprefix("Array of ")
        return [
            v
            for i, item in enumerate(items)
            for v in check_value(inner, item, f"{where}[{i}]", False)
        ]
    simple = {
        "Integer": _is_integer
        if form
        else lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Float": _is_float
        if form
        else lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "Boolean": _is_boolean if form else lambda v: isinstance(v, bool),
        "True": (lambda v: v in (True, "true", "True")) if form else lambda v: v is True,
        "String": lambda v: isinstance(v, str),
        "InputFile": lambda v: isinstance(v, str),
    }
    if type_name in simple:
        if simple[type_name](value):
            return []
        return [Violation(where, f"expected {type_name}, got {value!r:.60}")]
    item = spec()["types"].get(type_name)
    if item is None:
        return [Violation(where, f"the specification has no type {type_name}")]
    value = _decoded(value) if form else value
    if "subtypes" in item:
        tries = [check_value(sub, value, where, False) for sub in item["subtypes"]]
        return [] if any(not found for found in tries) else min(tries, key=len)
    if not isinstance(value, dict):
        return [Violation(where, f"expected a {type_name} object, got {value!r:.60}")]
    return check_fields(item.get("fields", []), value, where, form=False, kind=type_name)


def check_fields(
    fields: list[dict[str, Any]], values: dict[str, Any], where: str, form: bool, kind: str
) -> list[Violation]:
    found: list[Violation] = []
    known = {field["name"]: field for field in fields}
    for name in sorted(set(values) - set(known) - TRANSPORT_PARAMS):
        found.append(Violation(where, f"{kind} has no {name!r}"))
    for name, field in known.items():
        value = values.get(name)
        if value is None or (form and value == ""):
            if field["required"]:
                found.append(Violation(where, f"{kind} requires {name!r}"))
            continue
        tries = [check_value(t, value, f"{where}.{name}", form) for t in field["types"]]
        if all(tries):
            found.extend(min(tries, key=len))
    return found


def check_request(
    method: str, values: dict[str, Any], uploads: Iterable[str] = ()
) -> list[Violation]:
    """Violations of one call as the server received it (form or JSON values, file parts)."""
    item = spec()["methods_by_lower"].get(method.lower())
    if item is None:
        return [Violation(method, "no such method in the specification")]
    name = item["name"]
    given = {key: value for key, value in values.items() if value is not None}
    for upload in uploads:
        given.setdefault(upload, "attach")  # a file part stands for an InputFile
    found = check_fields(item.get("fields", []), given, name, form=True, kind=name)
    return found + list(check_limits(name, given))


def _structured(values: dict[str, Any], name: str) -> Any:
    return _decoded(values.get(name))


def check_limits(method: str, values: dict[str, Any]) -> Iterable[Violation]:
    """Telegram's limits that the specification states in words."""
    text = values.get("text")
    if method in ("sendMessage", "editMessageText") and isinstance(text, str):
        length = telegram_length(text)
        if not 1 <= length <= TEXT_LIMIT:
            yield Violation(method, f"text is {length} characters (1–{TEXT_LIMIT})")
    callback_answer = method == "answerCallbackQuery" and isinstance(text, str)
    if callback_answer and telegram_length(text) > CALLBACK_ANSWER_LIMIT:
        yield Violation(method, f"text is over {CALLBACK_ANSWER_LIMIT} characters")
    caption = values.get("caption")
    if isinstance(caption, str) and telegram_length(caption) > CAPTION_LIMIT:
        yield Violation(method, f"caption is over {CAPTION_LIMIT} characters")
    markup = _structured(values, "reply_markup")
    if isinstance(markup, dict) and isinstance(markup.get("inline_keyboard"), list):
        yield from _keyboard_limits(method, markup["inline_keyboard"])
    if method == "setMyCommands":
        yield from _command_limits(method, _structured(values, "commands"))


def _keyboard_limits(method: str, rows: list[Any]) -> Iterable[Violation]:
    buttons = [button for row in rows if isinstance(row, list) for button in row]
    if len(buttons) > BUTTONS_IN_ALL:
        yield Violation(method, f"{len(buttons)} inline buttons (≤ {BUTTONS_IN_ALL})")
    for index, row in enumerate(rows):
        if isinstance(row, list) and len(row) > BUTTONS_PER_ROW:
            yield Violation(method, f"row {index} has {len(row)} buttons (≤ {BUTTONS_PER_ROW})")
    for button in buttons:
        if not isinstance(button, dict):
            continue
        if not button.get("text"):
            yield Violation(method, "an inline button without text")
        data = button.get("callback_data")
        if isinstance(data, str) and not 1 <= len(data.encode()) <= CALLBACK_DATA_BYTES:
            yield Violation(method, f"callback_data {data!r} is {len(data.encode())} bytes (1–64)")


def _command_limits(method: str, commands: Any) -> Iterable[Violation]:
    if not isinstance(commands, list):
        return
    if len(commands) > COMMANDS_IN_ALL:
        yield Violation(method, f"{len(commands)} commands (≤ {COMMANDS_IN_ALL})")
    for command in commands:
        if not isinstance(command, dict):
            continue
        if not COMMAND.match(str(command.get("command", ""))):
            yield Violation(method, f"command {command.get('command')!r} is not 1–32 of a-z0-9_")
        description = str(command.get("description", ""))
        if not 1 <= telegram_length(description) <= COMMAND_DESCRIPTION:
            yield Violation(method, f"description of {command.get('command')!r} is not 1–256")


def check_answer(method: str, result: Any) -> list[Violation]:
    """Violations of a successful call's result against the method's return types."""
    item = spec()["methods_by_lower"].get(method.lower())
    if item is None:
        return [Violation(method, "no such method in the specification")]
    where = f"{item['name']} → result"
    tries = [check_value(t, result, where, False) for t in item["returns"]]
    return [] if any(not found for found in tries) else min(tries, key=len)
