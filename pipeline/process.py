"""One document through every stage: extract → structure → normalize → load.

Plain functions (Prefect tasks wrap them in flows.py), so tests and benchmarks call the
same code the scheduler runs. Bad input ends as a recorded, quarantined failure; a
transient problem is raised as ``TransientError`` so the task runner may retry.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from pydantic import BaseModel, Field

from extractors import extractor_version, file_sha256, parse_notice, read_layout
from loaders.db import get_engine
from loaders.store import FileInfo, Versions, load_notice, record_failure, unchanged
from normalizers import NORMALIZER_VERSION, NormalizeContext, normalize_notice
from pipeline.config import Settings
from schemas import Notice, StageError


class TransientError(RuntimeError):
    """A failure worth retrying (locked store, timeout of an external converter)."""


class FileOutcome(BaseModel):
    path: str
    name: str
    state: str = Field(description="loaded / skipped / failed")
    error: StageError | None = None
    warnings: list[str] = Field(default_factory=list)
    activities: int = 0
    outline_items: int = 0
    pages: int = 0
    unresolved: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    document_id: str | None = None


def versions() -> Versions:
    return Versions(extractor=extractor_version(), normalizer=NORMALIZER_VERSION)


def file_info(path: Path) -> FileInfo:
    return FileInfo(path=str(path), name=path.name, sha256=file_sha256(path), size=path.stat().st_size)


def process_file(path: str, settings: Settings, load_id: str) -> FileOutcome:
    p = Path(path)
    engine = get_engine(settings.db)
    info = file_info(p)
    vers = versions()
    if not settings.force and unchanged(engine, info, vers):
        return FileOutcome(path=path, name=p.name, state="skipped")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    layout = read_layout(p, sha256=info.sha256)
    timings["read"] = time.perf_counter() - t0
    if not layout.ok or layout.value is None:
        return _fail(settings, info, layout.errors[0], load_id, layout.warnings, timings)
    info = FileInfo(info.path, info.name, info.sha256, info.size, layout.value.source.format.value)
    t1 = time.perf_counter()
    parsed = parse_notice(layout.value)
    timings["structure"] = time.perf_counter() - t1
    if not parsed.ok or parsed.value is None:
        return _fail(settings, info, parsed.errors[0], load_id, layout.warnings, timings)
    t2 = time.perf_counter()
    normalized = normalize_notice(parsed.value, NormalizeContext(file=path))
    timings["normalize"] = time.perf_counter() - t2
    if not normalized.ok or normalized.value is None:
        return _fail(settings, info, normalized.errors[0], load_id, layout.warnings, timings)
    warnings = layout.warnings + parsed.warnings + normalized.warnings
    t3 = time.perf_counter()
    doc_id = load_notice(engine, info, parsed.value, normalized.value, vers, load_id, warnings,
                         seconds=time.perf_counter() - t0)
    timings["load"] = time.perf_counter() - t3
    return _loaded(path, p.name, normalized.value, doc_id, warnings, timings, len(layout.value.pages))


def _loaded(path: str, name: str, notice: Notice, doc_id: str, warnings: list[str],
            timings: dict[str, float], pages: int) -> FileOutcome:
    notices = [notice, *notice.embedded]
    unresolved = sorted({r.raw for n in notices for a in n.activities for r in a.organizer_refs
                         if not r.resolved and not r.collective})
    return FileOutcome(
        path=path, name=name, state="loaded", warnings=warnings, document_id=doc_id, pages=pages,
        activities=sum(len(n.activities) for n in notices), outline_items=sum(len(n.outline) for n in notices),
        unresolved=unresolved, timings=timings,
    )


def _fail(settings: Settings, info: FileInfo, error: StageError, load_id: str, warnings: list[str],
          timings: dict[str, float]) -> FileOutcome:
    target = quarantine(Path(info.path), Path(settings.quarantine), info.sha256)
    record_failure(get_engine(settings.db), info, error, load_id, str(target), warnings)
    return FileOutcome(path=info.path, name=info.name, state="failed", error=error, warnings=warnings,
                       timings=timings)


def quarantine(path: Path, folder: Path, sha256: str) -> Path:
    """Copy a failed input aside, named by content so two bad files never overwrite each other."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha256[:12]}_{path.name}"
    if not target.exists():
        shutil.copy2(path, target)
    return target
