"""Operations without a Prefect server: the deployment object, discovery filters, the parse/load split,
cache keys, summaries and progress lines."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import app, build_deployment
from loaders.db import get_engine
from loaders.export import export_json
from pipeline.analyze import analyze_file, cache_key, code_fingerprint, load_analysis
from pipeline.cli.run import describe_deployment
from pipeline.config import Settings
from pipeline.discover import discover, modified_since, parse_since, read_list_file
from pipeline.process import process_file
from pipeline.report import RunProgress, summarize
from pipeline.run import prepare_store

DOCX = "jiangsu_2010_provincial.docx"


def test_deployment_has_the_cron_schedule_and_run_parameters(tmp_path: Path) -> None:
    settings = Settings(db="sqlite:///rel/qm.db", schedule="15 1 * * *", timezone="Asia/Shanghai",
                        deployment="qm-nightly", workers=2)
    dep = build_deployment(settings, [str(tmp_path)])
    assert dep.name == "qm-nightly" and dep.flow_name == "qmetl-ingest"
    assert dep.entrypoint.endswith("flows.py:ingest")
    [schedule] = dep.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 1 * * *", "Asia/Shanghai")
    assert dep.concurrency_limit == 1
    assert dep.parameters["sources"] == [str(tmp_path)]
    assert dep.parameters["settings"]["workers"] == 2
    assert dep.parameters["settings"]["db"].startswith("sqlite:////"), "relative SQLite path made absolute"


def test_default_schedule_is_nightly() -> None:
    assert describe_deployment(build_deployment(Settings()))["schedules"] == [{"cron": "0 2 * * *", "timezone": "UTC"}]


def test_serve_dry_run_prints_the_deployment_without_serving(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--dry-run", "--cron", "0 3 * * 1", "--raw", str(tmp_path),
                                      "--name", "weekly"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["name"] == "weekly" and shown["schedules"][0]["cron"] == "0 3 * * 1"
    assert shown["parameters"]["sources"] == [str(tmp_path.resolve())]


def test_serve_rejects_a_bad_cron() -> None:
    result = CliRunner().invoke(app, ["serve", "--dry-run", "--cron", "every night"])
    assert result.exit_code != 0 and "cron" in result.output


def _touch(path: Path, when: str) -> None:
    ts = datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp()
    os.utime(path, (ts, ts))


def test_since_keeps_files_modified_on_or_after_the_date(tmp_path: Path) -> None:
    old, new, edge = tmp_path / "old.pdf", tmp_path / "new.pdf", tmp_path / "edge.docx"
    for f in (old, new, edge):
        f.write_bytes(b"x")
    _touch(old, "2019-08-31T23:59:59")
    _touch(new, "2021-03-02T10:00:00")
    _touch(edge, "2019-09-01T00:00:00")
    fresh, older = modified_since(discover([tmp_path]), parse_since("2019-09-01"))
    assert [f.name for f in fresh] == ["edge.docx", "new.pdf"] and [f.name for f in older] == ["old.pdf"]
    assert modified_since([old], None) == ([old], [])
    with pytest.raises(ValueError, match="--since '1.9.2019'"):
        parse_since("1.9.2019")


def test_list_file_takes_paths_relative_absolute_and_file_urls(tmp_path: Path) -> None:
    (tmp_path / "a b.pdf").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    listed = tmp_path / "sub" / "files.txt"
    listed.write_text(f"# nightly batch\n../a b.pdf\n\n{tmp_path / 'x.docx'}\nfile://{tmp_path}/a%20b.pdf\n", "utf-8")
    got = read_list_file(listed)
    assert got == [tmp_path / "sub" / ".." / "a b.pdf", tmp_path / "x.docx", tmp_path / "a b.pdf"]
    listed.write_text("https://example.gov.cn/notice.pdf\n", "utf-8")
    with pytest.raises(ValueError, match="files.txt:1.*does not fetch"):
        read_list_file(listed)


def test_analyze_then_load_stores_what_process_file_stores(raw_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "in" / DOCX
    src.parent.mkdir()
    shutil.copy2(raw_dir / DOCX, src)
    split = Settings(db=f"sqlite:///{tmp_path / 'split.db'}", quarantine=str(tmp_path / "q"))
    whole = Settings(db=f"sqlite:///{tmp_path / 'whole.db'}", quarantine=str(tmp_path / "q"))
    for s in (split, whole):
        prepare_store(s)
    analysis = analyze_file(str(src))
    assert analysis.error is None and analysis.parsed is not None and set(analysis.timings) == {"read", "structure"}
    outcome = load_analysis(analysis, split, "l1")
    reference = process_file(str(src), whole, "l1")
    assert (outcome.state, outcome.activities, outcome.outline_items) == (
        "loaded", reference.activities, reference.outline_items)
    assert {"normalize", "load"} <= set(outcome.timings) and outcome.pages == reference.pages
    export_json(get_engine(split.db), tmp_path / "e1")
    export_json(get_engine(whole.db), tmp_path / "e2")
    assert (tmp_path / "e1" / f"{DOCX}.json").read_bytes() == (tmp_path / "e2" / f"{DOCX}.json").read_bytes()


def test_bad_input_analysis_is_a_recorded_failure(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    settings = Settings(db=f"sqlite:///{tmp_path / 'qm.db'}", quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    analysis = analyze_file(str(bad))
    assert analysis.error is not None
    outcome = load_analysis(analysis, settings, "l1")
    assert outcome.state == "failed" and outcome.error is not None
    assert list((tmp_path / "q").iterdir()), "failed input copied to quarantine"


def test_cache_key_follows_content_code_and_path() -> None:
    fp = code_fingerprint()
    key = cache_key("/a/x.pdf", "ab" * 32, fp)
    assert key == cache_key("/a/x.pdf", "ab" * 32, fp)
    assert key != cache_key("/a/x.pdf", "cd" * 32, fp)
    assert key != cache_key("/a/x.pdf", "ab" * 32, fp + "0")
    assert key != cache_key("/b/x.pdf", "ab" * 32, fp)


def test_summary_counts_unresolved_names_and_stage_times() -> None:
    from pipeline.process import FileOutcome

    outcomes = [
        FileOutcome(path="/a", name="a", state="loaded", activities=3, unresolved=["市甲局"],
                    timings={"read": 1.0, "load": 0.5}),
        FileOutcome(path="/b", name="b", state="loaded", activities=2, unresolved=["市甲局", "区乙办"],
                    timings={"read": 2.0, "normalize": 0.25}),
        FileOutcome(path="/c", name="c", state="skipped"),
    ]
    s = summarize("l1", outcomes, 0, 4.0, organizations_added=2)
    assert (s.files, s.loaded, s.skipped, s.activities, s.organizations_added) == (3, 2, 1, 5, 2)
    assert s.unresolved == {"市甲局": 2, "区乙办": 1}
    assert list(s.stage_seconds) == ["read", "normalize", "load"] and s.stage_seconds["read"] == 3.0


def test_progress_without_a_terminal_logs_one_line_per_file() -> None:
    from pipeline.process import FileOutcome

    lines: list[str] = []
    with RunProgress(2, lines.append, bar=False) as progress:
        progress.advance(FileOutcome(path="/a", name="a.pdf", state="skipped"))
        progress.advance(FileOutcome(path="/b", name="b.pdf", state="loaded", activities=4))
    assert lines == ["[1/2] skipped a.pdf", "[2/2] loaded b.pdf: 4 activities, 0 outline items"]


def test_a_rerun_with_nothing_to_do_is_recorded_without_starting_a_flow(raw_dir: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import pipeline.cli.run as cli_run
    import pipeline.run
    from loaders.runs import file_states
    from pipeline.run import run_batch, settled_run

    inbox = tmp_path / "raw"
    inbox.mkdir()
    for name in (DOCX, "cmqa_2020_industry.docx"):
        shutil.copy2(raw_dir / name, inbox / name)
    settings = Settings(db=f"sqlite:///{tmp_path / 'qm.db'}", quarantine=str(tmp_path / "q"))
    looked_up: list[int] = []
    look_up = pipeline.run.look_up

    def counted(files: list[Path], s: Settings) -> object:
        looked_up.append(len(files))
        return look_up(files, s)

    monkeypatch.setattr(pipeline.run, "SETTLED_CHUNK", 1)
    monkeypatch.setattr(pipeline.run, "look_up", counted)
    assert settled_run(settings, [str(inbox)]) is None, "new files need work"
    assert looked_up == [1], "given up at the first chunk that holds a new file"
    assert run_batch(settings, [str(inbox)]).loaded == 2
    runs = len(runs_of(settings))
    settled = settled_run(settings, [str(inbox)])
    assert settled is not None and (settled.files, settled.skipped, settled.loaded) == (2, 2, 0)
    assert len(runs_of(settings)) == runs + 1, "recorded like any run"
    assert settled_run(Settings(db=settings.db, force=True), [str(inbox)]) is None, "--force always works"

    def no_flow(*args: object, **kwargs: object) -> None:
        raise AssertionError("the flow was started for a folder with nothing to do")

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(cli_run, "_flows", dataclasses.replace(cli_run.the_flows(), run_ingest=no_flow))
    (inbox / DOCX).unlink()
    result = CliRunner().invoke(app, ["run", "--raw", str(inbox), "--db", settings.db, "--log-level", "WARNING"])
    assert result.exit_code == 0, result.output
    assert "1 files — 0 loaded, 1 unchanged, 0 failed" in result.output and "1 withdrawn" in result.output
    states = {r["name"]: r for r in file_states(get_engine(settings.db))}
    assert states[DOCX]["state"] == "withdrawn" and states["cmqa_2020_industry.docx"]["last_run"] == "skipped"

    (inbox / "cmqa_2020_industry.docx").write_bytes((raw_dir / DOCX).read_bytes())  # changed content
    runs = len(runs_of(settings))
    assert settled_run(settings, [str(inbox)]) is None and len(runs_of(settings)) == runs, "nothing recorded"
    result = CliRunner().invoke(app, ["run", "--raw", str(inbox), "--db", settings.db, "--log-level", "WARNING"])
    assert isinstance(result.exception, AssertionError), "a changed file goes through the flow"


def runs_of(settings: Settings) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from loaders.models import Run

    with Session(get_engine(settings.db)) as session:
        return list(session.scalars(select(Run.id)))


def test_a_run_exempts_its_startup_heap_from_full_collections_until_it_ends(raw_dir: Path, tmp_path: Path) -> None:
    import gc

    from pipeline.run import finish, prepare, settled_heap

    settings = Settings(db=f"sqlite:///{tmp_path / 'qm.db'}", quarantine=str(tmp_path / "q"))
    load_id, files = prepare(settings, [str(raw_dir / DOCX)])
    with settled_heap():
        assert files and gc.get_freeze_count() > 10_000
        outcomes = [process_file(str(f), settings, load_id) for f in files]
    assert gc.get_freeze_count() == 0
    assert finish(settings, load_id, [str(raw_dir / DOCX)], outcomes, 1.0).loaded == 1
    with pytest.raises(RuntimeError), settled_heap():
        raise RuntimeError("a crash mid-run")
    assert gc.get_freeze_count() == 0, "collectable again after a crash too"


def test_a_cached_analysis_is_read_once_and_expires(raw_dir: Path, tmp_path: Path) -> None:
    from datetime import timedelta

    from prefect.filesystems import LocalFileSystem
    from prefect.results import ResultStore

    from pipeline.cache import cached_analysis

    store = ResultStore(result_storage=LocalFileSystem(basepath=str(tmp_path / "results")),
                        cache_result_in_memory=False)
    analysis = analyze_file(str(raw_dir / DOCX))
    assert cached_analysis(store, "missing") is None
    store.write(analysis, key="fresh", expiration=datetime.now(UTC) + timedelta(days=1))  # type: ignore[arg-type]
    store.write(analysis, key="stale", expiration=datetime.now(UTC) - timedelta(seconds=1))  # type: ignore[arg-type]
    (tmp_path / "results" / "garbled").write_bytes(b"not a record")
    hit = cached_analysis(store, "fresh")
    assert hit is not None and hit.parsed == analysis.parsed and hit.sha256 == analysis.sha256
    assert cached_analysis(store, "stale") is None and cached_analysis(store, "garbled") is None
