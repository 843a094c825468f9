"""One document through every stage: guards → extract → structure → normalize → load.

Plain functions (Prefect tasks wrap them in flows.py), so tests and benchmarks call the
same code the scheduler runs. Bad input ends as a recorded, quarantined failure and never
stops the run (a reader bug on hostile input is recorded as ``internal.error``); a
transient problem is raised as ``TransientError`` so the task runner may retry.
"""

from __future__ import annotations

import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.exc import DataError, IntegrityError

from extractors import extractor_version, file_sha256
from loaders.db import get_engine, writer
from loaders.names import storable, storable_tree
from loaders.notices import regroup_notices
from loaders.store import FileInfo, Settled, Versions, load_notice, record_failure, settled_many
from normalizers import NORMALIZER_VERSION, NormalizeContext, normalize_notice
from pipeline.config import Settings, quarantine_dir
from pipeline.guards import first_problem
from schemas import ErrorKind, Notice, StageError, StageResult
from schemas.codes import reason_for

T = TypeVar("T")


class TransientError(RuntimeError):
    """A failure worth retrying (locked store, timeout of an external converter)."""


class FileOutcome(BaseModel):
    path: str
    name: str
    state: str = Field(description="loaded / off_topic / skipped / failed")
    error: StageError | None = None
    reason: str | None = None
    warnings: list[str] = Field(default_factory=list)
    activities: int = 0
    outline_items: int = 0
    pages: int = 0
    unresolved: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    document_id: str | None = None
    unchanged: bool = Field(default=False, description="not reprocessed: same content and code as before")

    @model_validator(mode="after")
    def _shown_losslessly(self) -> FileOutcome:
        """Names of any bytes in their escaped form (loaders.names): summaries, logs and JSON take them."""
        self.path, self.name, self.warnings = storable(self.path), storable(self.name), storable_tree(self.warnings)
        if self.error is not None:
            fixed = {"message": storable(self.error.message), "file": storable(self.error.file or "") or None,
                     "value": storable(self.error.value) if self.error.value else self.error.value}
            if any(getattr(self.error, k) != v for k, v in fixed.items()):
                self.error = self.error.model_copy(update=fixed)
        return self


def versions() -> Versions:
    return Versions(extractor=extractor_version(), normalizer=NORMALIZER_VERSION)


def file_info(path: Path) -> FileInfo:
    return FileInfo(path=str(path), name=path.name, sha256=file_sha256(path), size=path.stat().st_size)


def guarded(stage: str, path: str, fn: Callable[[], StageResult[T]]) -> StageResult[T]:
    """Run a stage; an unexpected exception (a bug met on hostile input) becomes a recorded failure."""
    try:
        return fn()
    except Exception as exc:  # the run must go on: a reader bug fails this file only
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
        return StageResult.failure(StageError(
            stage=stage, code="internal.error", message=f"{type(exc).__name__}: {exc}{at}", file=path))


def process_file(path: str, settings: Settings, load_id: str) -> FileOutcome:
    """One file through every stage; ``triage`` + ``pipeline.stages.run_file`` for a single file."""
    from pipeline.stages import run_file  # stages builds on this module

    item = triage([Path(path)], settings, load_id)[0]
    outcome = item if isinstance(item, FileOutcome) else run_file(item, settings, load_id)
    regroup_notices(writer(get_engine(settings.db)))  # a run does this once, in pipeline.run.finish
    return outcome


def transient_failure(path: str, name: str, exc: Exception) -> FileOutcome:
    """A file the store stayed too busy to take, reported (not recorded): the next run retries it."""
    error = StageError(stage="load", code="load.transient", message=str(exc), kind=ErrorKind.TRANSIENT, file=path)
    return FileOutcome(path=path, name=name, state="failed", error=error,
                       reason="temporary store failure; retried on the next run")


def triage(files: Sequence[Path], settings: Settings, load_id: str) -> list[FileInfo | FileOutcome]:
    """Per file, in order: its identity when it needs processing, else its outcome: unreadable,
    settled in the store, or refused by a guard (recorded as failed)."""
    identified, stored = look_up(files, settings)
    out: list[FileInfo | FileOutcome] = []
    for item in identified:
        if isinstance(item, FileInfo) and item.path in stored:
            item = settled_outcome(item, stored[item.path])
        elif isinstance(item, FileOutcome) and item.error is not None:
            _record_unreadable(settings, item, load_id)
        out.append(item if isinstance(item, FileOutcome) else _guard(item, settings, load_id))
    return out


def _record_unreadable(settings: Settings, outcome: FileOutcome, load_id: str) -> None:
    """A file (or folder) the run saw but could not open gets its row too, with the reason."""
    assert outcome.error is not None
    info = FileInfo(path=outcome.error.file or outcome.path, name=outcome.name, sha256="", size=0)
    record_failure(get_engine(settings.db), info, outcome.error, load_id, versions(), None, [], reason=outcome.reason)


def look_up(files: Sequence[Path], settings: Settings) -> tuple[list[FileInfo | FileOutcome], dict[str, Settled]]:
    """Each file's identity (or its unreadable outcome), and what the store has settled for those it
    holds with the same content and code (one query per 500 files; nothing with ``force``). Read only."""
    identified = [identify(f) for f in files]
    infos = [i for i in identified if isinstance(i, FileInfo)]
    stored = {} if settings.force else settled_many(get_engine(settings.db), infos, versions())
    return identified, stored


def identify(path: Path) -> FileInfo | FileOutcome:
    """The file's identity (content hash, size), or its recorded failure when it cannot be read."""
    try:
        return file_info(path)
    except OSError as exc:
        folder = path.is_dir()
        code, what = ("extract.unreadable_folder", "cannot list the folder") if folder else \
            ("extract.unreadable", "cannot open the file")
        error = StageError(stage="extract", code=code, message=f"{path}: {what}: {exc.strerror or exc}",
                           file=str(path), kind=ErrorKind.TRANSIENT, value=type(exc).__name__,
                           expected="read permission" if isinstance(exc, PermissionError) else "a readable file")
        return FileOutcome(path=str(path), name=path.name, state="failed", error=error,
                           reason=reason_for(error.code))


def _guard(info: FileInfo, settings: Settings, load_id: str) -> FileInfo | FileOutcome:
    """The input guards (size, pages, archive bombs …): a refused file is recorded as failed."""
    problem = first_problem(Path(info.path), info.size, settings)
    if problem is None:
        return info
    return record_failed(settings, info, problem, load_id, [], {}, copy=problem.code != "extract.too_large")


def load_parsed(settings: Settings, info: FileInfo, parsed: Notice, load_id: str, vers: Versions,
                warnings: list[str], timings: dict[str, float], started: float) -> FileOutcome:
    """Normalize a parsed notice and load it (also the path of `qmetl renormalize`, from the stored parse)."""
    t2 = time.perf_counter()
    normalized = guarded("normalize", info.path,
                         lambda: normalize_notice(parsed, NormalizeContext(file=info.path)))
    timings["normalize"] = time.perf_counter() - t2
    if not normalized.ok or normalized.value is None:
        return record_failed(settings, info, normalized.errors[0], load_id, warnings, timings)
    warnings = warnings + normalized.warnings
    notice = normalized.value
    flag = _off_topic(info, notice)
    target = quarantine(Path(info.path), quarantine_dir(settings), info.sha256) if flag else None
    t3 = time.perf_counter()
    try:
        result = load_notice(get_engine(settings.db), info, parsed, notice, vers, load_id, warnings,
                             seconds=time.perf_counter() - started, flag=flag,
                             quarantine_path=str(target) if target else None,
                             reason=reason_for(flag.code) if flag else None, replace_current=settings.force)
    except (IntegrityError, DataError) as exc:  # the store refused a value: this file fails, not the run
        error = StageError(stage="load", code="load.rejected", file=info.path, value=str(exc.orig)[:300],
                           message=f"the store rejected a row: {str(exc.orig).splitlines()[0]}",
                           expected="values within the schema's limits")
        return record_failed(settings, info, error, load_id, warnings, timings)
    timings["load"] = time.perf_counter() - t3
    if not result.written:
        return FileOutcome(path=info.path, name=info.name, state="skipped", timings=timings)
    return _loaded(info, notice, result.document_id, warnings, timings, flag)


def settled_outcome(info: FileInfo, stored: Settled) -> FileOutcome:
    """An unchanged file is skipped; one that failed before is reported as still failed (no write)."""
    if stored.state != "failed":
        return FileOutcome(path=info.path, name=info.name, state="skipped", unchanged=True)
    error = StageError(stage=stored.error_stage or "extract", code=stored.error_code or "unknown",
                       message=stored.error_message or "", file=info.path)
    return FileOutcome(path=info.path, name=info.name, state="failed", error=error, reason=stored.reason,
                       unchanged=True)


def _off_topic(info: FileInfo, notice: Notice) -> StageError | None:
    if not notice.meta.off_topic:
        return None
    return StageError(stage="structure", code="notice.off_topic", file=info.path,
                      message="parsed, but not a quality-campaign notice (too few 质量/质量月 terms)",
                      expected="a 质量月 notice")


def _loaded(info: FileInfo, notice: Notice, doc_id: str, warnings: list[str], timings: dict[str, float],
            flag: StageError | None) -> FileOutcome:
    notices = [notice, *notice.embedded]
    unresolved = sorted({r.raw for n in notices for a in n.activities for r in a.organizer_refs
                         if not r.resolved and not r.collective})
    return FileOutcome(
        path=info.path, name=info.name, state="off_topic" if flag else "loaded", warnings=warnings,
        document_id=doc_id, error=flag, reason=reason_for(flag.code) if flag else None,
        activities=sum(len(n.activities) for n in notices), outline_items=sum(len(n.outline) for n in notices),
        unresolved=unresolved, timings=timings,
    )


def record_failed(settings: Settings, info: FileInfo, error: StageError, load_id: str, warnings: list[str],
          timings: dict[str, float], copy: bool = True) -> FileOutcome:
    target = quarantine(Path(info.path), quarantine_dir(settings), info.sha256) if copy else None
    reason = reason_for(error.code)
    written = record_failure(get_engine(settings.db), info, error, load_id, versions(),
                             str(target) if target else None, warnings, reason=reason)
    if not written:
        reason += "; the version loaded before from the same content is kept"
    return FileOutcome(path=info.path, name=info.name, state="failed", error=error, reason=reason,
                       warnings=warnings, timings=timings)


def quarantine(path: Path, folder: Path, sha256: str) -> Path | None:
    """Copy a failed input aside, named by content so two bad files never overwrite each other.

    None when no copy could be made (the source is gone, e.g. under `qmetl renormalize`).
    """
    target = folder / f"{sha256[:12]}_{path.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy2(path, target)
    except OSError:
        return None
    return target
