"""Parse in parallel, load serially: the two halves of ``process_file`` as separate steps.

``analyze_file`` (read → structure → normalize) touches no database, so any worker — a
thread, a process, a Dask worker on another machine — can run it; its ``Analysis`` is a
picklable value. ``load_analysis`` writes one analysis to the store and runs in the flow,
one document at a time, in file order (SQLite has one writer; the order keeps generated
ids, hence exports, identical whatever the executor).
"""

from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from extractors import parse_notice, read_layout
from loaders.db import get_engine
from loaders.store import FileInfo, load_notice, record_failure, unchanged
from normalizers import NormalizeContext, normalize_notice
from pipeline.config import Settings
from pipeline.process import FileOutcome, TransientError, file_info, quarantine, versions
from schemas import Notice, StageError

CODE_PACKAGES = ("schemas", "extractors", "normalizers")
_POOL: ContextVar[ProcessPoolExecutor | None] = ContextVar("qmetl_process_pool", default=None)


class Analysis(BaseModel):
    """Everything the load step needs about one file; no engine, no session, no open file."""

    path: str
    name: str
    sha256: str
    size: int
    format: str | None = None
    parsed: Notice | None = None
    normalized: Notice | None = None
    error: StageError | None = None
    warnings: list[str] = Field(default_factory=list)
    pages: int = 0
    timings: dict[str, float] = Field(default_factory=dict)

    def info(self) -> FileInfo:
        return FileInfo(self.path, self.name, self.sha256, self.size, self.format)


def analyze_file(path: str, sha256: str | None = None) -> Analysis:
    """Read, structure and normalize one file; bad input ends as an Analysis with ``error`` set."""
    p = Path(path)
    info = file_info(p) if sha256 is None else FileInfo(path, p.name, sha256, p.stat().st_size)
    base = Analysis(path=path, name=p.name, sha256=info.sha256, size=info.size)
    t0 = time.perf_counter()
    layout = read_layout(p, sha256=info.sha256)
    base.timings["read"] = time.perf_counter() - t0
    base.warnings = list(layout.warnings)
    if not layout.ok or layout.value is None:
        return _failed(base, layout.errors[0])
    base.format, base.pages = layout.value.source.format.value, len(layout.value.pages)
    t1 = time.perf_counter()
    parsed = parse_notice(layout.value)
    base.timings["structure"] = time.perf_counter() - t1
    if not parsed.ok or parsed.value is None:
        return _failed(base, parsed.errors[0])
    t2 = time.perf_counter()
    normalized = normalize_notice(parsed.value, NormalizeContext(file=path))
    base.timings["normalize"] = time.perf_counter() - t2
    if not normalized.ok or normalized.value is None:
        return _failed(base, normalized.errors[0])
    base.warnings += parsed.warnings + normalized.warnings
    base.parsed, base.normalized = parsed.value, normalized.value
    return base


def run_analysis(path: str, sha256: str | None = None) -> Analysis:
    """``analyze_file`` in the current ``process_pool`` when one is open, else right here."""
    pool = _POOL.get()
    return pool.submit(analyze_file, path, sha256).result() if pool else analyze_file(path, sha256)


@contextmanager
def process_pool(workers: int) -> Iterator[None]:
    """With ``workers`` >= 2: fresh (spawned) interpreters for ``run_analysis`` while the caller's
    threads (Prefect tasks) wait on them. Children import only this module's code: a ``__main__``
    without a module spec (a script such as flows.py or the ``qmetl`` launcher) would otherwise be
    re-imported, with Prefect and the CLI, in every child."""
    if workers < 2:
        yield
        return
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    if spec is None:
        main.__spec__ = importlib.util.find_spec(__name__)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            token = _POOL.set(pool)
            try:
                yield
            finally:
                _POOL.reset(token)
    finally:
        main.__spec__ = spec


def _failed(a: Analysis, error: StageError) -> Analysis:
    a.error = error
    return a


def check_unchanged(path: Path, settings: Settings) -> tuple[FileInfo, bool]:
    """The file's identity, and whether the store already holds it with this content and code."""
    info = file_info(path)
    return info, (not settings.force and unchanged(get_engine(settings.db), info, versions()))


def skipped(path: Path) -> FileOutcome:
    return FileOutcome(path=str(path), name=path.name, state="skipped")


def load_analysis(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    """Store one analysis (or its failure, with a quarantine copy); a locked store is transient."""
    try:
        return _store(a, settings, load_id)
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise TransientError(f"{a.path}: store busy ({exc.orig}); will retry") from exc
        raise


def _store(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    engine = get_engine(settings.db)
    t0 = time.perf_counter()
    if a.error is not None or a.normalized is None or a.parsed is None:
        error = a.error or StageError(stage="normalize", code="normalize.empty", message="no notice", file=a.path)
        target = quarantine(Path(a.path), Path(settings.quarantine), a.sha256)
        record_failure(engine, a.info(), error, load_id, str(target), a.warnings)
        return FileOutcome(path=a.path, name=a.name, state="failed", error=error, warnings=a.warnings,
                           timings=a.timings, pages=a.pages)
    doc_id = load_notice(engine, a.info(), a.parsed, a.normalized, versions(), load_id, a.warnings,
                         seconds=sum(a.timings.values()))
    timings = {**a.timings, "load": time.perf_counter() - t0}
    return loaded_outcome(a, a.normalized, doc_id, timings)


def loaded_outcome(a: Analysis, notice: Notice, doc_id: str, timings: dict[str, float]) -> FileOutcome:
    notices = [notice, *notice.embedded]
    unresolved = sorted({r.raw for n in notices for act in n.activities for r in act.organizer_refs
                         if not r.resolved and not r.collective})
    return FileOutcome(
        path=a.path, name=a.name, state="loaded", warnings=a.warnings, document_id=doc_id, pages=a.pages,
        activities=sum(len(n.activities) for n in notices), outline_items=sum(len(n.outline) for n in notices),
        unresolved=unresolved, timings=timings,
    )


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the extract/normalize code and rule data, so a cached analysis never outlives an edit
    that forgot to bump a version string."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for f in sorted((root / package).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                digest.update(str(f.relative_to(root)).encode("utf-8"))
                digest.update(f.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_key(path: str, sha256: str, fingerprint: str) -> str:
    """Cache key of an analysis: content hash + extractor/normalizer versions + code fingerprint + path."""
    vers = versions()
    tail = hashlib.sha256(f"{vers.extractor}|{vers.normalizer}|{fingerprint}|{path}".encode()).hexdigest()
    return f"qmetl-analysis-{sha256[:32]}-{tail[:16]}"
