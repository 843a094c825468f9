"""Idempotent, per-document-atomic loads into the store.

A file's derived rows are replaced in one transaction (delete, then insert under the
same deterministic ids): a crash leaves the previous version intact, a rerun leaves the
same rows. Lookup rows (organizations, campaigns, categories) are upserted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from loaders.models import (
    ActivityOrganizer,
    ActivityRow,
    Campaign,
    Category,
    Document,
    DocumentReference,
    Organization,
    OutlineItemRow,
    SourceFile,
)
from schemas import Notice, StageError


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def document_id(path: str) -> str:
    """Deterministic id of a file's top-level document."""
    return "d" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:15]


@dataclass(frozen=True)
class FileInfo:
    path: str
    name: str
    sha256: str
    size: int
    format: str | None = None


@dataclass(frozen=True)
class Versions:
    extractor: str
    normalizer: str


def get_file(session: Session, path: str) -> SourceFile | None:
    return session.scalars(select(SourceFile).where(SourceFile.path == path)).first()


def unchanged(engine: Engine, info: FileInfo, versions: Versions) -> bool:
    """True when the file was loaded before with the same content and the same code versions."""
    with Session(engine) as session:
        row = get_file(session, info.path)
        return (
            row is not None and row.state == "loaded" and row.sha256 == info.sha256
            and row.extractor_version == versions.extractor and row.normalizer_version == versions.normalizer
        )


def _upsert_file(session: Session, info: FileInfo) -> SourceFile:
    row = get_file(session, info.path)
    t = now()
    if row is None:
        row = SourceFile(path=info.path, name=info.name, sha256=info.sha256, size=info.size, state="new",
                         first_seen_at=t, last_seen_at=t, warnings=[])
        session.add(row)
    row.name, row.sha256, row.size, row.last_seen_at = info.name, info.sha256, info.size, t
    if info.format:
        row.format = info.format
    session.flush()
    return row


def touch_file(engine: Engine, path: str) -> None:
    with Session(engine) as session, session.begin():
        row = get_file(session, path)
        if row is not None:
            row.last_seen_at = now()


def record_failure(engine: Engine, info: FileInfo, error: StageError, load_id: str,
                   quarantine_path: str | None = None, warnings: Iterable[str] = ()) -> None:
    """A file that could not be parsed: its state, reason and quarantine copy; no document rows."""
    with Session(engine) as session, session.begin():
        row = _upsert_file(session, info)
        session.execute(delete(Document).where(Document.source_file_id == row.id))
        row.state, row.error_stage, row.error_code = "failed", error.stage, error.code
        row.error_message, row.quarantine_path = str(error), quarantine_path
        row.warnings, row.load_id, row.parsed = list(warnings), load_id, None


def load_notice(engine: Engine, info: FileInfo, parsed: Notice, normalized: Notice, versions: Versions,
                load_id: str, warnings: Iterable[str] = (), seconds: float | None = None) -> str:
    """Replace the file's documents with ``normalized`` in one transaction; returns the document id."""
    with Session(engine) as session, session.begin():
        row = _upsert_file(session, info)
        session.execute(delete(Document).where(Document.source_file_id == row.id))
        session.flush()
        doc_id = document_id(info.path)
        _insert_notice(session, normalized, doc_id, row.id, None, 0, versions, load_id)
        row.state, row.error_stage, row.error_code, row.error_message = "loaded", None, None, None
        row.quarantine_path, row.warnings = None, list(warnings)
        row.parsed = parsed.model_dump(mode="json")
        row.extractor_version, row.normalizer_version = versions.extractor, versions.normalizer
        row.loaded_at, row.load_id, row.seconds = now(), load_id, seconds
    return doc_id


def mark_withdrawn(engine: Engine, present: set[str], under: str) -> list[str]:
    """Files under ``under`` that were loaded before and are gone now: withdrawn, not current."""
    withdrawn: list[str] = []
    with Session(engine) as session, session.begin():
        rows = session.scalars(select(SourceFile).where(SourceFile.state != "withdrawn")).all()
        for row in rows:
            if row.path.startswith(under) and row.path not in present:
                row.state = "withdrawn"
                for doc in session.scalars(select(Document).where(Document.source_file_id == row.id)):
                    doc.is_current = False
                withdrawn.append(row.path)
    return withdrawn


def _insert_notice(session: Session, notice: Notice, doc_id: str, file_id: int, parent: str | None,
                   position: int, versions: Versions, load_id: str) -> None:
    m = notice.meta
    doc = Document(
        id=doc_id, source_file_id=file_id, parent_id=parent, position=position,
        campaign_id=_campaign_id(session, notice), title=m.title, doc_number=m.doc_number,
        issuers=list(m.issuers), issuers_raw=list(m.issuers_raw), date=m.date, year=m.year, level=m.level,
        region=m.region, theme=m.theme, slogans=list(m.slogans), attachments=list(m.attachments),
        off_topic=m.off_topic, pages=list(notice.span.pages), is_current=True, load_id=load_id,
        extractor_version=versions.extractor, normalizer_version=versions.normalizer,
    )
    session.add(doc)
    session.flush()
    stamp = {"load_id": load_id, "extractor_version": versions.extractor}
    session.add_all(_outline_rows(notice, doc_id, stamp))
    session.add_all(_reference_rows(notice, doc_id))
    for i, activity in enumerate(notice.activities):
        session.add(_activity_row(session, activity, doc_id, i, stamp, versions.normalizer))
    session.flush()
    for i, child in enumerate(notice.embedded, start=1):
        _insert_notice(session, child, f"{doc_id}e{i}", file_id, doc_id, i, versions, load_id)


def _outline_rows(notice: Notice, doc_id: str, stamp: dict[str, str]) -> list[OutlineItemRow]:
    return [
        OutlineItemRow(
            id=f"{doc_id}-o{o.seq}", document_id=doc_id, seq=o.seq, path=o.path, marker=o.marker,
            depth=o.depth, heading=o.heading, text=o.text, body=o.body, pages=list(o.span.pages),
            page=o.span.pages[0] if o.span.pages else None,
            bbox=o.span.bbox.model_dump() if o.span.bbox else None, **stamp,
        )
        for o in notice.outline
    ]


def _reference_rows(notice: Notice, doc_id: str) -> list[DocumentReference]:
    forwarded = {e.meta.doc_number for e in notice.embedded if e.meta.doc_number}
    return [
        DocumentReference(id=f"{doc_id}-r{i}", document_id=doc_id, position=i, doc_number=n,
                          relation="forwards" if n in forwarded else "cites")
        for i, n in enumerate(notice.meta.references)
    ]


def _activity_row(session: Session, a: Any, doc_id: str, index: int, stamp: dict[str, str],
                  normalizer_version: str) -> ActivityRow:
    act_id = f"{doc_id}-a{index + 1}"
    row = ActivityRow(
        id=act_id, document_id=doc_id, position=index + 1, seq=a.seq, source=a.source,
        category_raw=a.category_raw, category=_category(session, a.category), category_method=a.category_method,
        project=a.project, content=a.content, organizers_raw=a.organizers_raw, time=a.time, place=a.place,
        outline_path=a.outline_path, extra=dict(a.extra), pages=list(a.span.pages),
        page=a.span.pages[0] if a.span.pages else None, bbox=a.span.bbox.model_dump() if a.span.bbox else None,
        normalizer_version=normalizer_version, **stamp,
    )
    for pos, ref in enumerate(a.organizer_refs):
        org = ensure_organization(session, ref.name, collective=ref.collective, in_registry=ref.resolved)
        row.organizers.append(ActivityOrganizer(
            position=pos, organization_id=org.id, role=ref.role, raw=ref.raw, resolved=ref.resolved,
            method=ref.method,
        ))
    return row


def _category(session: Session, code: str | None) -> str | None:
    if code is None:
        return None
    if session.get(Category, code) is None:
        session.add(Category(code=code, name_zh=code, description=""))
        session.flush()
    return code


def ensure_organization(session: Session, name: str, *, collective: bool = False,
                        in_registry: bool = False) -> Organization:
    org = session.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        org = Organization(name=name, is_collective=collective, in_registry=in_registry)
        session.add(org)
        session.flush()
    return org


def _campaign_id(session: Session, notice: Notice) -> int | None:
    m = notice.meta
    if m.year is None and m.level is None:
        return None
    key = {"year": m.year or 0, "level": m.level or "", "region": m.region or "",
           "organizer": m.issuers[0] if m.issuers else ""}
    found = session.scalars(select(Campaign).filter_by(**key)).first()
    if found is None:
        found = Campaign(**key)
        session.add(found)
        session.flush()
    return found.id


def sync_categories(engine: Engine, categories: dict[str, tuple[str, str]]) -> None:
    """Upsert the category table from the normalizer's data (code → (中文, description))."""
    with Session(engine) as session, session.begin():
        for code, (zh, desc) in categories.items():
            row = session.get(Category, code)
            if row is None:
                session.add(Category(code=code, name_zh=zh, description=desc))
            else:
                row.name_zh, row.description = zh, desc
