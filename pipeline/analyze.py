"""Parse in parallel, load serially: ``process_file`` cut at the expensive, database-free part.

``pipeline.process.triage`` (in the flow, serial, cheap): hash, skip what the store already
settled (one query), run the input guards. ``analyze_file`` (any worker — a thread, a process,
a Dask worker on another machine): read → structure, the costly stages; its ``Analysis`` is a picklable value.
``load_analysis`` (in the flow, one document at a time, in file order): normalize and load
through ``pipeline.process.load_parsed``, the same code ``process_file`` runs — SQLite has one
writer, and the fixed order keeps generated ids, hence exports, identical whatever the executor.
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
from loaders.store import FileInfo
from pipeline.config import Settings
from pipeline.fetch.context import inherit_meta, notice_of
from pipeline.process import FileOutcome, TransientError, _fail, file_info, guarded, load_parsed, versions
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
    error: StageError | None = None
    warnings: list[str] = Field(default_factory=list)
    pages: int = 0
    timings: dict[str, float] = Field(default_factory=dict)

    def info(self) -> FileInfo:
        return FileInfo(self.path, self.name, self.sha256, self.size, self.format)


def analyze_file(path: str, sha256: str | None = None) -> Analysis:
    """Read and structure one file; bad input (or a reader bug) ends as an Analysis with ``error``."""
    p = Path(path)
    info = file_info(p) if sha256 is None else FileInfo(path, p.name, sha256, p.stat().st_size)
    a = Analysis(path=path, name=p.name, sha256=info.sha256, size=info.size)
    t0 = time.perf_counter()
    layout = guarded("extract", path, lambda: read_layout(p, sha256=info.sha256))
    a.timings["read"] = time.perf_counter() - t0
    a.warnings = list(layout.warnings)
    if not layout.ok or layout.value is None:
        return _failed(a, layout.errors[0])
    doc = layout.value
    a.format, a.pages = doc.source.format.value, len(doc.pages)
    t1 = time.perf_counter()
    parsed = guarded("structure", path, lambda: parse_notice(doc))
    a.timings["structure"] = time.perf_counter() - t1
    if not parsed.ok or parsed.value is None:
        return _failed(a, parsed.errors[0])
    a.warnings += parsed.warnings
    a.parsed = parsed.value
    owner = notice_of(p)
    if owner is not None:
        a.warnings += inherit_meta(a.parsed, owner)
    return a


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


def skipped(path: Path) -> FileOutcome:
    return FileOutcome(path=str(path), name=path.name, state="skipped")


def load_analysis(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    """Normalize and store one analysis (or record its failure); a busy store is transient."""
    try:
        return _store(a, settings, load_id)
    except OperationalError as exc:
        raise TransientError(f"{a.path}: store unavailable: {exc}") from exc


def _store(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    timings = dict(a.timings)
    if a.error is not None or a.parsed is None:
        error = a.error or StageError(stage="structure", code="structure.empty", message="no notice", file=a.path)
        return _fail(settings, a.info(), error, load_id, a.warnings, timings)
    started = time.perf_counter() - sum(timings.values())
    outcome = load_parsed(settings, a.info(), a.parsed, load_id, versions(), list(a.warnings), timings, started)
    outcome.pages = a.pages
    return outcome


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
