"""The organization registry in the store: bodies, aliases, successor links; unresolved forms.

``sync_organizations`` upserts the registry (normalizers/data/organizations.csv) into the
``organizations`` table with its aliases, then links every stored body to its successor:
explicit links (国家质检总局 → 国家市场监督管理总局, dated) and the generic 2018-reform rules
('*质量技术监督局' → '*市场监督管理局', same region prefix) applied to every stored name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from loaders.models import (
    ActivityOrganizer,
    ActivityRow,
    Document,
    Organization,
    OrganizationAlias,
    OrganizationLink,
    SourceFile,
)
from normalizers.orgs.registry import OrgEntry, Registry, Successor
from normalizers.regions import match_prefix


def sync_organizations(engine: Engine, registry: Registry) -> dict[str, int]:
    """Upsert registry bodies, aliases and successor links; returns counts of what the store holds."""
    with Session(engine) as session, session.begin():
        ids = {e.name: _upsert_entry(session, e).id for e in registry.entries.values()}
        for entry in registry.entries.values():
            if entry.parent:
                parent = _get_or_add(session, entry.parent)
                session.get(Organization, ids[entry.name]).parent_id = parent.id  # type: ignore[union-attr]
            for alias in entry.aliases:
                _add_alias(session, ids[entry.name], alias)
        links = _link_successors(session, registry.successors)
        described = _describe_stored(session, registry)
        return {"organizations": len(ids), "links": links, "described": described}


def _get_or_add(session: Session, name: str, **values: Any) -> Organization:
    org = session.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        org = Organization(name=name, is_collective=name.startswith("*"), **values)
        session.add(org)
        session.flush()
    return org


def _upsert_entry(session: Session, entry: OrgEntry) -> Organization:
    org = _get_or_add(session, entry.name)
    org.type, org.admin_level, org.region = entry.type or None, entry.level or None, entry.region or None
    org.in_registry = True
    return org


def _add_alias(session: Session, org_id: int, alias: str) -> None:
    found = session.scalars(select(OrganizationAlias).where(
        OrganizationAlias.organization_id == org_id, OrganizationAlias.alias == alias)).first()
    if found is None:
        session.add(OrganizationAlias(organization_id=org_id, alias=alias))


def _link_successors(session: Session, successors: list[Successor]) -> int:
    names = list(session.scalars(select(Organization.name)))
    pairs = [(s.predecessor, s.successor, s) for s in successors if not s.generic]
    for rule in (s for s in successors if s.generic):
        old, new = rule.predecessor.lstrip("*"), rule.successor.lstrip("*")
        pairs += [(n, n[: -len(old)] + new, rule) for n in names if n.endswith(old) and len(n) > len(old)]
    for old_name, new_name, rule in pairs:
        old_org = _get_or_add(session, old_name)
        new_org = _get_or_add(session, new_name, type=old_org.type, admin_level=old_org.admin_level,
                              region=old_org.region)
        _add_link(session, old_org.id, new_org.id, rule)
    return len(pairs)


def _add_link(session: Session, from_id: int, to_id: int, rule: Successor) -> None:
    found = session.scalars(select(OrganizationLink).where(
        OrganizationLink.from_id == from_id, OrganizationLink.to_id == to_id,
        OrganizationLink.kind == "successor")).first()
    if found is None:
        session.add(OrganizationLink(from_id=from_id, to_id=to_id, kind="successor",
                                     effective=rule.effective or None, note=rule.note or None))


_TYPE_BY_TAIL = (("公司", "enterprise"), ("协会", "association"), ("学会", "association"), ("联合会", "association"),
                 ("总工会", "association"), ("院", "institution"), ("所", "institution"), ("站", "institution"),
                 ("中心", "institution"), ("局", "government"), ("委员会", "government"), ("厅", "government"),
                 ("办公室", "government"), ("部", "government"))


def _describe_stored(session: Session, registry: Registry) -> int:
    """Bodies first met in documents (not in the registry): region, level and type from their names."""
    count = 0
    for org in session.scalars(select(Organization).where(Organization.in_registry.is_(True),
                                                          Organization.region.is_(None))):
        if org.is_collective:
            org.type = "collective"
            continue
        region, n = match_prefix(org.name)
        if region is None:
            continue
        org.region, org.admin_level = region.path, region.level
        rest = org.name[n:]
        org.type = registry.departments.get(rest) or next((t for tail, t in _TYPE_BY_TAIL if rest.endswith(tail)), None)
        count += 1
    return count


def unresolved_organizers(engine: Engine, examples: int = 3) -> list[dict[str, Any]]:
    """Raw organizer forms the registry did not resolve: count and example documents, most frequent first."""
    with Session(engine) as session:
        rows = session.execute(
            select(ActivityOrganizer.raw, Organization.name, SourceFile.name)
            .join(Organization, Organization.id == ActivityOrganizer.organization_id)
            .join(ActivityRow, ActivityRow.id == ActivityOrganizer.activity_id)
            .join(Document, Document.id == ActivityRow.document_id)
            .join(SourceFile, SourceFile.id == Document.source_file_id)
            .where(ActivityOrganizer.resolved.is_(False), Organization.is_collective.is_(False),
                   Document.is_current.is_(True))
        ).all()
    grouped: dict[str, dict[str, Any]] = {}
    for raw, name, source in rows:
        g = grouped.setdefault(raw, {"raw": raw, "name": name, "count": 0, "documents": []})
        g["count"] += 1
        if source not in g["documents"] and len(g["documents"]) < examples:
            g["documents"].append(source)
    return sorted(grouped.values(), key=lambda g: (-g["count"], g["raw"]))


def activities_per_organization(engine: Engine) -> list[dict[str, Any]]:
    """Activities per canonical body per campaign year: one row per body, not per spelling, and per
    notice, not per file — read from v_activity_organizers, which holds each notice's representative
    file only (loaders.notices), so a notice met as PDF, DOCX and scan counts once; off-topic files
    have no activities."""
    sql = text("""SELECT year, organization, COUNT(DISTINCT activity_id) AS activities,
                         COUNT(DISTINCT CASE WHEN role = 'lead' THEN activity_id END) AS as_lead,
                         COUNT(DISTINCT document_id) AS notices
                  FROM v_activity_organizers
                  GROUP BY year, organization
                  ORDER BY year, COUNT(DISTINCT activity_id) DESC, organization""")
    with engine.connect() as conn:
        rows = conn.execute(sql).all()
    return [{"year": y, "organization": n, "activities": int(c), "as_lead": int(lead or 0), "notices": int(k)}
            for y, n, c, lead, k in rows]


def organization_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            "organizations": session.scalar(select(func.count()).select_from(Organization)) or 0,
            "aliases": session.scalar(select(func.count()).select_from(OrganizationAlias)) or 0,
            "links": session.scalar(select(func.count()).select_from(OrganizationLink)) or 0,
        }
