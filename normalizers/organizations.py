"""Organizer strings → canonical bodies with roles, resolved in the notice's context: the one way in.

``resolve_organizers('区市场监管局、住建局牵头，各成员单位配合', OrgContext.of('吉林省长春市朝阳区', year=2019))``
gives 长春市朝阳区市场监督管理局 (lead), 长春市朝阳区住房和城乡建设局 (lead, the 区 prefix carries
over) and '*长春市朝阳区各成员单位' (co, collective). Every ref keeps its raw string, a status
(resolved / collective / ambiguous with candidates / unknown) and the evidence. The pipeline,
``qmetl renormalize`` and ``qmetl orgs resolve`` all call :func:`resolve_organizers`.
"""

from __future__ import annotations

import re

from normalizers.orgs import OrgContext, Resolution, resolve_mention, split_mentions
from normalizers.orgs.defined import find_definitions
from normalizers.orgs.history import current_name
from normalizers.regions import Region
from schemas import OrganizerRef
from schemas.notice import Role

__all__ = ["OrgContext", "notice_definitions", "resolve", "resolve_names", "resolve_organizers"]

_CONJUNCTION = re.compile(r"[和及与]")


def resolve(raw: str | None, region: str | None = None, level: str | None = None, year: int | None = None,
            defined: dict[str, str] | None = None) -> list[OrganizerRef]:
    """A raw organizer string in a notice of ``region`` (full path), ``level`` and ``year`` → bodies."""
    return resolve_organizers(raw, OrgContext.of(region, level, year, defined))


def resolve_organizers(raw: str | None, context: OrgContext | None = None) -> list[OrganizerRef]:
    """Every body of a raw organizer string, in order, with its role and how it was resolved."""
    context = context or OrgContext()
    carry: Region | None = None
    refs: list[OrganizerRef] = []
    for mention in split_mentions(raw):
        found = _resolve_split(mention.text, context, carry)
        for r in found:
            refs.append(_ref(r, mention.role, context))
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


def notice_definitions(text: str, context: OrgContext) -> dict[str, str]:
    """The abbreviations a notice defines (以下简称X) whose full name names a body in its context."""
    def resolves(name: str) -> bool:
        found = resolve_mention(name, context)
        return len(found) == 1 and found[0].resolved and not found[0].collective \
            and found[0].method not in ("document", "document+department", "carried", "carried+department")
    return find_definitions(text, resolves)


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


def _ref(r: Resolution, role: Role, context: OrgContext) -> OrganizerRef:
    evidence = list(r.evidence)
    if context.region_source and context.region is not None:
        evidence.append(f"notice region {context.region.path} from {context.region_source}")
    current, steps = current_name(r.name, context.year) if r.resolved and not r.collective else (r.name, ())
    return OrganizerRef(raw=r.raw, name=r.name, role=role, resolved=r.resolved, collective=r.collective,
                        method=r.method, status=r.status, candidates=list(r.candidates),
                        evidence=[*evidence, *steps], current=current if current != r.name else None)
