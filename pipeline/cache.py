"""The analysis cache of a run: each file's successful analysis kept in Prefect's result store
under its own key (``pipeline.analyze.cache_key``: content, code and environment, path), for
``CACHE_EXPIRATION``; a failure is never cached, so it is analysed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from prefect.results import ResultStore
from prefect.types import DateTime

from pipeline.analyze import Analysis, cache_key
from pipeline.batches import analyze_retrying, crashed_analysis
from pipeline.config import Settings

CACHE_EXPIRATION = timedelta(days=90)


def analysis_of(path: str, sha256: str, cfg: Settings, store: ResultStore | None, fingerprint: str,
                logger: Any) -> Analysis:
    """The cached analysis of this content, code, environment and path, or a fresh one (cached only
    when it succeeded: a failure, above all one the environment caused, is never replayed).
    ``store`` None: no cache. A crash is logged on ``logger`` and becomes this file's failure."""
    key = cache_key(path, sha256, fingerprint) if store is not None else ""
    cached = cached_analysis(store, key) if store is not None else None
    if cached is not None:
        return cached
    try:
        analysis = analyze_retrying(path, sha256, cfg)
    except Exception as exc:  # a crashed worker or a bug: this file's recorded failure, not the run's
        logger.error("analysis of %s crashed: %s: %s", path, type(exc).__name__, exc)
        return crashed_analysis(path, sha256, exc)
    if store is not None and analysis.error is None:  # a failure is never replayed: it is analysed again
        # an aware stdlib datetime; the record's pydantic model turns it into Prefect's DateTime
        store.write(analysis, key=key, expiration=cast(DateTime, datetime.now(UTC) + CACHE_EXPIRATION))
    return analysis


def cached_analysis(store: ResultStore, key: str) -> Analysis | None:
    """The analysis cached under ``key``, read once (``exists`` would read and decode the whole record
    too), or None when it is missing, unreadable or expired."""
    try:
        record = store.read(key)
    except Exception:  # missing (ValueError), unreadable or from an incompatible version: recompute
        return None
    expiration = record.metadata.expiration
    if expiration is not None and expiration <= datetime.now(UTC):
        return None
    result = record.result
    return result if isinstance(result, Analysis) and result.error is None else None
