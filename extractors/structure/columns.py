"""Map table header texts onto activity fields with the synonym table in data/columns.toml."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

FIELDS = ("seq", "category_raw", "project", "content", "organizers_lead", "organizers_co", "time", "place")


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/columns.toml").read_text("utf-8"))
    return {f: [_key(s) for s in data["fields"].get(f, [])] for f in FIELDS}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def field_for(header: str) -> str | None:
    """The activity field a header names, or None for an unknown column."""
    key = _key(header)
    if not key:
        return None
    table = synonyms()
    for name, words in table.items():
        if key in words:
            return name
    best: tuple[int, str] | None = None
    for name, words in table.items():
        for w in words:
            if w in key and (best is None or len(w) > best[0]):
                best = (len(w), name)
    return best[1] if best and len(key) <= 12 else None


def map_header(headers: list[str]) -> list[str | None]:
    """Fields for a header row; a field claimed twice keeps its first column, later ones go to extra."""
    used: set[str] = set()
    out: list[str | None] = []
    for h in headers:
        f = field_for(h)
        if f is not None and f in used and f not in ("organizers_lead", "organizers_co"):
            f = None
        if f is not None:
            used.add(f)
        out.append(f)
    return out


VALUE = re.compile(r"\d{1,4}|\d{1,2}月(?:\d{1,2}日)?(?:[-—至~]\S*)?")


def is_header_row(texts: list[str]) -> bool:
    """At least two cells (or all non-empty cells, when fewer) name known columns, and no cell
    is a value (a 序号 number or a date), which only data rows hold."""
    named = [t for t in texts if _key(t)]
    if any(VALUE.fullmatch(_key(t)) for t in named):
        return False
    hits = sum(1 for t in named if field_for(t) is not None and len(_key(t)) <= 8)
    return hits >= 2 or (named != [] and hits == len(named) and len(named) >= 2)
