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
import importlib.metadata
import math
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from extractors import parse_notice, read_layout
from loaders.names import storable
from loaders.store import FileInfo
from pipeline.config import Settings
from pipeline.fetch.context import inherit_meta, notice_of
from pipeline.process import FileOutcome, TransientError, _fail, file_info, guarded, load_parsed, versions
from pipeline.sandbox import Limits, sandbox, stop_all
from schemas import ErrorKind, Notice, StageError

CODE_PACKAGES = ("schemas", "rules", "extractors", "normalizers")
# What an analysis depends on outside the code: failures it causes are the environment's, not the file's.
ENVIRONMENT_CODES = frozenset({"doc.libreoffice_missing", "extract.tool_missing", "extract.needs_ocr"})
TOOL_PACKAGES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python-headless", "pypdfium2", "pdfplumber",
                 "pdfminer.six", "python-docx", "lxml", "charset-normalizer")


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
        return _failed(a, environmental(layout.errors[0]))
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


def run_analysis(path: str, sha256: str | None = None, limits: Limits | None = None) -> Analysis:
    """``analyze_file`` in this thread's killable worker process, bounded by ``limits`` (time and
    memory per file); right here when ``limits`` is None or not isolated."""
    if limits is None or not limits.isolated:
        return analyze_file(path, sha256)
    result = sandbox().call("pipeline.analyze:analyze_file", (path, sha256), limits, path)
    if isinstance(result, Analysis):
        return result
    p = Path(path)
    return Analysis(path=path, name=p.name, sha256=sha256 or "", size=p.stat().st_size if p.exists() else 0,
                    error=result)


def limits_for(settings: Settings) -> Limits:
    """The per-file bounds of ``settings``: analyses run in killable worker processes unless
    ``file_timeout`` is 0 with the thread executor (then in the run's own process, unbounded)."""
    isolated = settings.file_timeout > 0 or settings.executor == "processes"
    return Limits(seconds=settings.file_timeout or math.inf, memory_mb=settings.file_memory_mb, isolate=isolated)


@contextmanager
def process_pool(workers: int = 0) -> Iterator[None]:
    """The run's analysis workers (one killable process per task-runner thread, started on first
    use, see ``pipeline.sandbox``) live while the block runs and are killed when it ends, however it
    ends. ``workers`` is kept for callers; the task runner's threads decide how many there are."""
    try:
        yield
    finally:
        stop_all()


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


def environmental(error: StageError) -> StageError:
    """A failure the environment caused (a converter or the OCR extra missing) is transient: the
    same file succeeds once the tool is installed, so it is neither settled in the store nor cached."""
    if error.code in ENVIRONMENT_CODES and error.kind != ErrorKind.TRANSIENT:
        return error.model_copy(update={"kind": ErrorKind.TRANSIENT})
    return error


def is_environmental(error: StageError | None) -> bool:
    return error is not None and error.code in ENVIRONMENT_CODES


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of what an analysis depends on: the extract/normalize code and rule data (so a cached
    analysis never outlives an edit that forgot to bump a version string) and the environment —
    which converter and OCR engine are installed, and their versions."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for f in sorted((root / package).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                digest.update(str(f.relative_to(root)).encode("utf-8"))
                digest.update(f.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(environment_fingerprint().encode("utf-8"))
    return digest.hexdigest()[:16]


def environment_fingerprint() -> str:
    """The converter (LibreOffice: its program, size and modification time, so an install or an
    upgrade changes it) and the versions of the OCR and reader packages; absent ones as such."""
    from extractors.readers.doc import find_soffice
    from extractors.readers.ocr import ocr_available

    parts = [f"ocr={ocr_available()}"]
    program = find_soffice()
    if program:
        real = os.path.realpath(program)
        st = os.stat(real)
        parts.append(f"soffice={real}:{st.st_size}:{st.st_mtime_ns}")
    else:
        parts.append("soffice=none")
    for package in TOOL_PACKAGES:
        try:
            parts.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{package}=none")
    return ";".join(parts) + f";which={shutil.which('soffice') or ''}"


def cache_key(path: str, sha256: str, fingerprint: str) -> str:
    """Cache key of an analysis: content hash + extractor/normalizer versions + code and environment
    fingerprint + path."""
    vers = versions()
    tail = hashlib.sha256(f"{vers.extractor}|{vers.normalizer}|{fingerprint}|{storable(path)}".encode()).hexdigest()
    return f"qmetl-analysis-{sha256[:32]}-{tail[:16]}"
