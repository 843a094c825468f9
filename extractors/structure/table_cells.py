"""How one table cell's text becomes a field value: wrapped lines joined, and in organizer
cells a line break between two bodies kept as a separator (rules in data/table_cells.toml)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from rules.bodies import endings


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/table_cells.toml").read_text("utf-8"))
    return {"endings": endings("cell"), "starts": tuple(data.get("continuation_starts", []))}


def unwrap(text: str) -> str:
    """Join a cell's wrapped lines: line breaks inside a cell are not content."""
    return "".join(part.strip() for part in (text or "").split("\n"))


def breaks_between_bodies(before: str, after: str) -> bool:
    """A line break after ``before`` (ending a body's name) and before ``after`` (starting another)."""
    rules = _rules()
    if not before or not after or after.startswith(rules["starts"]):
        return False
    if not any(before.endswith(e) for e in rules["endings"]):
        return False
    joined = before + after
    cut = len(before)
    for e in rules["endings"]:  # an ending running across the break: one name wrapped inside its ending
        start = joined.find(e, max(0, cut - len(e) + 1))
        while 0 <= start < cut:
            if start + len(e) > cut:
                return False
            start = joined.find(e, start + 1)
    return True


def join_bodies(text: str, sep: str = "、") -> str:
    """An organizer cell's lines joined: ``sep`` between two bodies written one per line, nothing in a wrap."""
    lines = [ln.strip() for ln in (text or "").split("\n") if ln.strip()]
    out = lines[0] if lines else ""
    for ln in lines[1:]:
        out += (sep if breaks_between_bodies(out, ln) and not out.endswith(sep) else "") + ln
    return out
