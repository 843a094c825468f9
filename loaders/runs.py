"""Run records: every run gets a load id stamped on the rows it writes, and an owner that says
whether it is still alive.

A run records its owner (host, pid, the process's start time) and a heartbeat it refreshes every
``HEARTBEAT_S`` while it runs. ``mark_dead_runs``, called by every command that opens the store,
marks ``interrupted`` each ``running`` run that is no longer alive: on this host, its process is
gone (or the pid now belongs to another process); on another host, its heartbeat is older than
``STALE_S``. So a kill -9, a power cut or a Ctrl-C never leaves a run "running" for ever.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from loaders.db import writer
from loaders.models import Run, SourceFile
from loaders.procs import alive, start_time
from loaders.store import now

HEARTBEAT_S = 30.0
STALE_S = 600.0  # a run on another host without a heartbeat for this long is dead
LIVE, INTERRUPTED = "running", "interrupted"
_beats: dict[str, threading.Event] = {}


def new_load_id() -> str:
    return now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def owner() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(), "pid_started": start_time(os.getpid())}


def start_run(engine: Engine, load_id: str, params: dict[str, Any]) -> None:
    with Session(writer(engine)) as session, session.begin():
        session.add(Run(id=load_id, started_at=now(), status=LIVE, params={**params, "owner": owner()},
                        summary={"heartbeat": now().isoformat()}))
    _start_heartbeat(engine, load_id)


def _start_heartbeat(engine: Engine, load_id: str) -> None:
    stop = _beats[load_id] = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_S):
            try:
                with writer(engine).begin() as conn:
                    conn.execute(update(Run).where(Run.id == load_id, Run.status == LIVE)
                                 .values(summary={"heartbeat": now().isoformat()}))
            except Exception:  # a busy or closed store: the next beat tries again
                continue

    threading.Thread(target=beat, name=f"qmetl-heartbeat-{load_id}", daemon=True).start()


def _stop_heartbeat(load_id: str) -> None:
    stop = _beats.pop(load_id, None)
    if stop is not None:
        stop.set()


def finish_run(engine: Engine, load_id: str, status: str, summary: dict[str, Any]) -> None:
    _stop_heartbeat(load_id)
    with Session(writer(engine)) as session, session.begin():
        run = session.get(Run, load_id)
        if run is not None:
            run.finished_at, run.status, run.summary = now(), status, summary


def is_dead(run: Run, host: str, at: datetime) -> bool:
    who = (run.params or {}).get("owner") or {}
    if who.get("host") == host and who.get("pid"):
        return not alive(int(who["pid"]), who.get("pid_started"))
    beat = (run.summary or {}).get("heartbeat")
    last = datetime.fromisoformat(beat) if isinstance(beat, str) else run.started_at
    return at - last > timedelta(seconds=STALE_S)


def mark_dead_runs(engine: Engine) -> list[str]:
    """Mark ``interrupted`` every run still ``running`` whose process is gone; their load ids."""
    host, at = socket.gethostname(), now()
    with Session(engine) as session:
        running = list(session.scalars(select(Run).where(Run.status == LIVE)))
        dead = [r.id for r in running if is_dead(r, host, at)]
    for load_id in dead:
        interrupt_run(engine, load_id, "its process ended without finishing the run (killed or crashed)")
    return dead


def interrupt_run(engine: Engine, load_id: str, why: str, summary: dict[str, Any] | None = None) -> None:
    """The run ended before its summary: ``interrupted``, with why (rows it loaded are complete documents)."""
    _stop_heartbeat(load_id)
    with Session(writer(engine)) as session, session.begin():
        run = session.get(Run, load_id)
        if run is not None and run.status == LIVE:
            run.status, run.finished_at = INTERRUPTED, now()
            run.summary = {**(summary or {}), "interrupted": why}


def own_runs(engine: Engine) -> list[str]:
    """Load ids of the runs this process started and has not finished."""
    me = owner()
    with Session(engine) as session:
        return [r.id for r in session.scalars(select(Run).where(Run.status == LIVE))
                if ((r.params or {}).get("owner") or {}).get("pid") == me["pid"]
                and r.params["owner"].get("host") == me["host"]]


def loaded_by(engine: Engine, load_id: str) -> int:
    """Files the run ``load_id`` loaded (each one a complete document: one transaction per file)."""
    with Session(engine) as session:
        return len(list(session.scalars(select(SourceFile.id).where(SourceFile.load_id == load_id,
                                                                    SourceFile.state.in_(("loaded", "off_topic"))))))


def last_run_params(engine: Engine) -> dict[str, Any]:
    """Parameters of the most recently started run ({} on a new store)."""
    with Session(engine) as session:
        run = session.scalars(select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
        return dict(run.params or {}) if run else {}


def last_run_status(engine: Engine) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(Run.status).order_by(Run.started_at.desc(), Run.id.desc()).limit(1))


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
