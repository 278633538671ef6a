"""Find a font family that can draw Chinese, so chart labels never come out as tofu boxes.

Looks through the fonts matplotlib knows, then the system's font files (matplotlib's cache
may predate a font installed later, e.g. Debian's fonts-noto-cjk), preferring simplified-
Chinese families, and checks the chosen face really has the glyphs. Collections (.ttc) are
picked by family name so the SC face is used, not the collection's first (JP) face.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

PROBE = "中国法治区"
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
)
FILE_HINTS = ("cjk", "hans", "sc", "wqy", "droidsansfallback", "simhei", "msyh", "pingfang")


def has_glyphs(path: str, face_index: int = 0, text: str = PROBE) -> bool:
    """Whether that face of the font file maps every character of `text` to a glyph."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path, face_index=face_index)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(char)) for char in text)


def _known_family() -> str | None:
    from matplotlib import font_manager

    entries = {entry.name: entry for entry in font_manager.fontManager.ttflist}
    for family in PREFERRED_FAMILIES:
        entry = entries.get(family)
        if entry is not None and has_glyphs(entry.fname, getattr(entry, "index", 0)):
            return family
    return None


def _register_system_fonts(hinted_only: bool) -> None:
    """Add system font files matplotlib's cache does not list yet."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for name in sorted(font_manager.findSystemFonts()):
        lowered = Path(name).name.lower()
        if name in known or (hinted_only and not any(h in lowered for h in FILE_HINTS)):
            continue
        try:
            font_manager.fontManager.addfont(name)
        except (OSError, RuntimeError, ValueError):
            continue


def _any_family() -> str | None:
    """Last resort: any registered face with the glyphs, whatever its name."""
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if has_glyphs(entry.fname, getattr(entry, "index", 0)):
            return entry.name
    return None


@cache
def find_cjk_family() -> str | None:
    """The best installed font family with Chinese glyphs, or None (the caller says so)."""
    family = _known_family()
    if family is None:
        _register_system_fonts(hinted_only=True)
        family = _known_family() or _any_family()
    if family is None:
        log.warning(
            "no font with Chinese glyphs found; charts are left out "
            "(install one, e.g. apt-get install fonts-noto-cjk)"
        )
    return family
