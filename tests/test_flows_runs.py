"""The ingest flow end to end under one Prefect test harness: reruns, --since/--list, artifacts,
and the Dask / process executors giving the same export as the serial run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows import app, run_ingest
from loaders.db import get_engine
from loaders.export import export_json
from pipeline.config import Settings
from pipeline.report import organization_count
from pipeline.run import prepare_store
from tests.conftest import poll

SMALL = ["jiangsu_2010_provincial.docx", "xiangcheng_2017_district.docx", "cmqa_2020_industry.docx"]


@pytest.fixture(scope="module", autouse=True)
def harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _settings(tmp: Path, **kw: object) -> Settings:
    return Settings(db=f"sqlite:///{tmp / 'qm.db'}", quarantine=str(tmp / "quarantine"), **kw)  # type: ignore[arg-type]


def _copy(raw_dir: Path, names: list[str], to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy2(raw_dir / n, to / n)
    return to


def _artifacts(key: str) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return [str(a.data) for a in found]


def test_second_run_processes_exactly_the_new_notice(raw_dir: Path, tmp_path: Path) -> None:
    inbox = _copy(raw_dir, SMALL[:2], tmp_path / "raw")
    settings = _settings(tmp_path)
    prepare_store(settings)  # the registry's bodies are in the store before any notice
    registry = organization_count(get_engine(settings.db))
    first = run_ingest(settings, [str(inbox)])
    assert (first.files, first.loaded, first.skipped, first.failed) == (2, 2, 0, 0)
    orgs = organization_count(get_engine(settings.db))
    assert 0 <= first.organizations_added == orgs - registry
    _copy(raw_dir, SMALL[2:], inbox)
    second = run_ingest(settings, [str(inbox)])
    assert (second.files, second.loaded, second.skipped, second.failed) == (3, 1, 2, 0)
    assert second.organizations_added == organization_count(get_engine(settings.db)) - orgs
    assert second.stage_seconds.keys() >= {"read", "structure", "normalize", "load"}

    summaries = _artifacts("qmetl-run-summary")
    assert any(f"qmetl run {second.load_id}" in s and "| 3 | 1 | 2 | 0 |" in s for s in summaries), summaries
    tables = _artifacts("qmetl-run-files")
    assert any(SMALL[2] in t and "skipped" in t for t in tables), tables

    events = _run_events(second.load_id)
    assert events.keys() == {"qmetl.run.started", "qmetl.run.finished"}, events
    assert events["qmetl.run.started"].payload["files"] == 3
    finished = events["qmetl.run.finished"]
    assert finished.resource.get("qmetl.status") == "success", "automations can match failed runs by label"
    assert (finished.payload["loaded"], finished.payload["skipped"], finished.payload["failed"]) == (1, 2, 0)


def _run_events(load_id: str, wait: float = 30) -> dict[str, Any]:
    """The events about run ``load_id``, by name; the server stores events as they stream in, so poll."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventResourceFilter

    about = EventFilter(resource=EventResourceFilter(id=[f"qmetl.run.{load_id}"]))
    with get_client(sync_client=True) as client:
        return poll(lambda: {e.event: e for e in client.read_events(about, limit=50).events},
                    lambda found: len(found) >= 2, wait)


def _age(path: Path, when: str) -> None:
    ts = datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp()
    os.utime(path, (ts, ts))


def test_cli_run_since_and_list(raw_dir: Path, tmp_path: Path) -> None:
    inbox = _copy(raw_dir, SMALL, tmp_path / "raw")
    _age(inbox / SMALL[0], "2015-01-01T00:00:00")
    _age(inbox / SMALL[1], "2015-01-01T00:00:00")
    db = f"sqlite:///{tmp_path / 'qm.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["run", "--raw", str(inbox), "--db", db, "--since", "2020-01-01",
                                 "--log-level", "WARNING"])
    assert result.exit_code == 0, result.output
    assert "3 files — 1 loaded, 2 unchanged, 0 failed" in result.output

    listing = tmp_path / "batch.txt"
    listing.write_text(f"# already downloaded\nraw/{SMALL[0]}\nfile://{inbox / SMALL[1]}\n", "utf-8")
    result = runner.invoke(app, ["run", "--list", str(listing), "--db", db, "--log-level", "WARNING"])
    assert result.exit_code == 0, result.output
    assert "2 files — 2 loaded, 0 unchanged" in result.output
    assert "withdrawn" not in result.output, "a list run never withdraws files it was not given"


def _export(settings: Settings, out: Path) -> dict[str, bytes]:
    export_json(get_engine(settings.db), out)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.json"))}


@pytest.mark.slow
def test_dask_cluster_run_exports_the_same_bytes_as_the_serial_run(raw_dir: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    # every format but the scans: OCR would only make the two runs slower, not the check stronger
    names = sorted(p.name for p in raw_dir.iterdir() if "_scan" not in p.name)
    inbox = _copy(raw_dir, names, tmp_path / "raw")
    serial = _settings(tmp_path / "serial", cache=False)
    run_ingest(serial, [str(inbox)])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = _settings(tmp_path / "dask", cache=False, dask_address=cluster.scheduler_address)
        summary = run_ingest(dask, [str(inbox)])
    assert summary.files == len(names) and summary.loaded > 0
    want, got = _export(serial, tmp_path / "e1"), _export(dask, tmp_path / "e2")
    assert want and got == want


@pytest.mark.slow
def test_process_pool_run_exports_the_same_bytes_as_the_serial_run(raw_dir: Path, tmp_path: Path) -> None:
    inbox = _copy(raw_dir, [*SMALL, "suzhou_2020_municipal.pdf"], tmp_path / "raw")
    serial = _settings(tmp_path / "serial", cache=False)
    run_ingest(serial, [str(inbox)])
    procs = _settings(tmp_path / "procs", cache=False, workers=2, executor="processes")
    assert run_ingest(procs, [str(inbox)]).loaded == 4
    assert _export(serial, tmp_path / "e1") == _export(procs, tmp_path / "e2")


@pytest.mark.slow
def test_cached_analyses_are_reused_on_a_forced_rerun(raw_dir: Path, tmp_path: Path) -> None:
    inbox = _copy(raw_dir, SMALL[:1], tmp_path / "raw")
    settings = _settings(tmp_path, force=True)
    first = run_ingest(settings, [str(inbox)])
    again = run_ingest(settings, [str(inbox)])
    assert first.loaded == again.loaded == 1
    assert again.stage_seconds.get("read") == first.stage_seconds.get("read"), "timings come from the cache"


def _task_run_names() -> list[str]:
    return sorted(r.name for r in _task_runs())


def _task_runs() -> list[Any]:
    """Task runs of the newest qmetl-ingest flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        newest = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["qmetl-ingest"])),
                                       sort=FlowRunSort.START_TIME_DESC, limit=1)[0]
        return list(client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[newest.id]))))


def test_documents_are_analysed_and_loaded_in_batches(raw_dir: Path, tmp_path: Path) -> None:
    inbox = _copy(raw_dir, [*SMALL, "tianjin_2020_provincial.html", "gb18030_2012_fragment.txt"], tmp_path / "raw")
    summary = run_ingest(_settings(tmp_path, batch_size=2, cache=False), [str(inbox)])
    assert (summary.files, summary.loaded, summary.failed) == (5, 5, 0)
    names = _task_run_names()
    assert [n.split(" (")[0] for n in names] == [f"{verb} batch {i}/3" for verb in ("analyze", "load")
                                                  for i in (1, 2, 3)], names
    assert names[0] == "analyze batch 1/3 (2 files from cmqa_2020_industry.docx)"


def test_in_threads_the_loader_and_the_next_analysis_take_turns(raw_dir: Path, tmp_path: Path) -> None:
    """Analyses in threads share the loader's GIL, so batch k+1 is analysed only once batch k is loaded
    (bench/NOTES.md: overlapping them was slower). No task carries a tag: each tagged task run asks
    the server for a concurrency slot first, which stalled ~2 s one time in three."""
    inbox = _copy(raw_dir, [*SMALL, "tianjin_2020_provincial.html"], tmp_path / "raw")
    summary = run_ingest(_settings(tmp_path, batch_size=1, cache=False), [str(inbox)])
    assert summary.loaded == 4
    runs = {r.name.split(" (")[0]: r for r in _task_runs()}
    for k in (1, 2, 3):
        loaded, analysed = runs[f"load batch {k}/4"], runs[f"analyze batch {k + 1}/4"]
        assert loaded.end_time is not None and analysed.start_time is not None
        assert analysed.start_time >= loaded.end_time, (k, analysed.start_time, loaded.end_time)
    assert not any(r.tags for r in runs.values())


def test_a_crashed_analysis_fails_its_file_and_the_batch_goes_on(raw_dir: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.cache

    inbox = _copy(raw_dir, SMALL, tmp_path / "raw")
    real = pipeline.cache.analyze_retrying

    def crash_on_one(path: str, sha256: str, settings: Settings) -> object:
        if path.endswith(SMALL[1]):
            raise MemoryError("worker ran out of memory")
        return real(path, sha256, settings)

    monkeypatch.setattr(pipeline.cache, "analyze_retrying", crash_on_one)
    summary = run_ingest(_settings(tmp_path, batch_size=3, cache=False), [str(inbox)])
    assert (summary.files, summary.loaded, summary.failed) == (3, 2, 1)
    from loaders.runs import file_states

    states = {Path(r["path"]).name: r for r in file_states(get_engine(_settings(tmp_path).db))}
    assert states[SMALL[1]]["state"] == "failed" and states[SMALL[1]]["error_code"] == "internal.error"
