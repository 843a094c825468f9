"""Organizer strings → bodies with roles (pass-through names for now)."""

from __future__ import annotations

import re

from schemas import OrganizerRef
from schemas.notice import Role

_SPLIT = re.compile(r"[、，,；;\n]")
_CO = re.compile(r"^(配合|会同|联合|协办)")


def resolve_organizers(raw: str | None) -> list[OrganizerRef]:
    if not raw:
        return []
    refs: list[OrganizerRef] = []
    for part in _SPLIT.split(raw):
        part = part.strip()
        if not part:
            continue
        role: Role = "co" if _CO.match(part) else "lead"
        name = _CO.sub("", part)
        name = re.sub(r"(牵头|负责|配合)$", "", name)
        refs.append(OrganizerRef(raw=part, name=name, role=role, resolved=False, method="passthrough"))
    return refs
