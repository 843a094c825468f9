"""The one read → structure → normalize → load sequence of a document (Docling's ``execute``:
build → assemble → enrich → status in one place).

``analyze_file`` is the database-free half (read → structure; any worker may run it, its
``Analysis`` is a picklable value); ``load_analysis`` the store half (normalize → load, or
record the failure), run in the flow one document at a time in file order. ``run_file`` is both
for one file ``triage`` let through: the plain serial path (``pipeline.run.run_batch``,
``pipeline.process.process_file``) and the flow (``flows.ingest``) run the same stages.
"""

from __future__ import annotations

import time
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from extractors import parse_notice, read_layout
from extractors.options import ReadOptions
from loaders.store import FileInfo
from pipeline.config import Settings
from pipeline.fetch.context import inherit_meta, notice_of
from pipeline.guards import max_file_bytes, read_options
from pipeline.process import (
    FileOutcome,
    TransientError,
    file_info,
    guarded,
    load_parsed,
    record_failed,
    versions,
)
from schemas import ErrorKind, Notice, StageError

# What an analysis depends on outside the code: failures it causes are the environment's, not the file's.
ENVIRONMENT_CODES = frozenset({"doc.libreoffice_missing", "extract.tool_missing", "extract.needs_ocr"})


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


def analyze_file(path: str, sha256: str | None = None, max_bytes: int | None = None,
                 options: ReadOptions | None = None) -> Analysis:
    """Read and structure one file; bad input (or a reader bug) ends as an Analysis with ``error``.
    ``max_bytes`` and ``options``: the settings the readers take (``pipeline.guards``)."""
    p = Path(path)
    info = file_info(p) if sha256 is None else FileInfo(path, p.name, sha256, p.stat().st_size)
    a = Analysis(path=path, name=p.name, sha256=info.sha256, size=info.size)
    t0 = time.perf_counter()
    layout = guarded("extract", path, lambda: read_layout(p, sha256=info.sha256, max_bytes=max_bytes,
                                                             options=options))
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


def load_analysis(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    """Normalize and store one analysis (or record its failure); a busy store is transient."""
    try:
        return _store(a, settings, load_id)
    except OperationalError as exc:
        raise TransientError(f"{a.path}: store unavailable: {exc}") from exc


def run_file(info: FileInfo, settings: Settings, load_id: str) -> FileOutcome:
    """Every stage of a file ``triage`` let through (hashed, guarded), in this process."""
    analysis = analyze_file(info.path, info.sha256, max_file_bytes(settings), read_options(settings))
    return load_analysis(analysis, settings, load_id)


def _store(a: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    timings = dict(a.timings)
    if a.error is not None or a.parsed is None:
        error = a.error or StageError(stage="structure", code="structure.empty", message="no notice", file=a.path)
        return record_failed(settings, a.info(), error, load_id, a.warnings, timings)
    started = time.perf_counter() - sum(timings.values())
    outcome = load_parsed(settings, a.info(), a.parsed, load_id, versions(), list(a.warnings), timings, started)
    outcome.pages = a.pages
    return outcome


def _failed(a: Analysis, error: StageError) -> Analysis:
    a.error = error
    return a


def environmental(error: StageError) -> StageError:
    """A failure the environment caused (a converter or the OCR extra missing) is transient: the
    same file succeeds once the tool is installed, so it is neither settled in the store nor cached."""
    if error.code in ENVIRONMENT_CODES and error.kind != ErrorKind.TRANSIENT:
        return error.model_copy(update={"kind": ErrorKind.TRANSIENT})
    return error


def is_environmental(error: StageError | None) -> bool:
    return error is not None and error.code in ENVIRONMENT_CODES
