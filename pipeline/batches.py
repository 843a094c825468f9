"""Documents in batches: how a run is cut into task-sized pieces, and the per-file retries inside one.

An orchestrator pays for every task run (state events, the API server recording them): on this
2-core machine about 75 ms of CPU a run, as much as reading a short notice. So the flow analyses
and loads documents a batch at a time: a few dozen task runs for a thousand files instead of two
thousand. What a per-file task gave stays per file: each file is retried on its own when it fails
for a transient reason (never for bad input), its outcome is recorded on its own, and its analysis
is cached on its own key (pipeline.cache).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from pipeline.analyze import Analysis, is_environmental, limits_for, load_analysis, run_analysis
from pipeline.config import Settings
from pipeline.guards import max_file_bytes, read_options
from pipeline.process import FileOutcome, TransientError, transient_failure
from schemas import ErrorKind, StageError

T = TypeVar("T")
BATCHES_PER_WORKER = 4  # batches per worker at least, so loading overlaps analysing and workers share the work


def plan_batches(items: Sequence[T], workers: int, batch_size: int) -> list[list[T]]:
    """``items`` in order, cut into batches of at most ``batch_size``; small runs get smaller batches
    (about BATCHES_PER_WORKER per worker), so even 20 files keep every worker and the loader busy."""
    if not items:
        return []
    size = max(1, min(batch_size, math.ceil(len(items) / (BATCHES_PER_WORKER * workers))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def backoff_delay(attempt: int, factor: float) -> float:
    """Seconds before retry ``attempt`` (0-based): factor × 2ⁿ, jittered by ±50% so retries spread."""
    return factor * 2 ** attempt * random.uniform(0.5, 1.5)


def retry_transient(fn: Callable[[], T], is_transient: Callable[[T], bool], retries: int, factor: float,
                    sleep: Callable[[float], None] = time.sleep) -> T:
    """``fn()``, called again after a backoff while its result is transient, at most ``retries`` more times."""
    result = fn()
    for attempt in range(retries):
        if not is_transient(result):
            break
        sleep(backoff_delay(attempt, factor))
        result = fn()
    return result


def analyze_retrying(path: str, sha256: str, settings: Settings) -> Analysis:
    """One file read and structured; a transient failure (a converter timing out) is tried again."""
    limits = limits_for(settings)
    options = read_options(settings)
    return retry_transient(lambda: run_analysis(path, sha256, limits, max_file_bytes(settings), options),
                           _transient_analysis, settings.retries, settings.retry_backoff)


def load_retrying(analysis: Analysis, settings: Settings, load_id: str) -> FileOutcome:
    """One analysis normalized and stored; a busy store is tried again, then recorded as this file's
    transient failure (the next run retries it)."""
    def attempt() -> FileOutcome | TransientError:
        try:
            return load_analysis(analysis, settings, load_id)
        except TransientError as exc:
            return exc

    result = retry_transient(attempt, lambda r: isinstance(r, TransientError), settings.retries,
                             settings.retry_backoff)
    return result if isinstance(result, FileOutcome) else transient_failure(analysis.path, analysis.name, result)


def crashed_analysis(path: str, sha256: str, exc: BaseException) -> Analysis:
    """A file whose analysis raised (a bug or a lost worker, not bad input): recorded as its failure,
    the run goes on (the file may be gone by now: nothing here reads it)."""
    error = StageError(stage="extract", code="internal.error", file=path,
                       message=f"analysis crashed: {type(exc).__name__}: {exc}")
    p = Path(path)
    size = p.stat().st_size if p.exists() else 0
    return Analysis(path=path, name=p.name, sha256=sha256, size=size, error=error)


def _transient_analysis(a: Analysis) -> bool:
    """Worth another try now: a timeout, not a missing converter (that waits for an install)."""
    return a.error is not None and a.error.kind == ErrorKind.TRANSIENT and not is_environmental(a.error)
