"""Exports read back from the store (never from memory): one NAME.EXT.json per source file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from loaders.models import ActivityRow, Document, DocumentReference, NoticePart, SourceFile
from schemas import Activity, BBox, DocumentMeta, Notice, OrganizerRef, OutlineItem, Span
from schemas.provenance import RowProvenance


def notice_from_store(session: Session, doc: Document) -> Notice:
    refs = session.scalars(
        select(DocumentReference).where(DocumentReference.document_id == doc.id).order_by(DocumentReference.position)
    ).all()
    meta = DocumentMeta(
        title=doc.title, doc_number=doc.doc_number, issuers=list(doc.issuers or []),
        issuers_raw=list(doc.issuers_raw or []), date=doc.date, year=doc.year, level=doc.level,  # type: ignore[arg-type]
        region=doc.region, region_source=doc.region_source, theme=doc.theme, slogans=list(doc.slogans or []),
        references=[r.doc_number for r in refs], attachments=list(doc.attachments or []), off_topic=doc.off_topic,
    )
    outline = [
        OutlineItem(seq=o.seq, path=o.path, marker=o.marker, depth=o.depth, heading=o.heading, text=o.text,
                    body=o.body, span=_span(o.pages, o.bbox))
        for o in doc.outline_items
    ]
    activities = [_activity(a) for a in doc.activities]
    children = session.scalars(
        select(Document).where(Document.parent_id == doc.id).order_by(Document.position).options(*_loads())
    ).all()
    return Notice(meta=meta, outline=outline, activities=activities,
                  embedded=[notice_from_store(session, c) for c in children], span=Span(pages=list(doc.pages or [])))


def _span(pages: list[Any] | None, bbox: dict[str, Any] | None) -> Span:
    return Span(pages=list(pages or []), bbox=BBox(**bbox) if bbox else None)


def _activity(a: ActivityRow) -> Activity:
    return Activity(
        seq=a.seq, source=a.source, category_raw=a.category_raw, category=a.category,  # type: ignore[arg-type]
        category_method=a.category_method, category_confidence=a.category_confidence,
        category_evidence=a.category_evidence, category_key=a.category_key, project=a.project, content=a.content,
        organizers_raw=a.organizers_raw, time=a.time, place=a.place, outline_path=a.outline_path,
        extra=dict(a.extra or {}), span=_span(a.pages, a.bbox),
        provenance=RowProvenance.model_validate(a.provenance) if a.provenance else None,
        organizer_refs=[
            OrganizerRef(raw=o.raw, name=o.organization.name, role=o.role, resolved=o.resolved,  # type: ignore[arg-type]
                         collective=o.organization.is_collective, method=o.method)
            for o in a.organizers
        ],
    )


def _loads() -> list[Any]:
    return [
        selectinload(Document.outline_items),
        selectinload(Document.activities).selectinload(ActivityRow.organizers),
    ]


def _payloads(session: Session) -> Iterator[tuple[SourceFile, dict[str, Any]]]:
    """(file, SPEC §4 payload) for every current source file, in file-name order. A notice file with
    attachments (notice_parts) carries them: its activities are its own tables' and its parts'."""
    files = session.scalars(select(SourceFile).where(SourceFile.state.in_(("loaded", "off_topic"))).order_by(SourceFile.name)).all()
    by_id = {f.id: f for f in files}
    parts = session.scalars(select(NoticePart).order_by(NoticePart.notice_file_id, NoticePart.position)).all()
    for f in files:
        payload = _file_payload(session, f)
        if payload is None:
            continue
        mine = [p for p in parts if p.notice_file_id == f.id and p.part_file_id in by_id]
        if mine:
            _with_parts(session, payload, [(p, by_id[p.part_file_id]) for p in mine])
        owner = next((by_id[p.notice_file_id] for p in parts if p.part_file_id == f.id and p.notice_file_id in by_id), None)
        if owner is not None:
            payload["part_of"] = owner.name
        yield f, payload


def _file_payload(session: Session, f: SourceFile) -> dict[str, Any] | None:
    doc = session.scalars(
        select(Document).where(Document.source_file_id == f.id, Document.parent_id.is_(None)).options(*_loads())
    ).first()
    if doc is None:
        return None
    payload = notice_from_store(session, doc).to_export()
    payload["source"] = {"file": f.name, "sha256": f.sha256, "format": f.format, "document_id": doc.id}
    return payload


def _with_parts(session: Session, payload: dict[str, Any], parts: list[tuple[NoticePart, SourceFile]]) -> None:
    """One notice with its parts: the page's metadata and outline; activities from every table (the
    page's own and its attachments'); list activities only when no file of the notice has a table."""
    own = payload.get("activities") or []
    listed = []
    tables = [a for a in own if a.get("source") == "table"]
    lists = [a for a in own if a.get("source") != "table"]
    for link, part_file in parts:
        part = _file_payload(session, part_file) or {}
        acts = part.get("activities") or []
        tables += [{**a, "part": part_file.name} for a in acts if a.get("source") == "table"]
        lists += [{**a, "part": part_file.name} for a in acts if a.get("source") != "table"]
        listed.append({"file": part_file.name, "label": link.label, "format": part_file.format,
                       "activities": len(acts)})
    payload["activities"] = tables or lists
    payload["parts"] = listed


def export_json(engine: Engine, out_dir: Path) -> list[Path]:
    """Write NAME.EXT.json (SPEC §4) for every current source file (off-topic ones carry off_topic: true)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Session(engine) as session:
        for f, payload in _payloads(session):
            target = out_dir / f"{f.name}.json"
            target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written.append(target)
    return written


def export_jsonl(engine: Engine, out: Path) -> tuple[Path, int]:
    """Write JSON Lines: one notice per line (SPEC §4 keys plus ``source``); ``out`` is a file or a folder."""
    target = out / "notices.jsonl" if out.suffix != ".jsonl" else out
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with Session(engine) as session, target.open("w", encoding="utf-8") as fh:
        for _f, payload in _payloads(session):
            fh.write(json.dumps(payload, ensure_ascii=False) + "\n")
            count += 1
    return target, count


UTF8_BOM = b"\xef\xbb\xbf"


def add_utf8_bom(path: Path) -> Path:
    """Prefix a UTF-8 text file with the byte-order mark Excel needs to read it as UTF-8 (Chinese text
    otherwise shows as mojibake); a file that already starts with it is left as it is."""
    data = path.read_bytes()
    if not data.startswith(UTF8_BOM):
        path.write_bytes(UTF8_BOM + data)
    return path
