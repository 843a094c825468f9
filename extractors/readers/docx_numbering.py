"""Render Word automatic numbering (numbering.xml) into the marker a reader sees on paper.

Chinese official documents often number 一、/（一）/1. through list levels with numFmt
chineseCounting and lvlText such as "%1、" or "（%1）": the text runs never contain the
marker, so without this the outline would be invisible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rules.numerals import int_to_cn

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return int_to_cn(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "none" or fmt == "bullet":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: 0 never; n restarts after level n-1 (0-based) or a shallower one

    def restarts_after(self, ilvl: int) -> bool:
        """Does using level ``ilvl`` restart this (deeper) level?"""
        if self.restart is None:
            return True
        return self.restart != 0 and ilvl < self.restart


@dataclass
class Numbering:
    """numId → levels; counters advance as paragraphs are rendered in body order."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    # numId → whose counters it advances: instances of one abstract list continue each other
    # (Word), unless the instance restarts with a w:startOverride
    lists: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstract = {a.get(_q("abstractNumId")): _parse_levels(a) for a in root.findall(_q("abstractNum"))}
        levels: dict[str, dict[int, _Level]] = {}
        lists: dict[str, str] = {}
        for num in root.findall(_q("num")):
            ref = num.find(_q("abstractNumId"))
            abstract_id = ref.get(_q("val")) if ref is not None else ""
            base = dict(abstract.get(abstract_id, {}))
            num_id = num.get(_q("numId")) or ""
            restarted = num.find(f"{_q('lvlOverride')}/{_q('startOverride')}") is not None
            lists[num_id] = num_id if restarted else f"abstract:{abstract_id}"
            for override in num.findall(_q("lvlOverride")):
                ilvl = int(override.get(_q("ilvl"), "0"))
                start = override.find(_q("startOverride"))
                if start is not None and ilvl in base:
                    lvl = base[ilvl]
                    base[ilvl] = _Level(lvl.fmt, lvl.text, int(start.get(_q("val"), "1")), lvl.restart)
            levels[num_id] = base
        return cls(levels=levels, lists=lists)

    def marker(self, p: Any) -> str | None:
        num_pr = p.find(f"{_q('pPr')}/{_q('numPr')}")
        if num_pr is None:
            return None
        num_el, lvl_el = num_pr.find(_q("numId")), num_pr.find(_q("ilvl"))
        num_id = num_el.get(_q("val")) if num_el is not None else None
        ilvl = int(lvl_el.get(_q("val"), "0")) if lvl_el is not None else 0
        if not num_id or num_id == "0" or num_id not in self.levels or ilvl not in self.levels[num_id]:
            return None
        return self._advance(num_id, ilvl)

    def _advance(self, num_id: str, ilvl: int) -> str:
        levels = self.levels[num_id]
        counters = self.counters.setdefault(self.lists.get(num_id, num_id), {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl and levels.get(k, _Level()).restarts_after(ilvl)]:
            del counters[deeper]
        text = levels[ilvl].text

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k, _Level())
            return format_number(counters.get(k, lvl.start), lvl.fmt)

        return re.sub(r"%(\d)", render, text)


def _parse_levels(abstract: Any) -> dict[int, _Level]:
    out: dict[int, _Level] = {}
    for lvl in abstract.findall(_q("lvl")):
        ilvl = int(lvl.get(_q("ilvl"), "0"))
        fmt = lvl.find(_q("numFmt"))
        text = lvl.find(_q("lvlText"))
        start = lvl.find(_q("start"))
        restart = lvl.find(_q("lvlRestart"))
        out[ilvl] = _Level(
            fmt=fmt.get(_q("val"), "decimal") if fmt is not None else "decimal",
            text=text.get(_q("val"), "") if text is not None else "",
            start=int(start.get(_q("val"), "1")) if start is not None else 1,
            restart=int(restart.get(_q("val"), "0")) if restart is not None else None,
        )
    return out
