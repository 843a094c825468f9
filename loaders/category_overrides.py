"""Analysts' category corrections (table category_overrides) and the low-confidence review list.

An override is keyed by the activity's text key (activities.category_key, computed by the
normalizer from label + project + content), not by row id: it holds for the same activity in
every variant of a notice (PDF, DOCX, scan), after a rerun and after `qmetl renormalize`, which
all rewrite the rows — the loader applies the overrides to every activity it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from loaders.db import writer
from loaders.models import ActivityRow, Category, CategoryOverride, Document, SourceFile

METHOD_OVERRIDE = "override"


def overrides(session: Session) -> dict[str, str]:
    """Every override: key → category code."""
    return {key: code for key, code in session.execute(select(CategoryOverride.key, CategoryOverride.category))}


def record_override(engine: Engine, key: str, code: str, note: str | None = None) -> int:
    """Store (or replace) the override of ``key`` and apply it to the rows already loaded;
    returns how many activities it changed. Unknown codes and keys are refused with a message."""
    with Session(writer(engine)) as session, session.begin():
        known = set(session.scalars(select(Category.code)))
        if code not in known:
            raise ValueError(f"category {code!r} is not a category code; expected one of {sorted(known)}")
        rows = session.scalars(select(ActivityRow).where(ActivityRow.category_key == key)).all()
        if not rows:
            raise ValueError(f"no activity has the key {key!r} (see `qmetl categories review` for keys)")
        session.merge(CategoryOverride(key=key, category=code, note=note, example=rows[0].content[:500],
                                       created_at=datetime.now(UTC)))
        session.execute(update(ActivityRow).where(ActivityRow.category_key == key)
                        .values(category=code, category_method=METHOD_OVERRIDE))
        return len(rows)


def remove_override(engine: Engine, key: str) -> bool:
    """Drop an override (the rows keep the corrected code until they are next loaded)."""
    with Session(writer(engine)) as session, session.begin():
        row = session.get(CategoryOverride, key)
        if row:
            session.delete(row)
        return row is not None


@dataclass(frozen=True)
class ReviewRow:
    key: str
    file: str
    seq: int
    category: str | None
    method: str | None
    confidence: float | None
    deciding: list[str]
    runner_up: str | None
    label: str | None
    content: str


def low_confidence(engine: Engine, below: float, limit: int = 100) -> list[ReviewRow]:
    """Activities of current documents whose category confidence is below ``below`` (and not
    overridden), least confident first; one row per key (the variants of a notice repeat it)."""
    stmt = (select(ActivityRow, SourceFile.name).join(Document, Document.id == ActivityRow.document_id)
            .join(SourceFile, SourceFile.id == Document.source_file_id)
            .where(Document.is_current.is_(True), ActivityRow.category_confidence < below,
                   ActivityRow.category_method != METHOD_OVERRIDE)
            .order_by(ActivityRow.category_confidence, SourceFile.name, ActivityRow.position))
    out: dict[str, ReviewRow] = {}
    with Session(engine) as session:
        for a, name in session.execute(stmt):
            if a.category_key in out or len(out) >= limit:
                continue
            ev = a.category_evidence or {}
            scores = {k: v for k, v in (ev.get("scores") or {}).items() if k != a.category}
            out[a.category_key or a.id] = ReviewRow(
                a.category_key or "", name, a.seq, a.category, a.category_method, a.category_confidence,
                list(ev.get("deciding") or []), max(scores, key=scores.__getitem__) if scores else None,
                a.category_raw, a.content)
    return list(out.values())


def all_overrides(engine: Engine) -> list[CategoryOverride]:
    with Session(engine) as session:
        return list(session.scalars(select(CategoryOverride).order_by(CategoryOverride.created_at)))
