"""Batches of documents: how a run is cut, per-file retries inside a batch, and a store that stays
busy recorded as one file's transient failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import batches
from pipeline.analyze import analyze_file
from pipeline.batches import load_retrying, plan_batches, retry_transient
from pipeline.config import Settings
from pipeline.process import TransientError
from pipeline.run import prepare_store

DOCX = "jiangsu_2010_provincial.docx"


@pytest.mark.parametrize(("n", "workers", "size", "want"), [
    (0, 1, 32, []),
    (3, 1, 32, [1, 1, 1]),
    (20, 1, 32, [5, 5, 5, 5]),
    (20, 2, 32, [3, 3, 3, 3, 3, 3, 2]),
    (1000, 1, 32, [32] * 31 + [8]),
    (10, 1, 2, [2] * 5),
])
def test_batches_keep_order_and_bound_their_size(n: int, workers: int, size: int, want: list[int]) -> None:
    got = plan_batches(list(range(n)), workers, size)
    assert [len(b) for b in got] == want
    assert [x for b in got for x in b] == list(range(n)), "every file once, in file order"


def test_only_transient_results_are_retried_and_at_most_retries_times() -> None:
    calls: list[int] = []
    slept: list[float] = []

    def flaky() -> str:
        calls.append(1)
        return "busy" if len(calls) < 3 else "done"

    assert retry_transient(flaky, lambda r: r == "busy", 5, 1.0, slept.append) == "done"
    assert len(calls) == 3 and len(slept) == 2 and 0.5 <= slept[0] <= 1.5 and 1.0 <= slept[1] <= 3.0
    calls.clear()
    assert retry_transient(lambda: calls.append(1) or "busy", lambda r: r == "busy", 2, 0.0, slept.append) == "busy"
    assert len(calls) == 3, "one call and two retries, then the transient result is returned"
    calls.clear()
    assert retry_transient(lambda: calls.append(1) or "bad input", lambda r: r == "busy", 4, 0.0) == "bad input"
    assert len(calls) == 1, "a terminal result is never retried"


def test_a_store_that_stays_busy_fails_that_file_as_transient(raw_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / DOCX
    shutil.copy2(raw_dir / DOCX, src)
    settings = Settings(db=f"sqlite:///{tmp_path / 'qm.db'}", quarantine=str(tmp_path / "q"), retries=2,
                        retry_backoff=0.0)
    prepare_store(settings)
    analysis = analyze_file(str(src))
    attempts: list[str] = []

    def locked(a: object, s: object, load_id: str) -> object:
        attempts.append(load_id)
        raise TransientError(f"{src}: store unavailable: database is locked")

    monkeypatch.setattr(batches, "load_analysis", locked)
    outcome = load_retrying(analysis, settings, "l1")
    assert len(attempts) == 3
    assert outcome.state == "failed" and outcome.error is not None
    assert outcome.error.code == "load.transient" and "database is locked" in outcome.error.message
    monkeypatch.undo()
    assert load_retrying(analysis, settings, "l2").state == "loaded", "the next try loads it"
