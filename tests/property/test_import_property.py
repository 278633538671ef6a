"""Property: page chrome, whitespace and punctuation width never change the parsed items."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.importing import parse_bytes

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
NAMES = sorted(path.name for path in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")

CHROME = [
    "设为首页",
    "• 加入收藏",
    "  • 无障碍阅读",
    "您当前所在位置：首页 > 政务公开 > 规划计划",
    "首页 / 政府信息公开 / 法定主动公开内容 / 正文",
    "访问次数：1024",
    "来源：区司法局 发布时间：2021-03-04 09:30 【打印】",
    "http://www.example.gov.cn/art/2021/3/4/art_123_456.html",
    "版权所有：某某区人民政府办公室 技术支持：某某网络公司",
    "网站标识码：1234567890 苏ICP备05001234号",
    "【打印本页】【关闭窗口】",
    "扫一扫在手机打开当前页",
    "字号：【大】【中】【小】",
    "上一篇：关于做好有关工作的通知",
]
SWAP = {
    "，": ",",
    ",": "，",
    "：": ":",
    ":": "：",
    "；": ";",
    ";": "；",
    "（": "(",
    "(": "（",
    "）": ")",
    ")": "）",
    "、": "､",
}
SPACES = [" ", "  ", "\t", "\u3000", "\u00a0", " \u3000 "]
_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


@cache
def _lines(name: str) -> tuple[str, ...]:
    return tuple((SEEDS / name).read_text(encoding="utf-8").split("\n"))


@cache
def _expected(name: str) -> list[list[tuple]]:
    document = parse_bytes("\n".join(_lines(name)).encode("utf-8"), name)
    return [[item.key() for item in plan.items] for plan in document.plans]


def _ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "/")


def _swap_width(line: str, pick: int) -> str:
    """Flip the width of one punctuation mark (not inside numbers or URLs like 14:41)."""
    spots = [
        i
        for i, char in enumerate(line)
        if char in SWAP
        and not (0 < i < len(line) - 1 and _ascii_word(line[i - 1]) and _ascii_word(line[i + 1]))
    ]
    if not spots:
        return line
    i = spots[pick % len(spots)]
    return line[:i] + SWAP[line[i]] + line[i + 1 :]


def _space_in_prose(line: str, pick: int, space: str) -> str:
    """Put a space between two Chinese characters of running text (never inside unit lists)."""
    if "。" not in line or len(line) < 40:
        return line
    end = max(line.rfind("（"), line.rfind("("))
    end = end if end > 0 else len(line)
    spots = [
        i for i in range(1, end) if _IDEOGRAPH.match(line[i - 1]) and _IDEOGRAPH.match(line[i])
    ]
    if not spots:
        return line
    i = spots[pick % len(spots)]
    return line[:i] + space + line[i:]


OPERATION = st.one_of(
    st.tuples(st.just("chrome"), st.integers(0, 10**6), st.sampled_from(CHROME)),
    st.tuples(st.just("blank"), st.integers(0, 10**6), st.sampled_from(["", " ", "\u3000"])),
    st.tuples(
        st.just("pad"), st.integers(0, 10**6), st.sampled_from(SPACES), st.sampled_from(SPACES)
    ),
    st.tuples(st.just("width"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(
        st.just("space"), st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(SPACES)
    ),
)


def _mutate(lines: list[str], operations: list[tuple]) -> list[str]:
    for operation in operations:
        kind, where = operation[0], operation[1] % len(lines)
        if kind in {"chrome", "blank"}:
            lines.insert(where, operation[2])
        elif kind == "pad":
            lines[where] = operation[2] + lines[where] + operation[3]
        elif kind == "width":
            lines[where] = _swap_width(lines[where], operation[2])
        else:
            lines[where] = _space_in_prose(lines[where], operation[2], operation[3])
    return lines


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(OPERATION, min_size=1, max_size=25))
def test_noise_does_not_change_items(name: str, operations: list[tuple]) -> None:
    mutated = _mutate(list(_lines(name)), operations)
    document = parse_bytes("\n".join(mutated).encode("utf-8"), name)
    assert [[item.key() for item in plan.items] for plan in document.plans] == _expected(name)
