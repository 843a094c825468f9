"""Map table header texts onto activity fields with the synonym table in data/columns.toml."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

FIELDS = ("seq", "category_raw", "project", "content", "organizers_lead", "organizers_co", "time", "place")


@lru_cache(maxsize=1)
def _data() -> dict[str, dict[str, list[str]]]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/columns.toml").read_text("utf-8"))
    unknown = set(data["fields"]) - set(FIELDS)
    if unknown:
        raise ValueError(f"columns.toml: unknown activity fields {sorted(unknown)}; expected some of {FIELDS}")
    return {"fields": data["fields"], "extra": data.get("extra", {})}


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    return {f: [_key(s) for s in _data()["fields"].get(f, [])] for f in FIELDS}


@lru_cache(maxsize=1)
def extra_synonyms() -> dict[str, list[str]]:
    return {name: [_key(s) for s in words] for name, words in _data()["extra"].items()}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _match(key: str) -> tuple[str, str] | None:
    """("field" | "extra", name) of the synonym a header key names: exact first, then the longest contained."""
    tables = [("field", synonyms()), ("extra", extra_synonyms())]
    for kind, table in tables:
        for name, words in table.items():
            if key in words:
                return kind, name
    best: tuple[int, str, str] | None = None
    for kind, table in tables:
        for name, words in table.items():
            for w in words:
                if w in key and (best is None or len(w) > best[0]):
                    best = (len(w), kind, name)
    return (best[1], best[2]) if best and len(key) <= 12 else None


def field_for(header: str) -> str | None:
    """The activity field a header names, or None for a column kept in ``extra``."""
    key = _key(header)
    hit = _match(key) if key else None
    return hit[1] if hit and hit[0] == "field" else None


def extra_key(header: str) -> str:
    """The name a non-field column is kept under in ``Activity.extra``."""
    key = _key(header)
    hit = _match(key) if key else None
    return hit[1] if hit and hit[0] == "extra" else key


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
