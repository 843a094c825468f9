"""Header meaning, as the readers need it to find a table: the column vocabulary of
``extractors/data/columns.toml`` (``role_for``, ``leaf_role``, the roles decided for a whole table),
whether a line of cells is a header row, which columns' blank cells belong to a merged cell, and the
续表 marks above a continued table. The structure stage turns roles into activity fields
(``extractors.structure.columns``); a reader imports only this, never the structure layer.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

FIELDS = ("seq", "category_raw", "project", "content", "organizers_lead", "organizers_co", "time", "place")
ROLES = ("seq", "category_raw", "name", "content", "lead", "co", "time", "place")
CONTINUED = re.compile(r"[（(]?\s*续(?:表|上表|前表)?\s*[）)]?\s*[:：]?")
CONTINUED_ONLY = re.compile(r"[（(]?续(?:表|上表|前表)?[）)]?[:：]?")


@dataclass(frozen=True)
class Vocabulary:
    roles: dict[str, list[str]]
    extra: dict[str, list[str]]
    max_chars: int
    name_with_content: str
    name_without_content: str
    sole_co_is_lead: bool
    blank_continues: frozenset[str]
    version: str


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    path = "data/columns.toml"
    data: dict[str, Any] = tomllib.loads(resources.files("extractors").joinpath(path).read_text("utf-8"))
    unknown = set(data["roles"]) - set(ROLES)
    if unknown:
        raise ValueError(f"extractors/{path}: unknown roles {sorted(unknown)}; expected some of {ROLES}")
    rules = data.get("rules", {})
    odd = set(rules.get("blank_continues", [])) - set(ROLES)
    if odd:
        raise ValueError(f"extractors/{path}: rules.blank_continues names {sorted(odd)}; expected some of {ROLES}")
    for key in ("name_with_content", "name_without_content"):
        if rules.get(key, "project") not in FIELDS:
            raise ValueError(f"extractors/{path}: rules.{key} = {rules[key]!r}; expected one of {FIELDS}")
    return Vocabulary(
        roles={r: [header_key(s) for s in data["roles"].get(r, [])] for r in ROLES},
        extra={name: [header_key(s) for s in words] for name, words in data.get("extra", {}).items()},
        max_chars=int(data.get("max_header_chars", 12)),
        name_with_content=rules.get("name_with_content", "project"),
        name_without_content=rules.get("name_without_content", "content"),
        sole_co_is_lead=bool(rules.get("sole_co_is_lead", True)),
        blank_continues=frozenset(rules.get("blank_continues", [])),
        version=str(data.get("version", "")),
    )


def header_key(text: str) -> str:
    """A header as matched: NFKC, no whitespace, no 、／/ separators, no stray punctuation around it."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s、/／*＊:：()（）]+", "", t)


def match_word(key: str) -> tuple[str, str] | None:
    """("role" | "extra", name) of the word a header key names: exact first, then the longest contained."""
    voc = vocabulary()
    tables = [("role", voc.roles), ("extra", voc.extra)]
    for kind, table in tables:
        for name, words in table.items():
            if key in words:
                return kind, name
    if len(key) > voc.max_chars:
        return None
    best: tuple[int, str, str] | None = None
    for kind, table in tables:
        for name, words in table.items():
            for w in words:
                if w and w in key and (best is None or len(w) > best[0]):
                    best = (len(w), kind, name)
    return (best[1], best[2]) if best else None


def role_for(header: str) -> str | None:
    """The role one header names, or None for a column kept in ``extra``."""
    key = header_key(header)
    hit = match_word(key) if key else None
    return hit[1] if hit and hit[0] == "role" else None


def leaf_role(name: str) -> str | None:
    """A column's role from its (possibly two-row, '/'-joined) name: the lowest part that names one."""
    for part in reversed(name.split("/")):
        r = role_for(part)
        if r is not None:
            return r
    return None


def table_roles(names: list[str]) -> list[str | None]:
    """The roles of a table's columns decided together: with co columns and no lead column, the
    first co column is the lead (``rules.sole_co_is_lead``)."""
    roles = [leaf_role(n) for n in names]
    if vocabulary().sole_co_is_lead and "co" in roles and "lead" not in roles:
        roles[roles.index("co")] = "lead"
    return roles


def blank_continuing(names: list[str]) -> list[bool]:
    """Per column of a table: a blank cell, in a table without row rules, belongs to the merged
    cell above (its role, decided for the table, is in ``rules.blank_continues``)."""
    keep = vocabulary().blank_continues
    return [r in keep for r in table_roles(names)]


VALUE = re.compile(r"\d{1,4}|\d{1,2}月(?:\d{1,2}日)?(?:[-—至~]\S*)?")


def is_header_row(texts: list[str]) -> bool:
    """At least two cells (or all non-empty cells, when fewer) name known columns, at least half
    the cells name a column (a role or a kept extra), and no cell is a value (a 序号 number or a
    date), which only data rows hold."""
    named = [t for t in texts if header_key(t)]
    if any(VALUE.fullmatch(header_key(t)) for t in named):
        return False
    hits = sum(1 for t in named if role_for(t) is not None and len(header_key(t)) <= 8)
    known = sum(1 for t in named if match_word(header_key(t)) is not None and len(header_key(t)) <= 8)
    if 2 * known < len(named):  # most cells name no column: a data row that happens to hold 活动 or 类
        return False
    return hits >= 2 or (named != [] and hits == len(named) and len(named) >= 2)


def is_continued_mark(text: str) -> bool:
    """A 续表 / （续） line."""
    return bool(CONTINUED_ONLY.fullmatch(re.sub(r"\s+", "", text or "")))
