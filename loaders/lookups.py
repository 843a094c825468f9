"""Lookup rows (organizations, categories, campaigns): upserts that two runs at once cannot duplicate.

Each is a dialect ``INSERT … ON CONFLICT`` on the table's unique key, in sorted order and in
its own short transaction before a document's transaction, so concurrent loaders neither
collide on a unique key nor deadlock on each other's lookup rows. A lookup row outliving a
document that failed to load is harmless: it is reference data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loaders.db import writer
from loaders.models import Campaign, Category, Organization
from schemas import Notice

CampaignKey = tuple[int, str, str, str]


def _insert(engine: Engine, table: Any) -> Any:
    return (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(table)


def _all_notices(notice: Notice) -> list[Notice]:
    return [notice, *(n for child in notice.embedded for n in _all_notices(child))]


def organization_rows(notice: Notice) -> list[dict[str, Any]]:
    """One row per organization named by any activity, the first mention deciding its flags."""
    seen: dict[str, dict[str, Any]] = {}
    for n in _all_notices(notice):
        for a in n.activities:
            for ref in a.organizer_refs:
                seen.setdefault(ref.name, {"name": ref.name, "is_collective": ref.collective,
                                           "in_registry": ref.resolved})
    return [seen[k] for k in sorted(seen)]


def category_codes(notice: Notice) -> list[str]:
    return sorted({a.category for n in _all_notices(notice) for a in n.activities if a.category})


def campaign_key(notice: Notice) -> CampaignKey | None:
    m = notice.meta
    if m.year is None and m.level is None:
        return None
    return (m.year or 0, m.level or "", m.region or "", m.issuers[0] if m.issuers else "")


def campaign_keys(notice: Notice) -> list[CampaignKey]:
    return sorted({k for n in _all_notices(notice) if (k := campaign_key(n)) is not None})


def upsert_organizations(engine: Engine, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        stmt = _insert(engine, Organization.__table__).on_conflict_do_nothing(index_elements=["name"])
        with writer(engine).begin() as conn:
            conn.execute(stmt, list(rows))


def upsert_categories(engine: Engine, table: dict[str, tuple[str, str]], *, update: bool) -> None:
    """Insert missing categories; with ``update`` also refresh names and descriptions."""
    if not table:
        return
    rows = [{"code": c, "name_zh": zh, "description": d} for c, (zh, d) in sorted(table.items())]
    stmt = _insert(engine, Category.__table__)
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=["code"], set_={
            "name_zh": stmt.excluded.name_zh, "description": stmt.excluded.description})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["code"])
    with writer(engine).begin() as conn:
        conn.execute(stmt, rows)


def upsert_campaigns(engine: Engine, keys: Iterable[CampaignKey]) -> None:
    rows = [{"year": y, "level": lv, "region": r, "organizer": o} for y, lv, r, o in sorted(set(keys))]
    if rows:
        stmt = _insert(engine, Campaign.__table__).on_conflict_do_nothing(
            index_elements=["year", "level", "region", "organizer"])
        with writer(engine).begin() as conn:
            conn.execute(stmt, rows)


def ensure_lookups(engine: Engine, notice: Notice) -> None:
    """Every lookup row ``notice`` will reference exists once loading starts."""
    upsert_categories(engine, {c: (c, "") for c in category_codes(notice)}, update=False)
    upsert_organizations(engine, organization_rows(notice))
    upsert_campaigns(engine, campaign_keys(notice))


def organization_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = session.execute(select(Organization.name, Organization.id).where(Organization.name.in_(wanted)))
    return {name: oid for name, oid in rows}


def campaign_id(session: Session, key: CampaignKey | None) -> int | None:
    if key is None:
        return None
    year, level, region, organizer = key
    return session.scalar(select(Campaign.id).where(
        Campaign.year == year, Campaign.level == level, Campaign.region == region, Campaign.organizer == organizer))
