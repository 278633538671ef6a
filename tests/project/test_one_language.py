"""One language at a time (issue 18): every message the code marks is extracted and translated
in both catalogs, none hides from the extractor, and the English catalog holds no Chinese
except the quoted examples of Chinese input that English readers are asked to type."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.settings import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}  # as the README's extract command
MARKERS = {"_", "gettext", "ngettext"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# English messages that show Chinese on purpose: examples of what to type, in the language the
# reader must type it (unit names and dates in a Chinese plan). The Chinese must be quoted from
# the msgid itself, so a translated sentence cannot pass as an example.
QUOTED_EXAMPLES = {
    "Reply to this message with the unit's name for item {number} (several: 区司法局、区委宣传部).": (
        "two unit names as a plan writes them, joined by the enumeration comma"
    ),
    "Type the names of the units to add to {group}, separated by 、 or commas (aliases work too).": (
        "the enumeration comma is a character to type"
    ),
    "Type the name of the new group (e.g. 区直有关部门).": "a group name as plans write it",
    "I could not read a date. Please reply like 2026-12-20 or 12月20日.": (
        "a date as a Chinese reader would type it, which the bot reads"
    ),
}


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """The catalog as `pybabel extract` would build it now, through Babel's own API."""
    with (ROOT / "locales" / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=())
    return {_key(message) for _file, _line, message, _comments, _context in found}


def test_the_committed_template_is_what_the_extractor_finds_now(extracted: set[str]) -> None:
    template = {_key(m.id) for m in _catalog(ROOT / "locales" / "messages.pot") if m.id}
    assert not extracted - template, f"not in messages.pot: {sorted(extracted - template)[:5]}"
    assert not template - extracted, f"stale in messages.pot: {sorted(template - extracted)[:5]}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_extracted_message_has_a_translation_in_each_locale(
    extracted: set[str], locale: str
) -> None:
    catalog = _catalog(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", locale)
    translated = {
        _key(m.id)
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    missing = extracted - translated
    assert not missing, f"{locale}: missing or empty msgstr for {sorted(missing)[:5]}"


def _marked_literals(tree: ast.AST) -> set[str]:
    """First arguments of `_()`, `.gettext()`, `.ngettext()` calls anywhere, f-strings included."""
    literals: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        first = node.args[0]
        if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            literals.add(first.value)
    return literals


def test_no_marked_message_hides_from_the_extractor(extracted: set[str]) -> None:
    """A `_('Due')` inside an f-string once reached Chinese readers in English."""
    hidden: dict[str, str] = {}
    for folder in ("bot", "handlers", "scheduling"):
        for path in (ROOT / folder).rglob("*.py"):
            for literal in _marked_literals(ast.parse(path.read_text(encoding="utf-8"))):
                if literal not in extracted:
                    hidden[literal] = str(path.relative_to(ROOT))
    assert not hidden, f"marked but not extracted: {hidden}"


def test_the_english_catalog_holds_no_chinese_except_quoted_examples() -> None:
    catalog = _catalog(ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po", "en")
    chinese: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if not CJK.search(string):
                continue
            quoted = _key(message.id) in QUOTED_EXAMPLES and all(
                char in _key(message.id) for char in CJK.findall(string)
            )
            if not quoted:
                chinese.append(f"{_key(message.id)!r} -> {string!r}")
    assert not chinese, "\n".join(chinese)


def test_quoted_examples_still_exist_in_the_catalog() -> None:
    """The allowance stays narrow: an example that left the code leaves the list."""
    catalog = _catalog(ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po", "en")
    ids = {_key(m.id) for m in catalog if m.id}
    assert set(QUOTED_EXAMPLES) <= ids
