"""Both catalogs are complete, placeholders match, and an installed copy carries them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import Translator, translations
from bot.settings import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(locale: str):  # noqa: ANN202 - babel Catalog
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale: str) -> None:
    catalog = _catalog(locale)
    assert len(catalog) > 100
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: untranslated {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | {"count"}, (locale, ids[0])
        assert "fuzzy" not in message.flags, (locale, ids[0])


def test_source_messages_are_all_in_the_catalogs(tmp_path: Path) -> None:
    """Every msgid the code marks is in the catalogs (the extract/update step was run)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "locales/babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-o",
            str(tmp_path / "messages.pot"),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.skip(f"pybabel extract is not runnable here: {result.stderr[-200:]}")
    pot = (tmp_path / "messages.pot").read_text(encoding="utf-8")
    extracted = set(re.findall(r'^msgid "(.+)"$', pot, re.M))
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("zh_CN") if m.id}
    flat = {k.replace("\n", "\\n").replace('"', '\\"') for k in known}
    missing = {m for m in extracted if m not in flat and not m.endswith("\\n")}
    assert not missing, f"run the catalog update: {sorted(missing)[:5]}"


def test_translator_renders_both_languages() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    zh = Translator("zh_CN", ZoneInfo("Asia/Shanghai"))
    en = Translator("en", ZoneInfo("Asia/Shanghai"))
    assert zh.gettext("Done") == "已完成" and en.gettext("Done") == "Done"
    assert zh.date_with_weekday(date(2027, 1, 31)) == "2027年1月31日 星期日"
    assert en.date_with_weekday(date(2027, 1, 31)) == "Sunday, 31 January 2027"
    assert translations("en").ugettext("Done") == "Done"


def test_a_built_wheel_carries_catalogs_and_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr[-300:]}")
    [wheel] = list(tmp_path.glob("dutybot-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "locales/zh_CN/LC_MESSAGES/messages.po",
        "locales/en/LC_MESSAGES/messages.po",
        "scheduling/dates/data/statutory.json",
        "bot/data/sample_plan.txt",
        "bot/sandbox/static/index.html",
        "storage/migrations/env.py",
        "storage/migrations/script.py.mako",
    ):
        assert needed in names, needed
    assert any(n.startswith("storage/migrations/versions/0001") for n in names)
    target = tmp_path / "installed"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-500:]
    probe = (
        "import bot, bot.i18n, zoneinfo, sys;"
        "t = bot.i18n.Translator('zh_CN', zoneinfo.ZoneInfo('Asia/Shanghai'));"
        "print(bot.__file__); print(t.gettext('Done'))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert ran.returncode == 0, ran.stderr[-500:]
    where, text = ran.stdout.strip().splitlines()
    assert where.startswith(str(target)), "the installed copy, not the checkout, was imported"
    assert text == "已完成"
