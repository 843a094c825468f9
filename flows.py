"""qmetl's Prefect tasks and flows and the deployment builder; ``cli``: the `qmetl` commands (run as the program by ``qmetl_main``).

Parse in parallel, load serially: batches of documents are analysed (read → structure, the costly
part) in tasks on the task runner (``pipeline.window``); the flow loads the analyses in file order,
so the store has one writer and every executor gives the same store. Importing this starts nothing
and sets nothing (the commands in ``pipeline.cli`` start Prefect's temporary server when they run).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # `python flows.py`: Prefect's environment before Prefect is imported (qmetl_main)
    from pipeline.prefect_server import use_defaults

    use_defaults()

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.results import get_result_store
from prefect.schedules import Cron

from loaders.db import get_engine
from pipeline import lifetime, prefect_server, report
from pipeline.analyze import Analysis, skipped
from pipeline.batches import load_retrying
from pipeline.cache import analysis_of
from pipeline.cli import app as app  # the `qmetl` commands, for tests and callers
from pipeline.cli import main
from pipeline.cli.errors import safe_url
from pipeline.cli.run import Flows, use_flows
from pipeline.config import Settings, absolute_paths, load_settings
from pipeline.discover import modified_since, parse_since, run_roots
from pipeline.process import FileOutcome
from pipeline.publish import run_finished, run_started
from pipeline.report import RunProgress, RunSummary, organization_count, render_text
from pipeline.run import finish, prepare, settled_heap
from pipeline.window import Batch, analyse_and_load


@task(name="analyze-batch", task_run_name="analyze {label}", cache_policy=NO_CACHE, persist_result=False)
def analyze_batch(files: Batch, label: str, settings: dict[str, Any], fingerprint: str) -> list[Analysis]:
    """Read and structure (path, sha256) files, no database; each analysis cached with ``fingerprint``
    (``pipeline.cache``), not in memory: Prefect's in-memory results cache held them all to the end."""
    cfg = Settings(**settings)
    store = get_result_store().model_copy(update={"cache_result_in_memory": False}) if fingerprint else None
    return [analysis_of(path, sha, cfg, store, fingerprint, get_run_logger()) for path, sha in files]


@task(name="load-batch", task_run_name="load {label}", cache_policy=NO_CACHE, persist_result=False)
def load_batch(analyses: list[Analysis], label: str, settings: dict[str, Any], load_id: str) -> list[FileOutcome]:
    """Normalize and store a batch of analyses in file order, one document (one transaction) at a time."""
    cfg = Settings(**settings)
    return [load_retrying(a, cfg, load_id) for a in analyses]


@flow(name="qmetl-ingest", description="Discover notices, analyse them in parallel, load them serially.")
def ingest(sources: list[str] | None = None, settings: dict[str, Any] | None = None,
           since: str | None = None, list_file: str | None = None) -> RunSummary:
    """Ingest the notices under ``sources`` (folders or files) and those named in ``list_file``;
    with ``since``, only files modified at or after that date (YYYY-MM-DD) are analysed."""
    logger = get_run_logger()
    lifetime.reclaim_signals()  # Prefect's flow engine took SIGTERM over; `qmetl run` stops as it says
    cfg = Settings(**settings) if settings else load_settings()
    roots = run_roots(cfg.raw, sources, list_file, cfg.list_any_path)
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
        for outcome in analyse_and_load(cfg, fresh, load_id, logger, analyze_batch, load_batch):
            outcomes.append(outcome)
            progress.advance(outcome)
    outcomes.sort(key=lambda o: o.path)
    summary = finish(cfg, load_id, roots, outcomes, time.perf_counter() - started, orgs_before)
    run_finished(summary, outcomes)
    if not report.SUMMARY_PRINTED_BY_CLI:  # `qmetl run` prints it once itself; a deployment's run logs it
        logger.info(render_text(summary).splitlines()[0])
    return summary


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


def run_ingest(settings: Settings, sources: list[str] | None = None, since: str | None = None,
               list_file: str | None = None) -> RunSummary:
    """Run the ingest flow once: against the configured Prefect server, else a temporary one."""
    with prefect_server.api(meanwhile=prefect_server.warm_up):
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


use_flows(Flows(run_ingest=run_ingest, build_deployment=build_deployment))  # what `qmetl run` / `serve` start
cli = main  # the `qmetl` commands (the program, pyproject [project.scripts], is qmetl_main:cli)

if __name__ == "__main__":  # `python flows.py` = `qmetl run`; `python flows.py serve` = `qmetl serve`
    if len(sys.argv) == 1:
        sys.argv.append("run")
    cli()
