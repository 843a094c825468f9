"""Idempotent, per-document-atomic loads into the store.

A file's derived rows are replaced in one transaction (delete, then insert under the
same deterministic ids): a crash leaves the previous version intact, a rerun leaves the
same rows. Lookup rows (organizations, campaigns, categories) are upserted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loaders.category_overrides import METHOD_OVERRIDE
from loaders.category_overrides import overrides as category_overrides
from loaders.checkpoints import checkpoint
from loaders.db import writer
from loaders.lookups import (
    campaign_id,
    campaign_key,
    ensure_lookups,
    organization_ids,
    organization_rows,
    upsert_categories,
)
from loaders.models import (
    ActivityOrganizer,
    ActivityRow,
    Document,
    DocumentReference,
    Organization,
    OutlineItemRow,
    SourceFile,
)
from loaders.names import storable, storable_tree
from schemas import Activity, ErrorKind, Notice, StageError


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def document_id(sha256: str, name: str) -> str:
    """Deterministic id of a file's top-level document: from its content and name, not its folder,
    so two stores (or two machines) loading the same files export the same ids."""
    return "d" + hashlib.sha1(f"{sha256}:{storable(name)}".encode()).hexdigest()[:15]


def path_document_id(path: str) -> str:
    """The fallback id when another file with the same content and name already holds the first."""
    return "p" + hashlib.sha1(storable(path).encode("utf-8")).hexdigest()[:15]


def _choose_document_id(session: Session, info: FileInfo, file_id: int) -> str:
    preferred = document_id(info.sha256, info.name)
    owner = session.scalar(select(Document.source_file_id).where(Document.id == preferred))
    return preferred if owner in (None, file_id) else path_document_id(info.path)


@dataclass(frozen=True)
class FileInfo:
    path: str
    name: str
    sha256: str
    size: int
    format: str | None = None


def stored_info(info: FileInfo) -> FileInfo:
    """``info`` with its path and name in their storable form (names of any bytes, see loaders.names)."""
    path, name = storable(info.path), storable(info.name)
    if path == info.path and name == info.name:
        return info
    return FileInfo(path, name, info.sha256, info.size, info.format)


@dataclass(frozen=True)
class Versions:
    extractor: str
    normalizer: str


SETTLED = ("loaded", "off_topic", "failed")


def get_file(session: Session, path: str) -> SourceFile | None:
    return session.scalars(select(SourceFile).where(SourceFile.path == storable(path))).first()


def is_current(row: SourceFile | None, info: FileInfo, versions: Versions) -> bool:
    """The stored outcome for this file is still valid: same content, same code, a settled state."""
    return (
        row is not None and row.state in SETTLED and row.sha256 == info.sha256
        and row.extractor_version == versions.extractor and row.normalizer_version == versions.normalizer
        and (row.state != "failed" or row.error_kind == ErrorKind.TERMINAL.value)
    )


@dataclass(frozen=True)
class Settled:
    """The stored outcome of an unchanged file: its state and, when it failed, why."""

    state: str
    error_stage: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    reason: str | None = None


def settled_many(engine: Engine, infos: Iterable[FileInfo], versions: Versions) -> dict[str, Settled]:
    """``settled`` for many files in a few queries (a rerun of 100 unchanged files is one round trip)."""
    by_path = {storable(i.path): i for i in infos}
    paths, out = sorted(by_path), {}
    with Session(engine) as session:
        for start in range(0, len(paths), 500):
            chunk = paths[start:start + 500]
            for row in session.scalars(select(SourceFile).where(SourceFile.path.in_(chunk))):
                if is_current(row, stored_info(by_path[row.path]), versions):
                    out[by_path[row.path].path] = Settled(row.state, row.error_stage, row.error_code, row.error_message, row.reason)
    return out


def _claim_file(session: Session, info: FileInfo) -> SourceFile:
    """The file's row, created if new, locked until the transaction ends (PostgreSQL: FOR UPDATE)."""
    t = now()
    stmt = _insert(session, SourceFile.__table__).values(
        path=info.path, name=info.name, sha256=info.sha256, size=info.size, format=info.format, state="new",
        warnings=[], first_seen_at=t, last_seen_at=t,
    ).on_conflict_do_nothing(index_elements=["path"])
    session.execute(stmt)
    return session.scalars(select(SourceFile).where(SourceFile.path == info.path).with_for_update()).one()


def _describe(row: SourceFile, info: FileInfo) -> None:
    row.name, row.sha256, row.size, row.last_seen_at = info.name, info.sha256, info.size, now()
    if info.format:
        row.format = info.format


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def record_failure(engine: Engine, info: FileInfo, error: StageError, load_id: str, versions: Versions,
                   quarantine_path: str | None = None, warnings: Iterable[str] = (),
                   reason: str | None = None) -> bool:
    """A file that could not be parsed: its state, reason and quarantine copy; no document rows.

    A transient failure (a converter missing, a timeout: the environment's, not the file's) of a
    file the store holds loaded from the same content keeps that document: nothing is written, and
    False says so."""
    info = stored_info(info)
    with Session(writer(engine)) as session, session.begin():
        row = _claim_file(session, info)
        if (error.kind == ErrorKind.TRANSIENT and row.state in ("loaded", "off_topic")
                and row.sha256 == info.sha256):
            return False
        _describe(row, info)
        session.execute(delete(Document).where(Document.source_file_id == row.id))
        row.state, row.error_stage, row.error_code, row.error_kind = "failed", error.stage, error.code, error.kind.value
        row.error_message, row.reason = storable(str(error)), storable(reason) if reason else None
        row.quarantine_path = storable(quarantine_path) if quarantine_path else None
        row.warnings, row.load_id, row.parsed, row.loaded_at = storable_tree(list(warnings)), load_id, None, None
        row.extractor_version, row.normalizer_version = versions.extractor, versions.normalizer
    return True


@dataclass(frozen=True)
class LoadResult:
    document_id: str
    written: bool = True  # False: another run loaded the same content first, nothing was written


def load_notice(engine: Engine, info: FileInfo, parsed: Notice, normalized: Notice, versions: Versions,
                load_id: str, warnings: Iterable[str] = (), seconds: float | None = None, *,
                flag: StageError | None = None, quarantine_path: str | None = None,
                reason: str | None = None, replace_current: bool = True) -> LoadResult:
    """Replace the file's documents with ``normalized`` in one transaction.

    ``flag`` marks a parsed-but-off-topic file (state ``off_topic``, its reason kept). With
    ``replace_current=False`` a file another run has already stored from the same content
    and code is left alone (two runs at once load each file once).
    """
    escaped, info = stored_info(info) is not info, stored_info(info)
    ensure_lookups(engine, normalized)
    with Session(writer(engine)) as session, session.begin():
        row = _claim_file(session, info)
        if not replace_current and is_current(row, info, versions):
            return LoadResult(document_id(info.sha256, info.name), written=False)
        _describe(row, info)
        session.execute(delete(Document).where(Document.source_file_id == row.id))
        session.flush()
        doc_id = _choose_document_id(session, info, row.id)
        ctx = _InsertContext(session, versions, load_id, row.id,
                             organization_ids(session, (r["name"] for r in organization_rows(normalized))),
                             category_overrides(session))
        _insert_notice(ctx, normalized, doc_id, None, 0)
        checkpoint("load.mid")
        row.state = "off_topic" if flag else "loaded"
        row.error_stage, row.error_code = (flag.stage, flag.code) if flag else (None, None)
        row.error_kind, row.error_message = (flag.kind.value, str(flag)) if flag else (None, None)
        row.reason, row.warnings = reason, storable_tree(list(warnings))
        row.quarantine_path = storable(quarantine_path) if quarantine_path else None
        dumped = parsed.model_dump(mode="json")
        row.parsed = storable_tree(dumped) if escaped else dumped  # the parse names the file too
        row.extractor_version, row.normalizer_version = versions.extractor, versions.normalizer
        row.loaded_at, row.load_id, row.seconds = now(), load_id, seconds
    return LoadResult(doc_id)


def mark_withdrawn(engine: Engine, present: set[str], under: str) -> list[str]:
    """Files under ``under`` that were stored before and are gone now: withdrawn, not current."""
    withdrawn: list[str] = []
    present, under = {storable(p) for p in present}, storable(under)
    with Session(writer(engine)) as session, session.begin():
        rows = session.scalars(select(SourceFile).where(SourceFile.state != "withdrawn")).all()
        for row in rows:
            if row.path.startswith(under) and row.path not in present:
                row.state = "withdrawn"
                session.execute(update(Document).where(Document.source_file_id == row.id).values(is_current=False))
                withdrawn.append(row.path)
    return withdrawn


@dataclass(frozen=True)
class StoredParse:
    info: FileInfo
    parsed: dict[str, Any]
    versions: Versions
    state: str


def stored_parses(engine: Engine, normalizer_version: str | None, chunk: int = 100) -> Iterator[StoredParse]:
    """Stored parses of current files in path order, only those normalized by another version unless
    None; read ``chunk`` rows at a time, so memory stays flat however many documents the store holds."""
    wanted = SourceFile.state.in_(("loaded", "off_topic")) & SourceFile.parsed.is_not(None)
    if normalizer_version is not None:
        wanted &= SourceFile.normalizer_version != normalizer_version
    with Session(engine) as session:
        ids = list(session.scalars(select(SourceFile.id).where(wanted).order_by(SourceFile.path)))
    for start in range(0, len(ids), chunk):
        with Session(engine) as session:
            rows = session.scalars(select(SourceFile).where(SourceFile.id.in_(ids[start:start + chunk]))
                                   .order_by(SourceFile.path))
            parses = [StoredParse(FileInfo(r.path, r.name, r.sha256, r.size, r.format), dict(r.parsed or {}),
                                  Versions(r.extractor_version or "", r.normalizer_version or ""), r.state)
                      for r in rows]
        yield from parses


@dataclass
class _InsertContext:
    session: Session
    versions: Versions
    load_id: str
    file_id: int
    org_ids: dict[str, int]
    category_overrides: dict[str, str] = field(default_factory=dict)  # text key → code


def _insert_notice(ctx: _InsertContext, notice: Notice, doc_id: str, parent: str | None, position: int) -> None:
    m, v = notice.meta, ctx.versions
    ctx.session.add(Document(
        id=doc_id, source_file_id=ctx.file_id, parent_id=parent, position=position,
        campaign_id=campaign_id(ctx.session, campaign_key(notice)), title=m.title, doc_number=m.doc_number,
        issuers=list(m.issuers), issuers_raw=list(m.issuers_raw), date=m.date, year=m.year, level=m.level,
        region=m.region, region_source=m.region_source, theme=m.theme, slogans=list(m.slogans),
        attachments=list(m.attachments),
        off_topic=m.off_topic, pages=list(notice.span.pages), is_current=True, load_id=ctx.load_id,
        extractor_version=v.extractor, normalizer_version=v.normalizer,
    ))
    ctx.session.flush()
    stamp = {"load_id": ctx.load_id, "extractor_version": v.extractor}
    ctx.session.add_all(_outline_rows(notice, doc_id, stamp))
    ctx.session.add_all(_reference_rows(notice, doc_id))
    ctx.session.add_all(_activity_row(ctx, a, doc_id, i, stamp) for i, a in enumerate(notice.activities))
    ctx.session.flush()
    for i, child in enumerate(notice.embedded, start=1):
        _insert_notice(ctx, child, f"{doc_id}e{i}", doc_id, i)


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


def _activity_row(ctx: _InsertContext, a: Activity, doc_id: str, index: int, stamp: dict[str, str]) -> ActivityRow:
    row = ActivityRow(
        id=f"{doc_id}-a{index + 1}", document_id=doc_id, position=index + 1, seq=a.seq, source=a.source,
        category_raw=a.category_raw, category=a.category, category_method=a.category_method,
        category_confidence=a.category_confidence, category_evidence=a.category_evidence, category_key=a.category_key,
        project=a.project, content=a.content, organizers_raw=a.organizers_raw, time=a.time, place=a.place,
        outline_path=a.outline_path, extra=dict(a.extra), pages=list(a.span.pages),
        page=a.span.pages[0] if a.span.pages else None, bbox=a.span.bbox.model_dump() if a.span.bbox else None,
        provenance=a.provenance.model_dump(mode="json") if a.provenance else None,
        normalizer_version=ctx.versions.normalizer, **stamp,
    )
    if a.category_key in ctx.category_overrides:  # an analyst's correction outlives every reload
        row.category, row.category_method = ctx.category_overrides[a.category_key], METHOD_OVERRIDE
    row.organizers = [
        ActivityOrganizer(position=pos, organization_id=ctx.org_ids[ref.name], role=ref.role, raw=ref.raw,
                          resolved=ref.resolved, method=ref.method)
        for pos, ref in enumerate(a.organizer_refs)
    ]
    return row


def sync_categories(engine: Engine, categories: dict[str, tuple[str, str]]) -> None:
    """Upsert the category table from the normalizer's data (code → (中文, description))."""
    upsert_categories(engine, categories, update=True)


def ensure_organization(session: Session, name: str, *, collective: bool = False,
                        in_registry: bool = False) -> Organization:
    """The organization named ``name``, inserted (without a race) when new."""
    session.execute(_insert(session, Organization.__table__).values(
        name=name, is_collective=collective, in_registry=in_registry).on_conflict_do_nothing(index_elements=["name"]))
    return session.scalars(select(Organization).where(Organization.name == name)).one()
