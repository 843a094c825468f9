"""Organizer strings → canonical bodies with roles, resolved in the document's context.

``resolve_organizers('区市场监管局、住建局牵头，各成员单位配合', OrgContext.of('江苏省苏州市相城区'))``
gives 苏州市相城区市场监督管理局 (lead), 苏州市相城区住房和城乡建设局 (lead, the 区 prefix
carries over) and '*苏州市相城区各成员单位' (co, collective). Every ref keeps its raw string.
"""

from __future__ import annotations

import re

from normalizers.orgs import OrgContext, Resolution, resolve_mention, split_mentions
from normalizers.regions import Region
from schemas import OrganizerRef
from schemas.notice import Role

__all__ = ["OrgContext", "resolve_organizers", "resolve_names"]

_CONJUNCTION = re.compile(r"[和及与]")


def resolve_organizers(raw: str | None, context: OrgContext | None = None) -> list[OrganizerRef]:
    """Every body of a raw organizer string, in order, with its role and how it was resolved."""
    context = context or OrgContext()
    carry: Region | None = None
    refs: list[OrganizerRef] = []
    for mention in split_mentions(raw):
        found = _resolve_split(mention.text, context, carry)
        for r in found:
            refs.append(_ref(r, mention.role))
            carry = r.region or carry
    return refs


def resolve_names(names: list[str], context: OrgContext | None = None) -> list[Resolution]:
    """Bodies named one by one (issuers): each resolved with the region carried along."""
    context = context or OrgContext()
    carry: Region | None = None
    out: list[Resolution] = []
    for name in names:
        for r in _resolve_split(name, context, carry):
            out.append(r)
            carry = r.region or carry
    return out


def _resolve_split(text: str, context: OrgContext, carry: Region | None) -> list[Resolution]:
    """Resolve ``text``; when it stays unknown, try it as bodies joined by 和/及/与 (never inside names)."""
    found = resolve_mention(text, context, carry)
    if all(r.resolved for r in found) or not _CONJUNCTION.search(text):
        return found
    parts = [p for p in _CONJUNCTION.split(text) if p]
    split: list[Resolution] = []
    for part in parts:
        got = resolve_mention(part, context, carry)
        if not got or not all(r.resolved for r in got):
            return found
        split.extend(got)
        carry = got[-1].region or carry
    return split


def _ref(r: Resolution, role: Role) -> OrganizerRef:
    return OrganizerRef(raw=r.raw, name=r.name, role=role, resolved=r.resolved, collective=r.collective,
                        method=r.method)
