"""Run records: every run gets a load id stamped on the rows it writes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from loaders.db import writer
from loaders.models import Run, SourceFile
from loaders.store import now


def new_load_id() -> str:
    return now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def start_run(engine: Engine, load_id: str, params: dict[str, Any]) -> None:
    with Session(writer(engine)) as session, session.begin():
        session.add(Run(id=load_id, started_at=now(), status="running", params=params, summary={}))


def finish_run(engine: Engine, load_id: str, status: str, summary: dict[str, Any]) -> None:
    with Session(writer(engine)) as session, session.begin():
        run = session.get(Run, load_id)
        if run is not None:
            run.finished_at, run.status, run.summary = now(), status, summary


def last_run_params(engine: Engine) -> dict[str, Any]:
    """Parameters of the most recently started run ({} on a new store)."""
    with Session(engine) as session:
        run = session.scalars(select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
        return dict(run.params or {}) if run else {}


def file_states(engine: Engine) -> list[dict[str, Any]]:
    """Every file seen, for `qmetl status`; ``last_run`` says what the latest run did with it
    (its state if that run wrote the file's row, ``skipped`` when the file was left unchanged)."""
    with Session(engine) as session:
        latest = session.scalar(select(Run.id).order_by(Run.started_at.desc(), Run.id.desc()).limit(1))
        rows = session.scalars(select(SourceFile).order_by(SourceFile.path)).all()
        return [
            {"path": r.path, "name": r.name, "state": r.state, "format": r.format, "sha256": r.sha256[:12],
             "last_run": r.state if r.load_id == latest or r.state == "withdrawn" else "skipped",
             "error_code": r.error_code, "reason": r.reason, "error": r.error_message, "quarantine": r.quarantine_path,
             "loaded_at": r.loaded_at.isoformat(timespec="seconds") if r.loaded_at else None,
             "last_seen_at": r.last_seen_at.isoformat(timespec="seconds"), "load_id": r.load_id}
            for r in rows
        ]
