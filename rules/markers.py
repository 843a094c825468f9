"""Numbering markers of Chinese official documents (GB/T 9704-2012) and their ordinals.

Each marker has a *kind* (which numbering style it is) and an ordinal label used in
outline paths, with brackets normalised to full width: 一、→ 一, （一）/(一) → （一）,
1. / 1、 / 1． → 1, （1）/(1) → （1）, ① → ①, ⑴ → （1）, 第一条 → 第一条.

The marker grammar is written once, below, from shared parts; the few readings that need
a looser or narrower match (a line that may open a paragraph, a table's section label, a
category label) are built from the same parts here.

Every reader and stage that looks for a marker uses these: the outline (``parse_marker``),
paragraph building (``MARKER_START``), plain-text line joining (``TEXT_MARKER``), table
section labels (``SECTION_ORDINAL``) and category labels (``LABEL_NUMBERING``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.dates import YEAR
from rules.numerals import CN_ORDINAL, CN_TENS, cn_to_int

_CN = f"[{CN_ORDINAL}]"
_OPEN, _CLOSE = "[（(]", "[）)]"
_DOT = "[、．.]"
# 1.2020年 opens item 1; 1.5 is a decimal, not a marker
_ARABIC_DOT_END = rf"(?:(?={YEAR}\s*年)|(?!\d))"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cn_dun", re.compile(rf"^\s*({_CN}{{1,4}})\s*{_DOT}(?![\d{CN_TENS}])")),
    ("cn_paren", re.compile(rf"^\s*{_OPEN}\s*({_CN}{{1,4}})\s*{_CLOSE}\s*")),
    ("arabic_dot", re.compile(rf"^\s*(\d{{1,3}})\s*{_DOT}{_ARABIC_DOT_END}\s*")),
    ("arabic_paren", re.compile(rf"^\s*{_OPEN}\s*(\d{{1,3}})\s*{_CLOSE}\s*")),
    ("circled", re.compile(r"^\s*([①-⑳])\s*")),
    ("paren_digit", re.compile(r"^\s*([⑴-⒇])\s*")),
    ("article", re.compile(rf"^\s*(第{_CN}{{1,4}}[条章节部分]+)\s*")),
]
# default nesting order of the kinds (GB/T 9704): lower index = shallower
KIND_ORDER = ["article", "cn_dun", "cn_paren", "arabic_dot", "arabic_paren", "circled", "paren_digit"]

# a line of a laid-out page that starts with a marker (may open a new paragraph)
MARKER_START = re.compile(
    rf"^\s*(?:{_CN}+\s*{_DOT}|{_OPEN}\s*{_CN}+\s*{_CLOSE}|\d{{1,3}}\s*{_DOT}{_ARABIC_DOT_END}"
    rf"|{_OPEN}\s*\d{{1,3}}\s*{_CLOSE}|[①-⑳]|[⑴-⒇]|第{_CN}+[条章节])"
)
# a line of plain text that starts with a marker or an attachment head (no spaces inside)
TEXT_MARKER = re.compile(rf"^\s*(?:{_CN}+{_DOT}|{_OPEN}[{CN_ORDINAL}\d]+{_CLOSE}|\d{{1,3}}{_DOT}(?!\d)|附件)")
# the ordinal opening a table's section label (一、 （一） 1.): removed to name the section
SECTION_ORDINAL = re.compile(rf"^\s*(?:[{CN_TENS}]+\s*{_DOT}|{_OPEN}\s*[{CN_TENS}\d]+\s*{_CLOSE}|\d{{1,2}}\s*{_DOT})")
# the Chinese ordinal opening a group label inside a table (一、 （一） 第一部分), then its text
GROUP_ORDINAL = re.compile(rf"^\s*(?:{_CN}+\s*{_DOT}|{_OPEN}\s*{_CN}+\s*{_CLOSE}|第{_CN}+(?:部分|类))\s*\S")
# the numbering opening a category label (第一部分, （一）, 1、), brackets and stop optional
LABEL_NUMBERING = re.compile(rf"^\s*(第{_CN}+(部分|[章节条项])?|{_OPEN}?[{CN_TENS}\d]+{_CLOSE}?{_DOT}?)\s*")


@dataclass(frozen=True)
class Marker:
    kind: str
    raw: str  # the marker as written, e.g. "（一）" or "1、"
    label: str  # ordinal label for the path, full-width brackets
    number: int  # numeric value of the ordinal
    rest: str  # the paragraph text after the marker


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
    m = re.match(rf"第({_CN}+)", core)
    return cn_to_int(m.group(1)) if m else 0
