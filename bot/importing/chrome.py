"""Recognise web-page chrome (navigation, counters, URLs, footers) so it never becomes an item.

Documents copied from government websites carry the site's furniture around the text. The
patterns are deliberately about *page furniture*, and only short lines are judged, so a duty that
happens to mention a website is never thrown away.
"""

from __future__ import annotations

import re

_MAX_CHROME_LEN = 90

_PATTERNS = [
    r"设为首页",
    r"加入收藏",
    r"无障碍(阅读|浏览)?",
    r"长者(版|模式)",
    r"^\W*首页\W*$",
    r"首页\s*[/>＞»›]",
    r"(当前|所在)位置",
    r"欢迎(访问|光临)",
    r"今天是",
    r"(访问|浏览|点击|阅读)(次数|量|数)",
    r"发布(时间|日期)[:：]",
    r"^来源\s*[:：]",
    r"^信息来源",
    r"^(【?\s*(打印|关闭|关闭窗口|打印本页|返回顶部|收藏|分享)\s*】?\s*)+$",
    r"打印本页|关闭窗口|返回顶部|分享到",
    r"扫一扫",
    r"字号[:：]?\s*(大|中|小|【)",
    r"【\s*[大中小]\s*】",
    r"https?://|www\.",
    r"版权所有|copyright|©",
    r"ICP\s*备|网站标识码|公网安备|技术支持",
    r"主办单位[:：]|承办单位[:：]|联系电话[:：]|联系我们",
    r"上一篇|下一篇|相关(链接|阅读|文章)",
    r"^附件\s*[:：]?\s*$",
    r"^(\d+|[a-z]+)?(\.\.\.|…+)$",
    r"\.\.\.$",
    r"^(\d+\s*/\s*\d+|第\s*\d+\s*页.*)$",
    r"^[（(]?此件(公开发布|主动公开)[）)]?$",
]
_PAGE_MARKER = re.compile(
    r"^(?:[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|\d{1,4}\s*/\s*\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_CHROME = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_NUMBERED_ITEM = re.compile(r"^\s*\d{1,3}\s*[.．、]\s*\D")


def is_page_marker(line: str) -> bool:
    """A printed page number ("- 3 -", "3/12", "第3页 共12页"): never part of the text."""
    return bool(_PAGE_MARKER.match(line.strip()))


def is_chrome(line: str) -> bool:
    """True for lines that are page furniture rather than document text."""
    stripped = line.strip()
    if not stripped:
        return False
    if _NUMBERED_ITEM.match(stripped):
        return False
    if len(stripped) > _MAX_CHROME_LEN and not stripped.endswith("..."):
        return False
    if "。" in stripped and not stripped.endswith(("...", "…")):
        return False  # a sentence is text, even one that names a website or a phone number
    return bool(_CHROME.search(stripped))
