"""Thin Prefect flows over the pipeline functions, and the `qmetl` entry point.

`python flows.py` runs the ingest flow on the configured raw folder, like `qmetl run`;
`python flows.py serve` serves it as a scheduled deployment, like `qmetl serve`.
Runs need no Prefect server (ephemeral mode); only schedules (`qmetl serve`) do.

Parse in parallel, load serially: each document is analysed (read → structure, the costly
part) in a task on the chosen runner (threads, processes or a Dask cluster); the flow
normalizes and loads the analyses one by one in file order, so SQLite has one writer and every executor produces the
same store. The CLI lives in pipeline.cli; the commands that start flows are registered here,
so imports only point downward (flows → pipeline → stages → schemas).
"""

from __future__ import annotations

import os

# No telemetry (and its first-run notice) from Prefect's client or ephemeral server; give it time to start on a busy machine.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import json
import logging
import sys
import time
from collections import deque
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import typer
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE, CacheKeyFnPolicy
from prefect.futures import PrefectFuture
from prefect.schedules import Cron
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from loaders.db import get_engine
from pipeline.analyze import (
    Analysis,
    cache_key,
    code_fingerprint,
    failed_analysis,
    load_analysis,
    process_pool,
    run_analysis,
    skipped,
    triage,
)
from pipeline.cli import app, console
from pipeline.config import ConfigError, Settings, absolute_paths, load_settings
from pipeline.discover import modified_since, parse_since, read_list_file
from pipeline.process import FileOutcome, TransientError, unchanged_outcomes
from pipeline.report import (
    RunProgress,
    RunSummary,
    file_rows,
    organization_count,
    render_markdown,
    render_text,
)
from pipeline.run import finish, prepare
from schemas import ErrorKind, StageError

ANALYZE_TAG = "qmetl-analyze"


def _transient_only(_task: Any, _run: Any, state: Any) -> bool:
    """Retry a task only when it failed for a transient reason, never for bad input or bugs."""
    return isinstance(state.result(raise_on_failure=False), TransientError)


def _analysis_key(_ctx: Any, params: dict[str, Any]) -> str | None:
    """Cache on (content hash, extractor and normalizer versions, code fingerprint, path)."""
    fingerprint = params.get("fingerprint")
    return cache_key(params["path"], params["sha256"], fingerprint) if fingerprint else None


@task(name="analyze-document", task_run_name="analyze {name}", tags=[ANALYZE_TAG],
      retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5,
      retry_condition_fn=_transient_only, cache_policy=CacheKeyFnPolicy(cache_key_fn=_analysis_key),
      cache_expiration=timedelta(days=90), persist_result=True)
def analyze_document(path: str, name: str, sha256: str, fingerprint: str) -> Analysis:
    """Read and structure one file (no database): runs on any worker, or hands the work
    to this run's process pool (``--executor processes``)."""
    analysis = run_analysis(path, sha256)
    if analysis.error is not None and analysis.error.kind == ErrorKind.TRANSIENT:
        raise TransientError(str(analysis.error))
    return analysis


@task(name="load-document", task_run_name="load {name}", cache_policy=NO_CACHE, persist_result=False,
      retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_condition_fn=_transient_only)
def load_document(analysis: Analysis, name: str, settings: dict[str, Any], load_id: str) -> FileOutcome:
    """Write one analysis to the store; called from the flow, one document at a time."""
    return load_analysis(analysis, Settings(**settings), load_id)


def analyze_task(cfg: Settings) -> Any:
    """The analyze task configured from the settings: retries, backoff, and caching on or off."""
    opts: dict[str, Any] = {"retries": cfg.retries,
                            "retry_delay_seconds": exponential_backoff(backoff_factor=cfg.retry_backoff)}
    if not cfg.cache:
        opts.update(cache_policy=NO_CACHE, persist_result=False)
    return analyze_document.with_options(**opts)


def build_task_runner(cfg: Settings) -> TaskRunner[Any]:
    """Threads on this machine (``--executor processes`` adds a process pool under them, see
    ``pipeline.analyze.process_pool``), or the Dask cluster at ``dask_address``."""
    if cfg.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=cfg.dask_address)
    return ThreadPoolTaskRunner(max_workers=cfg.workers)


def _window(cfg: Settings) -> int:
    """Documents analysed ahead of the loader: bounds memory while the single writer catches up."""
    return max(2, 2 * cfg.workers) if not cfg.dask_address else 64


@flow(name="qmetl-ingest", description="Discover notices, analyse them in parallel, load them serially.")
def ingest(sources: list[str] | None = None, settings: dict[str, Any] | None = None,
           since: str | None = None, list_file: str | None = None) -> RunSummary:
    """Ingest the notices under ``sources`` (folders or files) and those named in ``list_file``;
    with ``since``, only files modified at or after that date (YYYY-MM-DD) are analysed."""
    logger = get_run_logger()
    cfg = Settings(**settings) if settings else load_settings()
    listed = [str(p) for p in read_list_file(Path(list_file))] if list_file else []
    roots = (sources or ([] if listed else [cfg.raw])) + listed
    started = time.perf_counter()
    load_id, files = prepare(cfg, roots)
    fresh, older = modified_since(files, parse_since(since) if since else None)
    orgs_before = organization_count(get_engine(cfg.db))
    logger.info("run %s: %d files (%d modified since %s) into %s", load_id, len(files), len(fresh),
                since or "ever", cfg.db)
    outcomes = [skipped(f) for f in older]
    with RunProgress(len(files), logger.info) as progress:
        for o in outcomes:
            progress.advance(o)
        for outcome in _process(cfg, fresh, load_id, logger):
            outcomes.append(outcome)
            progress.advance(outcome)
    outcomes.sort(key=lambda o: o.path)
    summary = finish(cfg, load_id, roots, outcomes, time.perf_counter() - started, orgs_before)
    _publish(summary, outcomes)
    logger.info(render_text(summary).splitlines()[0])
    return summary


def _process(cfg: Settings, files: list[Path], load_id: str, logger: Any) -> Iterator[FileOutcome]:
    """Triage every file (skip settled ones, guards), analyse the rest on the task runner, and load
    each analysis in file order."""
    todo: list[tuple[Path, str]] = []
    settled = unchanged_outcomes([str(f) for f in files], cfg)  # one query, not one per file
    for f in files:
        if str(f) in settled:
            yield settled[str(f)]
            continue
        triaged = triage(f, cfg, load_id)
        if isinstance(triaged, FileOutcome):
            yield triaged
        else:
            todo.append((f, triaged.sha256))
    if not todo:
        return
    analyze = analyze_task(cfg)
    fingerprint = code_fingerprint() if cfg.cache else ""
    pool_size = cfg.workers if cfg.executor == "processes" and not cfg.dask_address else 0
    with process_pool(pool_size), build_task_runner(cfg) as runner:
        pending: deque[tuple[Path, PrefectFuture[Any]]] = deque()
        queue = iter(todo)

        def submit_next() -> None:
            item = next(queue, None)
            if item is not None:
                params = {"path": str(item[0]), "name": item[0].name, "sha256": item[1], "fingerprint": fingerprint}
                pending.append((item[0], runner.submit(analyze, params)))

        for _ in range(_window(cfg)):
            submit_next()
        while pending:
            path, future = pending.popleft()
            submit_next()
            analysis = _result(future, path, logger)
            yield load_document(analysis, path.name, cfg.as_dict(), load_id)


def _result(future: PrefectFuture[Any], path: Path, logger: Any) -> Analysis:
    """The analysis, or a recorded failure when the task crashed or stayed transient after its retries
    (a bug must not stop the night's run; a transient failure is retried on the next run)."""
    try:
        result = future.result()
    except TransientError as exc:
        return failed_analysis(path, StageError(stage="extract", code="extract.transient", file=str(path),
                                                message=str(exc), kind=ErrorKind.TRANSIENT))
    except Exception as exc:  # recorded as the file's failure, with the reason
        logger.error("analysis of %s crashed: %s: %s", path, type(exc).__name__, exc)
        return failed_analysis(path, StageError(stage="extract", code="internal.error", file=str(path),
                                                message=f"analysis task crashed: {type(exc).__name__}: {exc}"))
    if not isinstance(result, Analysis):
        raise TypeError(f"analysis of {path} returned {type(result).__name__}, expected Analysis")
    return result


def _publish(summary: RunSummary, outcomes: list[FileOutcome]) -> None:
    """The run's Prefect artifacts: a markdown summary and a table of files."""
    create_markdown_artifact(render_markdown(summary), key="qmetl-run-summary",
                             description=f"qmetl run {summary.load_id}")
    if outcomes:
        create_table_artifact(file_rows(outcomes), key="qmetl-run-files",
                              description=f"files of qmetl run {summary.load_id}")


def run_ingest(settings: Settings, sources: list[str] | None = None, since: str | None = None,
               list_file: str | None = None) -> RunSummary:
    """Run the ingest flow once (ephemeral Prefect, no server needed)."""
    return ingest(sources=sources, settings=settings.as_dict(), since=since, list_file=list_file)


def build_deployment(settings: Settings, sources: list[str] | None = None) -> Any:
    """The ingest flow as a deployment: cron schedule from the settings, parameters for on-demand runs,
    one run at a time (the store has one writer)."""
    settings = absolute_paths(settings)
    return ingest.to_deployment(
        name=settings.deployment,
        schedules=[Cron(settings.schedule, timezone=settings.timezone)],
        parameters={"sources": sources or [settings.raw], "settings": settings.as_dict()},
        concurrency_limit=1,
        tags=["qmetl"],
        description="Nightly qmetl ingest: new or changed notices only (unchanged files are skipped).",
    )


def describe_deployment(deployment: Any) -> dict[str, Any]:
    return {
        "name": deployment.name,
        "flow": deployment.flow_name,
        "entrypoint": deployment.entrypoint,
        "schedules": [{"cron": s.schedule.cron, "timezone": s.schedule.timezone} for s in deployment.schedules],
        "concurrency_limit": deployment.concurrency_limit,
        "tags": deployment.tags,
        "parameters": deployment.parameters,
    }


def configure_logging(level: str) -> None:
    """--log-level for our flow logs; Prefect's own per-task chatter only at DEBUG."""
    lvl = logging.getLevelName(level.upper())
    quiet = lvl if lvl <= logging.DEBUG else max(lvl, logging.WARNING)
    logging.getLogger("prefect").setLevel(quiet)
    logging.getLogger("prefect.flow_runs").setLevel(lvl)
    logging.getLogger("prefect.task_runs").setLevel(quiet)
    logging.getLogger("jieba").setLevel(quiet)  # its dictionary-loading chatter


def _settings(**flags: Any) -> Settings:
    try:
        return load_settings(**flags)
    except (ConfigError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc


RawOption = typer.Option(None, "--raw", help="Folder(s) or file(s) of notices (default: setting `raw`).")
ConfigOption = typer.Option(None, "--config", help="TOML file of settings (default: qmetl.toml / pyproject).")
WorkersOption = typer.Option(None, "--workers", min=1, help="Documents analysed in parallel.")
ExecutorOption = typer.Option(None, "--executor", help="threads or processes (with --workers).")
DaskOption = typer.Option(None, "--dask-address", help="Run the analyses on the Dask scheduler at tcp://host:port.")
LogOption = typer.Option(None, "--log-level", help="DEBUG, INFO, WARNING or ERROR.")


@app.command()
def run(
    raw: list[Path] = RawOption,
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the store."),
    list_file: Path | None = typer.Option(None, "--list", help="Text file of paths (or file:// URLs), one a line."),
    since: str | None = typer.Option(None, "--since", help="Only files modified on/after this date (YYYY-MM-DD)."),
    workers: int | None = WorkersOption,
    executor: str | None = ExecutorOption,
    dask_address: str | None = DaskOption,
    force: bool = typer.Option(False, "--force", help="Reprocess files even when unchanged."),
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when any file failed."),
    cache: bool | None = typer.Option(None, "--cache/--no-cache", help="Reuse cached analyses (Prefect cache)."),
    config: Path | None = ConfigOption,
    log_level: str | None = LogOption,
) -> None:
    """Ingest notices: analyse every new or changed file in parallel, load serially, then summarise."""
    settings = _settings(config=config, db=db, workers=workers, executor=executor, dask_address=dask_address,
                         force=force or None, strict=strict or None, cache=cache, log_level=log_level)
    configure_logging(settings.log_level)
    if since:
        try:
            parse_since(since)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--since") from exc
    sources = [str(p) for p in raw] if raw else None
    summary = run_ingest(settings, sources, since=since, list_file=str(list_file) if list_file else None)
    console.print(render_text(summary), markup=False, highlight=False, soft_wrap=True)
    if settings.strict and summary.failed:
        raise typer.Exit(code=1)


@app.command()
def serve(
    raw: list[Path] = RawOption,
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the store."),
    cron: str | None = typer.Option(None, "--cron", help="Cron schedule (default: setting `schedule`, nightly)."),
    timezone: str | None = typer.Option(None, "--timezone", help="Time zone of the cron schedule."),
    name: str | None = typer.Option(None, "--name", help="Deployment name (default: setting `deployment`)."),
    workers: int | None = WorkersOption,
    executor: str | None = ExecutorOption,
    dask_address: str | None = DaskOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the deployment as JSON and exit without serving."),
    config: Path | None = ConfigOption,
    log_level: str | None = LogOption,
) -> None:
    """Serve the ingest flow as a Prefect deployment on a cron schedule (needs `prefect server start`)."""
    settings = _settings(config=config, db=db, schedule=cron, timezone=timezone, deployment=name, workers=workers,
                         executor=executor, dask_address=dask_address, log_level=log_level)
    configure_logging(settings.log_level)
    deployment = build_deployment(settings, [str(Path(p).resolve()) for p in raw] if raw else None)
    if dry_run:
        typer.echo(json.dumps(describe_deployment(deployment), ensure_ascii=False, indent=1))
        return
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        logging.getLogger("qmetl").warning(
            "PREFECT_API_URL is not set: serving against a temporary server; start `prefect server start` and "
            "set PREFECT_API_URL so schedules survive and show in the UI")
    from prefect import serve as prefect_serve

    prefect_serve(deployment)


def cli() -> None:
    app()


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv.append("run")
    cli()
