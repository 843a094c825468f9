"""Numbering markers of Chinese official documents (GB/T 9704-2012) and their ordinals.

Each marker has a *kind* (which numbering style it is) and an ordinal label used in
outline paths, with brackets normalised to full width: 一、→ 一, （一）/(一) → （一）,
1. / 1、 / 1． → 1, （1）/(1) → （1）, ① → ①, ⑴ → （1）, 第一条 → 第一条.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "零〇一二两三四五六七八九十百"
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cn_dun", re.compile(r"^\s*([一二三四五六七八九十百]{1,4})\s*[、．.](?![\d一二三四五六七八九十])")),
    ("cn_paren", re.compile(r"^\s*[（(]\s*([一二三四五六七八九十百]{1,4})\s*[）)]\s*")),
    ("arabic_dot", re.compile(r"^\s*(\d{1,3})\s*[、．.](?!\d)\s*")),
    ("arabic_paren", re.compile(r"^\s*[（(]\s*(\d{1,3})\s*[）)]\s*")),
    ("circled", re.compile(r"^\s*([①-⑳])\s*")),
    ("paren_digit", re.compile(r"^\s*([⑴-⒇])\s*")),
    ("article", re.compile(r"^\s*(第[一二三四五六七八九十百]{1,4}[条章节部分]+)\s*")),
]
# default nesting order of the kinds (GB/T 9704): lower index = shallower
KIND_ORDER = ["article", "cn_dun", "cn_paren", "arabic_dot", "arabic_paren", "circled", "paren_digit"]


@dataclass(frozen=True)
class Marker:
    kind: str
    raw: str  # the marker as written, e.g. "（一）" or "1、"
    label: str  # ordinal label for the path, full-width brackets
    number: int  # numeric value of the ordinal
    rest: str  # the paragraph text after the marker


def cn_to_int(s: str) -> int:
    """Chinese numerals up to 九百九十九: 十三 → 13, 六十六 → 66, 一百零五 → 105."""
    total, current = 0, 0
    for ch in s:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + current


def parse_marker(text: str) -> Marker | None:
    """The numbering marker opening ``text``, or None. Only the very start counts."""
    for kind, pattern in _PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        rest = text[m.end():].lstrip()
        if not rest and kind not in ("cn_dun",):
            return None
        return Marker(kind=kind, raw=m.group(0).strip(), label=_label(kind, m.group(1)),
                      number=_number(kind, m.group(1)), rest=rest)
    return None


def _label(kind: str, core: str) -> str:
    if kind == "cn_paren":
        return f"（{core}）"
    if kind == "arabic_paren":
        return f"（{int(core)}）"
    if kind == "paren_digit":
        return f"（{ord(core) - ord('⑴') + 1}）"
    if kind == "arabic_dot":
        return str(int(core))
    return core


def _number(kind: str, core: str) -> int:
    if kind in ("cn_dun", "cn_paren"):
        return cn_to_int(core)
    if kind in ("arabic_dot", "arabic_paren"):
        return int(core)
    if kind == "circled":
        return ord(core) - ord("①") + 1
    if kind == "paren_digit":
        return ord(core) - ord("⑴") + 1
    m = re.match(r"第([一二三四五六七八九十百]+)", core)
    return cn_to_int(m.group(1)) if m else 0
