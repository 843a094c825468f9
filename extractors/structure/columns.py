"""Activity fields of a table's columns from header meaning (the vocabulary: extractors.readers.headers).

``role_for`` names what one header text means (seq, category_raw, name, content, lead, co,
time, place, or None); ``assign_fields`` decides a whole table's fields from its roles (a
``name`` column is the project when a content column exists, else the content; a table with
co columns and no lead column has its first co column as the lead; a role claimed twice keeps
its first column). Two-row headers resolve leaf by leaf (``组织单位/牵头单位`` → lead).
"""

from __future__ import annotations

import re

from extractors.readers.headers import (
    FIELDS,
    ROLES,
    Vocabulary,
    blank_continuing,
    header_key,
    is_header_row,
    leaf_role,
    match_word,
    role_for,
    table_roles,
    vocabulary,
)

__all__ = ["FIELDS", "ROLES", "Vocabulary", "assign_fields", "blank_continuing", "extra_key", "field_for",
           "is_header_row", "leaf_role", "map_header", "role_for", "table_roles", "vocabulary"]

_FIELD_OF_ROLE = {"lead": "organizers_lead", "co": "organizers_co"}
ORGANIZER_FIELDS = ("organizers_lead", "organizers_co")


def field_for(header: str) -> str | None:
    """The activity field a lone header names (a ``name`` column as if the table had no content column)."""
    return assign_fields([header])[0]


def extra_key(header: str) -> str:
    """The name a non-field column is kept under in ``Activity.extra``."""
    key = header_key(header)
    hit = match_word(key) if key else None
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
