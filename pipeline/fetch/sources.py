"""The sources file (TOML): sites to walk, link filters and politeness, type-checked once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Site:
    name: str
    lists: list[str]
    title_keywords: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    max_list_pages: int = 10
    rate_limit_s: float = 1.0
    max_file_mb: float = 50.0
    timeout_s: float = 20.0
    retries: int = 2
    user_agent: str = "qmetl-fetch/1 (+quality-month notices ETL)"


_KEYS = set(Site.__dataclass_fields__)


def load_sources(path: Path) -> tuple[Path | None, list[Site]]:
    """(raw folder or None, sites); errors name the file, the site and the bad key or value."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the sources file: {exc}") from exc
    raw = data.get("raw")
    sites = []
    for i, entry in enumerate(data.get("site", [])):
        name = entry.get("name") or f"site[{i}]"
        unknown = set(entry) - _KEYS
        if unknown:
            raise ValueError(f"{path}: site {name!r}: unknown keys {sorted(unknown)}; known: {sorted(_KEYS)}")
        if not entry.get("lists"):
            raise ValueError(f"{path}: site {name!r}: 'lists' must name at least one list-page URL")
        sites.append(Site(**entry))
    if not sites:
        raise ValueError(f"{path}: no [[site]] entries")
    return (Path(raw) if raw else None), sites
