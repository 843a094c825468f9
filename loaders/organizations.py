"""The organization registry in the store: bodies, aliases, successor links; unresolved forms.

``sync_organizations`` stores a :class:`~schemas.registry.RegistryPlan` — the registry bodies with
their aliases and parents, the successor links (explicit, dated ones and those the generic
2018-reform rules give every stored name) and the descriptions of bodies first met in documents.
What a name means is decided by the normalizers (``normalizers.orgs.store_plan``); this module
only stores it. ``stored_names`` lists the names a plan is built over.
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
from schemas.registry import BodyDescription, BodyRecord, RegistryPlan, SuccessorLink


def stored_names(engine: Engine) -> list[str]:
    """Every organization name the store holds (what the generic successor rules apply to)."""
    with Session(engine) as session:
        return sorted(session.scalars(select(Organization.name)))


def sync_organizations(engine: Engine, plan: RegistryPlan) -> dict[str, int]:
    """Upsert the plan's bodies, aliases, descriptions and successor links; returns counts of what it wrote."""
    with Session(engine) as session, session.begin():
        ids = {b.name: _upsert_body(session, b).id for b in plan.bodies}
        for body in plan.bodies:
            if body.parent:
                parent = _get_or_add(session, body.parent, plan.descriptions.get(body.parent))
                session.get(Organization, ids[body.name]).parent_id = parent.id  # type: ignore[union-attr]
            for alias in body.aliases:
                _add_alias(session, ids[body.name], alias)
        described = _describe_stored(session, plan.descriptions)
        for link in plan.links:
            _store_link(session, link, plan.descriptions)
        return {"organizations": len(ids), "links": len(plan.links), "described": described}


def _get_or_add(session: Session, name: str, desc: BodyDescription | None = None, **values: Any) -> Organization:
    org = session.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        if desc is not None:
            values = {"type": desc.type or None, "admin_level": desc.level or None, "region": desc.region or None,
                      **{k: v for k, v in values.items() if v is not None}}
        org = Organization(name=name, is_collective=bool(desc and desc.collective), **values)
        session.add(org)
        session.flush()
    return org


def _upsert_body(session: Session, body: BodyRecord) -> Organization:
    org = _get_or_add(session, body.name)
    org.type, org.admin_level, org.region = body.type or None, body.level or None, body.region or None
    org.is_collective = body.collective
    org.in_registry = True
    return org


def _add_alias(session: Session, org_id: int, alias: str) -> None:
    found = session.scalars(select(OrganizationAlias).where(
        OrganizationAlias.organization_id == org_id, OrganizationAlias.alias == alias)).first()
    if found is None:
        session.add(OrganizationAlias(organization_id=org_id, alias=alias))


def _store_link(session: Session, link: SuccessorLink, descriptions: dict[str, BodyDescription]) -> None:
    old = _get_or_add(session, link.predecessor, descriptions.get(link.predecessor))
    new = _get_or_add(session, link.successor, descriptions.get(link.successor),
                      type=old.type, admin_level=old.admin_level, region=old.region)
    found = session.scalars(select(OrganizationLink).where(
        OrganizationLink.from_id == old.id, OrganizationLink.to_id == new.id,
        OrganizationLink.kind == "successor")).first()
    if found is None:
        session.add(OrganizationLink(from_id=old.id, to_id=new.id, kind="successor",
                                     effective=link.effective or None, note=link.note or None))


def _describe_stored(session: Session, descriptions: dict[str, BodyDescription]) -> int:
    """Bodies stored without a region (first met in documents) take the description the plan gives."""
    count = 0
    for org in session.scalars(select(Organization).where(Organization.in_registry.is_(True),
                                                          Organization.region.is_(None))):
        desc = descriptions.get(org.name)
        if desc is None:
            continue
        org.type = desc.type or None
        if desc.collective:
            continue
        org.region, org.admin_level = desc.region or None, desc.level or None
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
