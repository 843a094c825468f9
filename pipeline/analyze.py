"""Parse in parallel, load serially: the stages of ``pipeline.stages`` cut at the expensive, database-free part.

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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from extractors.options import ReadOptions
from loaders.names import storable
from pipeline.config import Settings
from pipeline.process import FileOutcome, versions
from pipeline.sandbox import Limits, sandbox, stop_all
from pipeline.stages import Analysis, analyze_file, environmental, is_environmental, load_analysis

__all__ = ["Analysis", "analyze_file", "cache_key", "code_fingerprint", "environmental", "is_environmental",
           "limits_for", "load_analysis", "process_pool", "run_analysis", "skipped"]

CODE_PACKAGES = ("schemas", "rules", "extractors", "normalizers")
TOOL_PACKAGES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python-headless", "pypdfium2", "pdfplumber",
                 "pdfminer.six", "python-docx", "lxml", "charset-normalizer")


def run_analysis(path: str, sha256: str | None = None, limits: Limits | None = None,
                 max_bytes: int | None = None, options: ReadOptions | None = None) -> Analysis:
    """``analyze_file`` in this thread's killable worker process, bounded by ``limits`` (time and
    memory per file); right here when ``limits`` is None or not isolated. ``max_bytes`` and ``options``:
    the configured file-size limit and reader options (``pipeline.guards.max_file_bytes``, ``read_options``)."""
    if limits is None or not limits.isolated:
        return analyze_file(path, sha256, max_bytes, options)
    result = sandbox().call("pipeline.stages:analyze_file", (path, sha256, max_bytes, options), limits, path)
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


def skipped(path: Path) -> FileOutcome:
    return FileOutcome(path=str(path), name=path.name, state="skipped")


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
    digest.update((Path(__file__).parent / "stages.py").read_bytes())
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
        st = Path(real).stat()
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
