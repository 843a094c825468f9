"""An attachment is structured in its notice's context (the notice file beside it in its folder)."""

from __future__ import annotations

from pathlib import Path

from extractors import parse_notice, read_layout
from pipeline.fetch.parts import find_parts
from schemas import Notice


def notice_of(path: Path) -> Path | None:
    """The notice file this file is an attachment (附件) of, by the names in its folder."""
    try:
        siblings = [f for f in path.parent.iterdir() if f.is_file() and not f.name.startswith(".")]
    except OSError:
        return None
    link = find_parts(siblings).get(path)
    return link[0] if link else None


def inherit_meta(part: Notice, owner: Path) -> list[str]:
    """An attachment is read in its notice's context: the issuers, level, region and year it leaves
    unsaid come from the notice file (so 市市场监管局 resolves in the notice's city)."""
    layout = read_layout(owner)
    parsed = parse_notice(layout.value) if layout.ok and layout.value is not None else None
    if parsed is None or not parsed.ok or parsed.value is None:
        return [f"attachment of {owner.name}, which could not be read for its context"]
    src, meta = parsed.value.meta, part.meta
    for name in ("issuers_raw", "level", "region", "year"):
        if not getattr(meta, name):
            setattr(meta, name, getattr(src, name))
    return []
