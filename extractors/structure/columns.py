"""Column roles of an activity table from header meaning: the vocabulary in data/columns.toml.

``role_for`` names what one header text means (seq, category_raw, name, content, lead, co,
time, place, or None); ``assign_fields`` decides a whole table's fields from its roles (a
``name`` column is the project when a content column exists, else the content; a table with
co columns and no lead column has its first co column as the lead; a role claimed twice keeps
its first column). Two-row headers resolve leaf by leaf (``组织单位/牵头单位`` → lead).
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
_FIELD_OF_ROLE = {"lead": "organizers_lead", "co": "organizers_co"}
ORGANIZER_FIELDS = ("organizers_lead", "organizers_co")


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
        roles={r: [_key(s) for s in data["roles"].get(r, [])] for r in ROLES},
        extra={name: [_key(s) for s in words] for name, words in data.get("extra", {}).items()},
        max_chars=int(data.get("max_header_chars", 12)),
        name_with_content=rules.get("name_with_content", "project"),
        name_without_content=rules.get("name_without_content", "content"),
        sole_co_is_lead=bool(rules.get("sole_co_is_lead", True)),
        blank_continues=frozenset(rules.get("blank_continues", [])),
        version=str(data.get("version", "")),
    )


def _key(text: str) -> str:
    """A header as matched: NFKC, no whitespace, no 、／/ separators, no stray punctuation around it."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s、/／*＊:：()（）]+", "", t)


def _match(key: str) -> tuple[str, str] | None:
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
    key = _key(header)
    hit = _match(key) if key else None
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


def field_for(header: str) -> str | None:
    """The activity field a lone header names (a ``name`` column as if the table had no content column)."""
    return assign_fields([header])[0]


def extra_key(header: str) -> str:
    """The name a non-field column is kept under in ``Activity.extra``."""
    key = _key(header)
    hit = _match(key) if key else None
    return hit[1] if hit and hit[0] == "extra" else re.sub(r"\s+", "", header or "")


def assign_fields(names: list[str]) -> list[str | None]:
    """Fields for a table's columns from their roles, decided for the table as a whole."""
    voc = vocabulary()
    roles = table_roles(names)
    name_field = voc.name_with_content if "content" in roles else voc.name_without_content
    used: set[str] = set()
    out: list[str | None] = []
    for r in roles:
        f = name_field if r == "name" else (_FIELD_OF_ROLE.get(r, r) if r else None)
        if f is not None and f in used and f not in ORGANIZER_FIELDS:
            f = None
        if f is not None:
            used.add(f)
        out.append(f)
    return out


def map_header(headers: list[str]) -> list[str | None]:
    """Fields for one header row (see ``assign_fields``)."""
    return assign_fields(headers)


VALUE = re.compile(r"\d{1,4}|\d{1,2}月(?:\d{1,2}日)?(?:[-—至~]\S*)?")


def is_header_row(texts: list[str]) -> bool:
    """At least two cells (or all non-empty cells, when fewer) name known columns, at least half
    the cells name a column (a role or a kept extra), and no cell is a value (a 序号 number or a
    date), which only data rows hold."""
    named = [t for t in texts if _key(t)]
    if any(VALUE.fullmatch(_key(t)) for t in named):
        return False
    hits = sum(1 for t in named if role_for(t) is not None and len(_key(t)) <= 8)
    known = sum(1 for t in named if _match(_key(t)) is not None and len(_key(t)) <= 8)
    if 2 * known < len(named):  # most cells name no column: a data row that happens to hold 活动 or 类
        return False
    return hits >= 2 or (named != [] and hits == len(named) and len(named) >= 2)
