"""Text formatting: entities in users' texts, and parse_mode parsing of bots' texts.

Telegram turns HTML / MarkdownV2 into plain text plus entities and refuses malformed markup
with "can't parse entities"; a bot that escapes badly must fail here as it would in
production. Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from bot.sandbox.errors import ApiError, bad_request

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"]+")

MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _utf16_offset(text: str, index: int) -> int:
    return utf16_len(text[:index])


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients attach to a user's text: commands, mentions, URLs.

    python-telegram-bot's CommandHandler only fires when a bot_command entity sits at
    offset 0, so this is what makes "/start" a command.
    """
    found: list[tuple[int, int, str]] = []
    for kind, pattern in (("bot_command", _COMMAND_RE), ("mention", _MENTION_RE)):
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), kind))
    for match in _URL_RE.finditer(text):
        found.append((match.start(), match.end(), "url"))
    found.sort()
    entities: list[dict[str, Any]] = []
    last_end = -1
    for start, end, kind in found:
        if start < last_end:
            continue  # overlapping matches: the first one wins
        entities.append(
            {
                "type": kind,
                "offset": _utf16_offset(text, start),
                "length": utf16_len(text[start:end]),
            }
        )
        last_end = end
    return entities


_NO_AUTO_INSIDE = frozenset({"text_link", "code", "pre", "url", "text_mention"})


def with_auto_entities(
    text: str, entities: list[dict[str, Any]] | None
) -> list[dict[str, Any]] | None:
    """Add the commands, mentions and URLs Telegram detects in any text, bots' included.

    Detected entities inside links or code are skipped, as Telegram does.
    """
    explicit = entities or []
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in explicit if e["type"] in _NO_AUTO_INSIDE
    ]
    added = [
        found
        for found in detect_entities(text)
        if not any(
            found["offset"] < end and start < found["offset"] + found["length"]
            for start, end in blocked
        )
    ]
    merged = sorted(explicit + added, key=lambda e: (e["offset"], -e["length"]))
    return merged or None


def parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for a bot's text, or the 400 Telegram would answer."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _HtmlToEntities(text).run()
    if mode == "markdownv2":
        return _MarkdownParser(text, v2=True).run()
    if mode == "markdown":
        return _MarkdownParser(text, v2=False).run()
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


class _Builder:
    """Collects output text and entities while tracking UTF-16 positions."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.position = 0
        self.entities: list[dict[str, Any]] = []

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.position += utf16_len(chunk)

    def add(self, kind: str, start: int, **extra: Any) -> None:
        length = self.position - start
        if length > 0:
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}


class _HtmlToEntities(HTMLParser):
    """Telegram's HTML subset; any other tag is an error, like the real server."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = text
        self.out = _Builder()
        self.stack: list[tuple[str, int, str, dict[str, Any]]] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        self.feed(self.source)
        self.close()
        if self.stack:
            raise parse_error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"'
            )
        return self.out.result()

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.split("\n")
        index = sum(len(one) + 1 for one in lines[: line - 1]) + column
        return len(self.source[:index].encode("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        kind = _HTML_SIMPLE.get(tag)
        extra: dict[str, Any] = {}
        if tag == "span" and attributes.get("class") == "tg-spoiler":
            kind = "spoiler"
        elif tag == "a":
            href = attributes.get("href", "")
            if not href:
                raise parse_error(f"Can't find href of a tag at byte offset {self._byte_offset()}")
            kind, extra = "text_link", {"url": href}
        elif tag == "tg-emoji":
            kind, extra = "custom_emoji", {"custom_emoji_id": attributes.get("emoji-id", "")}
        elif tag == "blockquote" and "expandable" in attributes:
            kind = "expandable_blockquote"
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre":
            language = attributes.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1][3]["language"] = language
        if kind is None:
            raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self.stack.append((tag, self.out.position, kind, extra))

    def handle_endtag(self, tag: str) -> None:
        where = f"at byte offset {self._byte_offset()}"
        if not self.stack:
            raise parse_error(f"Unexpected end tag {where}")
        if self.stack[-1][0] != tag:
            expected = self.stack[-1][0]
            raise parse_error(
                f'Unmatched end tag {where}, expected "</{expected}>", found "</{tag}>"'
            )
        _, start, kind, extra = self.stack.pop()
        if kind == "code" and self.stack and self.stack[-1][0] == "pre":
            return  # <pre><code class="language-x"> is one pre entity
        self.out.add(kind, start, **extra)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            raise parse_error(f'Unsupported start tag "br" at byte offset {self._byte_offset()}')
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.out.emit(data)


_MD_TOGGLES_V2 = {
    "||": "spoiler",
    "__": "underline",
    "*": "bold",
    "_": "italic",
    "~": "strikethrough",
}
_MD_TOGGLES_V1 = {"*": "bold", "_": "italic"}


class _MarkdownParser:
    """MarkdownV2 (and legacy Markdown) as documented in the Bot API."""

    def __init__(self, text: str, v2: bool) -> None:
        self.text = text
        self.v2 = v2
        self.out = _Builder()
        self.i = 0
        self.open: list[tuple[str, int, int]] = []  # marker, output start, source index

    def _bytes(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        toggles = _MD_TOGGLES_V2 if self.v2 else _MD_TOGGLES_V1
        quote_start: int | None = None
        while self.i < len(text):
            char = text[self.i]
            at_line_start = self.i == 0 or text[self.i - 1] == "\n"
            if char == "\\" and self.i + 1 < len(text) and (self.v2 or text[self.i + 1] in "_*`["):
                self.out.emit(text[self.i + 1])
                self.i += 2
                continue
            if char == "\n" and quote_start is not None and not text.startswith(">", self.i + 1):
                self.out.add("blockquote", quote_start)
                quote_start = None
            if text.startswith("```", self.i):
                self._pre()
                continue
            if char == "`":
                self._code()
                continue
            if char == "[":
                self.open.append(("[", self.out.position, self.i))
                self.i += 1
                continue
            if char == "]" and self.open and self.open[-1][0] == "[":
                self._link()
                continue
            marker = next((m for m in toggles if text.startswith(m, self.i)), None)
            if marker is not None:
                self._toggle(marker, toggles[marker])
                continue
            if self.v2 and char == ">" and at_line_start:
                if quote_start is None:
                    quote_start = self.out.position
                self.i += 1
                continue
            if self.v2 and char in MARKDOWN_V2_RESERVED:
                raise parse_error(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            self.out.emit(char)
            self.i += 1
        if quote_start is not None:
            self.out.add("blockquote", quote_start)
        if self.open:
            marker, _, source_index = self.open[-1]
            raise parse_error(
                f"Can't find end of the entity starting at byte offset {self._bytes(source_index)}"
            )
        return self.out.result()

    def _toggle(self, marker: str, kind: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == marker:
                _, start, _ = self.open.pop(index)
                self.out.add(kind, start)
                break
        else:
            self.open.append((marker, self.out.position, self.i))
        self.i += len(marker)

    def _until(self, closing: str, start: int) -> tuple[str, int]:
        """Read literal text up to `closing` (backslash escapes allowed); return it and end."""
        chunk: list[str] = []
        j = start
        while j < len(self.text):
            if self.text[j] == "\\" and j + 1 < len(self.text) and self.v2:
                chunk.append(self.text[j + 1])
                j += 2
                continue
            if self.text.startswith(closing, j):
                return "".join(chunk), j
            chunk.append(self.text[j])
            j += 1
        raise parse_error(
            f"Can't find end of the entity starting at byte offset {self._bytes(self.i)}"
        )

    def _pre(self) -> None:
        body, end = self._until("```", self.i + 3)
        language = ""
        first_line, newline, rest = body.partition("\n")
        if newline and first_line and " " not in first_line:
            language, body = first_line, rest
        elif newline and not first_line:
            body = rest
        start = self.out.position
        self.out.emit(body)
        if language:
            self.out.add("pre", start, language=language)
        else:
            self.out.add("pre", start)
        self.i = end + 3

    def _code(self) -> None:
        body, end = self._until("`", self.i + 1)
        start = self.out.position
        self.out.emit(body)
        self.out.add("code", start)
        self.i = end + 1

    def _link(self) -> None:
        _, start, _ = self.open.pop()
        if not self.text.startswith("(", self.i + 1):
            if self.v2:
                raise parse_error(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            self.out.emit("]")
            self.i += 1
            return
        url, end = self._until(")", self.i + 2)
        self.out.add("text_link", start, url=url)
        self.i = end + 1
