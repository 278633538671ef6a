"""Entity detection and parse_mode parsing agree with Telegram's rules and PTB's escaping."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Message, MessageEntity
from telegram.helpers import escape_markdown

from bot.sandbox.errors import ApiError
from bot.sandbox.markup import detect_entities, parse_formatted, utf16_len

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


def slice16(text: str, entity: dict[str, object]) -> str:
    """The entity's text, cut by UTF-16 offsets as clients do."""
    encoded = text.encode("utf-16-le")
    offset, length = int(entity["offset"]), int(entity["length"])  # type: ignore[call-overload]
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le")


def test_commands_mentions_and_urls_are_detected_with_utf16_offsets() -> None:
    text = "😀 /status@dutybot_sandbox_bot 请看 https://example.org/a?b=1 @coordinator /mytasks"
    entities = detect_entities(text)
    assert [(e["type"], slice16(text, e)) for e in entities] == [
        ("bot_command", "/status@dutybot_sandbox_bot"),
        ("url", "https://example.org/a?b=1"),
        ("mention", "@coordinator"),
        ("bot_command", "/mytasks"),
    ]
    assert detect_entities("/start")[0] == {"type": "bot_command", "offset": 0, "length": 6}
    assert detect_entities("a/b and 1/2") == []


@given(st.text(alphabet="abcXYZ_0123456789", min_size=1, max_size=32), texts)
def test_a_leading_command_is_what_ptb_sees_as_a_command(name: str, rest: str) -> None:
    text = f"/{name} {rest}"
    entities = detect_entities(text)
    assert entities[0] == {"type": "bot_command", "offset": 0, "length": len(name) + 1}
    message = Message.de_json(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "text": text,
            "entities": entities,
        },
        None,
    )
    assert message.parse_entity(MessageEntity(**entities[0])) == f"/{name}"


@given(texts)
def test_escaped_markdown_v2_parses_back_to_the_original_text(text: str) -> None:
    plain, entities = parse_formatted(escape_markdown(text, version=2), "MarkdownV2")
    assert plain == text and entities == []


@given(texts)
def test_escaped_html_parses_back_to_the_original_text(text: str) -> None:
    plain, entities = parse_formatted(html.escape(text, quote=False), "HTML")
    assert plain == text
    assert entities == []


@given(texts, texts, texts)
def test_html_bold_covers_exactly_the_wrapped_text(before: str, inner: str, after: str) -> None:
    source = f"{html.escape(before)}<b>{html.escape(inner)}</b>{html.escape(after)}"
    plain, entities = parse_formatted(source, "HTML")
    if inner:
        [bold] = entities
        assert bold["type"] == "bold" and slice16(plain, bold) == inner
        assert bold["offset"] == utf16_len(before)
    else:
        assert entities == []


def test_nested_html_and_links() -> None:
    plain, entities = parse_formatted(
        '<b>逾期 <i>3</i></b> 项，<a href="https://gov.example/t/1">详情</a>', "HTML"
    )
    assert plain == "逾期 3 项，详情"
    assert {(e["type"], slice16(plain, e)) for e in entities} == {
        ("bold", "逾期 3"),
        ("italic", "3"),
        ("text_link", "详情"),
    }


def test_markdown_v2_entities() -> None:
    plain, entities = parse_formatted(
        r"*粗体* _斜体_ __下划线__ `code` [链接](https://a.b/c\)d) \.", "MarkdownV2"
    )
    assert plain == "粗体 斜体 下划线 code 链接 ."
    found = {(e["type"], slice16(plain, e)) for e in entities}
    assert found == {
        ("bold", "粗体"),
        ("italic", "斜体"),
        ("underline", "下划线"),
        ("code", "code"),
        ("text_link", "链接"),
    }
    assert next(e for e in entities if e["type"] == "text_link")["url"] == "https://a.b/c)d"


@pytest.mark.parametrize(
    ("text", "mode", "detail"),
    [
        ("1. done", "MarkdownV2", "Character '.' is reserved"),
        ("*open", "MarkdownV2", "Can't find end of the entity"),
        ("<b>open", "HTML", "Can't find end tag"),
        ("<b>x</i>", "HTML", "Unmatched end tag"),
        ("a <br/> b", "HTML", 'Unsupported start tag "br"'),
        ("x", "Klingon", "unsupported parse_mode"),
    ],
)
def test_malformed_markup_is_refused(text: str, mode: str, detail: str) -> None:
    with pytest.raises(ApiError) as error:
        parse_formatted(text, mode)
    assert error.value.code == 400 and detail in error.value.description
