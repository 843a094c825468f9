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

import sys

from pipeline import prefect_server

# `qmetl run` may need Prefect's temporary server: start it now, so its start-up overlaps the imports below.
prefect_server.prestart(sys.argv)

import atexit
import gc
import importlib
import json
import logging
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import typer
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.results import ResultStore, get_result_store
from prefect.schedules import Cron
from prefect.settings import get_current_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.types import DateTime
from prefect.utilities.annotations import quote

import normalizers
from loaders.db import close_engines, get_engine
from loaders.names import storable
from loaders.runs import interrupt_run, loaded_by, own_runs
from pipeline import lifetime, sandbox
from pipeline.analyze import Analysis, cache_key, code_fingerprint, process_pool, skipped
from pipeline.batches import analyze_retrying, crashed_analysis, load_retrying, plan_batches
from pipeline.cli import DbOption, app, console
from pipeline.cli_errors import check_inputs, check_reachable, no_notice_found, report_failure, safe_url
from pipeline.config import ConfigError, Settings, absolute_paths, load_settings
from pipeline.discover import list_roots, modified_since, parse_since, read_list_file
from pipeline.process import FileOutcome, triage
from pipeline.publish import run_finished, run_started
from pipeline.report import RunProgress, RunSummary, organization_count, render_text
from pipeline.run import finish, prepare, settled_heap, settled_run

CACHE_EXPIRATION = timedelta(days=90)
# Imported on a flow's first call (Prefect's engines, its parameter encoder, its client's first connection)
FIRST_CALL_MODULES = ("prefect.flow_engine", "prefect.task_engine", "fastapi.encoders", "anyio.streams.tls")
Batch = list[tuple[str, str]]  # (path, sha256) of each file, in file order
SUMMARY_PRINTED_BY_CLI = False  # set by `qmetl run`, which prints the run summary once, after the flow


@task(name="analyze-batch", task_run_name="analyze {label}", cache_policy=NO_CACHE, persist_result=False)
def analyze_batch(files: Batch, label: str, settings: dict[str, Any], fingerprint: str) -> list[Analysis]:
    """Read and structure a batch of (path, sha256) files, no database: runs on any worker (or hands each
    file to this run's process pool). With ``fingerprint`` (caching on) each file's analysis is cached
    on its own key, so a batch of a changed folder reuses the files that did not change."""
    cfg = Settings(**settings)
    # not kept in memory: Prefect's in-memory cache of results (1,000 records, shared by the run's
    # tasks) held every analysis written or read to the end of the run, for each full GC to scan
    store = get_result_store().model_copy(update={"cache_result_in_memory": False}) if fingerprint else None
    return [_analysis(path, sha, cfg, store, fingerprint) for path, sha in files]


def _analysis(path: str, sha256: str, cfg: Settings, store: ResultStore | None, fingerprint: str) -> Analysis:
    """The cached analysis of this content, code, environment and path, or a fresh one (cached only
    when it succeeded: a failure, above all one the environment caused, is never replayed)."""
    key = cache_key(path, sha256, fingerprint) if store is not None else ""
    cached = cached_analysis(store, key) if store is not None else None
    if cached is not None:
        return cached
    try:
        analysis = analyze_retrying(path, sha256, cfg)
    except Exception as exc:  # a crashed worker or a bug: this file's recorded failure, not the run's
        get_run_logger().error("analysis of %s crashed: %s: %s", path, type(exc).__name__, exc)
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


@task(name="load-batch", task_run_name="load {label}", cache_policy=NO_CACHE, persist_result=False)
def load_batch(analyses: list[Analysis], label: str, settings: dict[str, Any], load_id: str) -> list[FileOutcome]:
    """Normalize and store a batch of analyses in file order, one document (one transaction) at a time."""
    cfg = Settings(**settings)
    return [load_retrying(a, cfg, load_id) for a in analyses]


def build_task_runner(cfg: Settings) -> TaskRunner[Any]:
    """Threads on this machine (``--executor processes`` adds a process pool under them, see
    ``pipeline.analyze.process_pool``), or the Dask cluster at ``dask_address``."""
    if cfg.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=cfg.dask_address)
    return ThreadPoolTaskRunner(max_workers=cfg.workers)


def _window(cfg: Settings) -> int:
    """Batches submitted ahead of the loader, the one it is about to load included. When analyses run
    outside this process (worker processes, a Dask cluster) every worker stays busy while it loads;
    in threads, which share its GIL, it loads while no analysis runs: two CPU-bound threads took
    10-30% longer than one doing the same work in turn (bench/NOTES.md)."""
    if cfg.dask_address:
        return 16
    return cfg.workers + 1 if cfg.executor == "processes" and cfg.workers >= 2 else cfg.workers


@flow(name="qmetl-ingest", description="Discover notices, analyse them in parallel, load them serially.")
def ingest(sources: list[str] | None = None, settings: dict[str, Any] | None = None,
           since: str | None = None, list_file: str | None = None) -> RunSummary:
    """Ingest the notices under ``sources`` (folders or files) and those named in ``list_file``;
    with ``since``, only files modified at or after that date (YYYY-MM-DD) are analysed."""
    logger = get_run_logger()
    lifetime.reclaim_signals()  # Prefect's flow engine took SIGTERM over; `qmetl run` stops as it says
    cfg = Settings(**settings) if settings else load_settings()
    roots = None if cfg.list_any_path or not list_file else list_roots(Path(list_file), cfg.raw, sources)
    listed = [str(p) for p in read_list_file(Path(list_file), roots)] if list_file else []
    roots = (sources or ([] if listed else [cfg.raw])) + listed
    started = time.perf_counter()
    load_id, files = prepare(cfg, roots)
    fresh, older = modified_since(files, parse_since(since) if since else None)
    orgs_before = organization_count(get_engine(cfg.db))
    run_started(load_id, len(files), roots)  # before any task: see pipeline.publish
    logger.info("run %s: %d files into %s%s", load_id, len(files), safe_url(cfg.db),
                f" ({len(fresh)} modified since {since}, {len(older)} older ones skipped)" if since else "")
    outcomes = [skipped(f) for f in older]
    with settled_heap(), RunProgress(len(files), logger.info) as progress:
        for o in outcomes:
            progress.advance(o)
        for outcome in _process(cfg, fresh, load_id, logger):
            outcomes.append(outcome)
            progress.advance(outcome)
    outcomes.sort(key=lambda o: o.path)
    summary = finish(cfg, load_id, roots, outcomes, time.perf_counter() - started, orgs_before)
    run_finished(summary, outcomes)
    if not SUMMARY_PRINTED_BY_CLI:  # `qmetl run` prints it once itself; a deployment's run logs it
        logger.info(render_text(summary).splitlines()[0])
    return summary


def _process(cfg: Settings, files: list[Path], load_id: str, logger: Any) -> Iterator[FileOutcome]:
    """Triage every file (skip settled ones, guards), analyse the rest in batches on the task runner,
    and load each batch in file order."""
    todo: Batch = []
    for item in triage(files, cfg, load_id):  # one store query for all the files
        if isinstance(item, FileOutcome):
            yield item
        else:
            todo.append((item.path, item.sha256))
    batches = plan_batches(todo, cfg.workers, cfg.batch_size)
    if not batches:
        return
    logger.info("%d files to analyse in %d batches", len(todo), len(batches))
    fingerprint = code_fingerprint() if cfg.cache else ""
    pool_size = cfg.workers if cfg.executor == "processes" and not cfg.dask_address else 0
    with process_pool(pool_size), build_task_runner(cfg) as runner:
        for label, analyses in _analysed(cfg, runner, batches, fingerprint, logger):
            # quote: Prefect would otherwise walk every parsed notice looking for futures (~30 ms a file)
            yield from load_batch(cast(list[Analysis], quote(analyses)), label, cfg.as_dict(), load_id)


def _analysed(cfg: Settings, runner: TaskRunner[Any], batches: list[Batch], fingerprint: str,
              logger: Any) -> Iterator[tuple[str, list[Analysis]]]:
    """Each batch's label and analyses, in order. A batch is submitted when the loader asks for the
    next one, so at most ``_window`` batches are in flight while it loads the last."""
    labels = [_label(i, len(batches), b) for i, b in enumerate(batches, 1)]
    pending: deque[tuple[int, PrefectFuture[Any]]] = deque()
    window = _window(cfg)

    def ready() -> tuple[str, list[Analysis]]:
        j, future = pending.popleft()
        return labels[j], _results(future, batches[j], logger)

    for i, batch in enumerate(batches):
        params = {"files": batch, "label": labels[i], "settings": cfg.as_dict(), "fingerprint": fingerprint}
        pending.append((i, runner.submit(analyze_batch, params)))
        if len(pending) >= window:
            yield ready()
    while pending:
        yield ready()


def _label(number: int, total: int, batch: Batch) -> str:
    return f"batch {number}/{total} ({len(batch)} files from {storable(Path(batch[0][0]).name)})"


def _results(future: PrefectFuture[Any], batch: Batch, logger: Any) -> list[Analysis]:
    """The batch's analyses, or each file's recorded failure when the whole task crashed (a lost Dask
    worker, a bug): the night's run goes on, and the next run tries these files again."""
    try:
        result = future.result()
    except Exception as exc:  # recorded as each file's failure, with the reason
        logger.error("analysis batch of %d files from %s crashed: %s: %s", len(batch), batch[0][0],
                     type(exc).__name__, exc)
        return [crashed_analysis(path, sha, exc) for path, sha in batch]
    if not isinstance(result, list) or not all(isinstance(a, Analysis) for a in result):
        raise TypeError(f"analysis batch from {batch[0][0]} returned {type(result).__name__}, expected Analyses")
    return result


def run_ingest(settings: Settings, sources: list[str] | None = None, since: str | None = None,
               list_file: str | None = None) -> RunSummary:
    """Run the ingest flow once: against the configured Prefect server, else a temporary one."""
    with prefect_server.api(meanwhile=warm_up):
        return ingest(sources=sources, settings=settings.as_dict(), since=since, list_file=list_file)


def warm_up() -> None:
    """Load what the flow's first call and the first notice's normalization would (~1 s: modules,
    jieba's dictionary), while Prefect's temporary server starts on the other core."""
    for name in FIRST_CALL_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # another Prefect version: then it loads what it needs when it needs it
            pass
    normalizers.warm_up()


def _settled_run(settings: Settings, sources: list[str] | None, since: str | None,
                 list_file: str | None) -> RunSummary | None:
    """A run with nothing to analyse, recorded without starting the flow: a temporary Prefect server
    takes ~4 s to start, more than hashing thousands of unchanged files. Only without a Prefect
    server configured (PREFECT_API_URL) and without --since, --force or --list; else None."""
    if get_current_settings().api.url or since or list_file:
        return None
    summary = settled_run(settings, sources or [settings.raw])
    if summary is not None:
        logging.getLogger("qmetl").info("every file is unchanged since the last run: recorded without a flow run")
    return summary


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


@task(name="fetch-sources", cache_policy=NO_CACHE, persist_result=False)
def fetch_sources(sources_file: str, raw: str | None = None) -> str:
    """Download new or changed notices (pipeline.fetch); the folder they are in."""
    from pipeline.fetch.run import fetch_all, render

    folder, summaries = fetch_all(Path(sources_file), Path(raw) if raw else None)
    get_run_logger().info(render(summaries))
    return str(folder)


@flow(name="qmetl-fetch-ingest", description="Fetch notices from their sites, then ingest the fetched folder.")
def fetch_and_ingest(sources_file: str, raw: str | None = None, settings: dict[str, Any] | None = None) -> RunSummary:
    """What a schedule runs before (instead of) a plain ingest: ``qmetl fetch`` then ``qmetl run --raw``."""
    folder = fetch_sources(sources_file, raw)
    return ingest(sources=[folder], settings=settings)


@app.command()
def run(
    raw: list[Path] = RawOption,
    db: str | None = DbOption,
    list_file: str | None = typer.Option(None, "--list", help="Text file of paths (or file:// URLs), one a line."),
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
    listed = check_inputs(sources, list_file, settings.raw)
    check_reachable(settings.db)
    global SUMMARY_PRINTED_BY_CLI
    SUMMARY_PRINTED_BY_CLI = True
    if listed and not settings.list_any_path:
        try:
            read_list_file(Path(listed), list_roots(Path(listed), settings.raw, sources))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--list") from exc
    lifetime.on_stop([sandbox.stop_all, lambda: _record_interrupt(settings),
                      lambda: prefect_server.discard(now=True)])
    lifetime.reap_leftovers()  # what a killed run left running (a temporary server, analysis workers)
    try:
        summary = _settled_run(settings, sources, since, listed) or run_ingest(settings, sources, since, listed)
    except prefect_server.ServerError as exc:
        typer.echo(f"qmetl run: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    except BaseException:
        if lifetime.stopping():
            _interrupted(settings)
        raise
    console.print(render_text(summary), markup=False, highlight=False, soft_wrap=True)
    nothing = no_notice_found(summary)
    if nothing:
        typer.echo(f"qmetl: {nothing}", err=True)
        raise typer.Exit(code=2)
    if settings.strict and summary.failed:
        raise typer.Exit(code=1)


def _interrupted(settings: Settings) -> None:
    """After Ctrl-C / SIGTERM: the document in hand rolled back with its transaction, the workers and
    the temporary server stopped, the run marked interrupted; how to resume; exit 130 (143 on SIGTERM)."""
    sandbox.stop_all()
    loaded = _record_interrupt(settings)
    prefect_server.discard(now=True)
    typer.echo(f"qmetl run: interrupted; {loaded} documents were loaded completely, none half-way. "
               f"To resume, run the same command again: loaded files are skipped.", err=True)
    sys.stderr.flush()
    os._exit(lifetime.exit_code())


def _record_interrupt(settings: Settings) -> int:
    """This process's unfinished runs marked interrupted (by the main thread, or by the forced stop
    when the main thread is stuck); the documents they loaded."""
    loaded = 0
    try:
        engine = get_engine(settings.db)
        for load_id in own_runs(engine):
            loaded += loaded_by(engine, load_id)
            interrupt_run(engine, load_id, "stopped by Ctrl-C / SIGTERM")
        close_engines()
    except Exception as exc:  # the next command marks it interrupted anyway (loaders.runs.mark_dead_runs)
        typer.echo(f"qmetl run: could not record the interruption: {exc}", err=True)
    return loaded


@app.command()
def serve(
    raw: list[Path] = RawOption,
    db: str | None = DbOption,
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
    if not get_current_settings().api.url:
        logging.getLogger("qmetl").warning(
            "PREFECT_API_URL is not set: serving against a temporary server; start `prefect server start` and "
            "set PREFECT_API_URL so schedules survive and show in the UI")
    from prefect import serve as prefect_serve

    prefect_serve(deployment)


def cli() -> None:
    """The ``qmetl`` program."""
    atexit.register(_exit)
    try:
        app(standalone_mode=True)
    except Exception as exc:  # a failure of the work itself (mistakes exit 2 in QmetlGroup)
        sys.exit(report_failure(exc, sys.argv))


def _exit() -> None:
    """After the command: close the stores (SQLite folds its write-ahead log into the database file),
    then freeze the heap. The interpreter's last collection then skips the ~400,000 objects of
    Prefect, the ORM and the rule tables, ~0.6 s at every exit; their memory goes back with the
    process, as after any exit."""
    close_engines()
    gc.freeze()


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv.append("run")
    cli()
