"""Thin Prefect flows over the pipeline functions, and the `qmetl` entry point.

`python flows.py` runs the ingest flow on the configured raw folder, like `qmetl run`.
Runs need no Prefect server (ephemeral mode); only schedules (`qmetl serve`) do.
The CLI lives in pipeline.cli; the commands that start flows are registered here, so
imports only point downward (flows → pipeline → stages → schemas).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import typer
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.cli import app, console
from pipeline.config import Settings, load_settings
from pipeline.process import FileOutcome, TransientError, process_file
from pipeline.report import RunSummary, render_markdown, render_text
from pipeline.run import finish, prepare


def _transient_only(_task: Any, _run: Any, state: Any) -> bool:
    """Retry a task only when it failed for a transient reason, never for bad input or bugs."""
    return isinstance(state.result(raise_on_failure=False), TransientError)


@task(name="process-document", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_transient_only,
      task_run_name="process {path}")
def process_document(path: str, settings: dict[str, Any], load_id: str) -> FileOutcome:
    return process_file(path, Settings(**settings), load_id)


@flow(name="qmetl-ingest")
def ingest(sources: list[str] | None = None, settings: dict[str, Any] | None = None) -> RunSummary:
    """Discover the notices under ``sources``, process each in its own task, summarise the run."""
    logger = get_run_logger()
    cfg = Settings(**settings) if settings else load_settings()
    roots = sources or [cfg.raw]
    started = time.perf_counter()
    load_id, files = prepare(cfg, roots)
    logger.info("run %s: %d files from %s into %s", load_id, len(files), ", ".join(roots), cfg.db)
    futures = [process_document.submit(str(f), cfg.as_dict(), load_id) for f in files]
    outcomes: list[FileOutcome] = []
    for i, fut in enumerate(futures, start=1):
        outcome = fut.result()
        outcomes.append(outcome)
        logger.info("[%d/%d] %s %s%s", i, len(files), outcome.state, outcome.name, _detail(outcome))
    summary = finish(cfg, load_id, roots, outcomes, time.perf_counter() - started)
    create_markdown_artifact(render_markdown(summary), key="qmetl-run-summary", description="qmetl run summary")
    logger.info(render_text(summary))
    return summary


def _detail(o: FileOutcome) -> str:
    if o.error is not None:
        return f": [{o.error.code}] {o.error.message}"
    if o.state == "loaded":
        return f": {o.activities} activities, {o.outline_items} outline items"
    return ""


def run_ingest(settings: Settings, sources: list[str] | None = None) -> RunSummary:
    """Run the ingest flow with a task runner sized from the settings."""
    runner = ThreadPoolTaskRunner(max_workers=settings.workers)
    return ingest.with_options(task_runner=runner)(sources=sources, settings=settings.as_dict())


@app.command()
def run(
    raw: list[Path] = typer.Option(None, "--raw", help="Folder(s) or file(s) of notices (default: data/raw)."),
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the store."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Documents processed in parallel."),
    force: bool = typer.Option(False, "--force", help="Reprocess files even when unchanged."),
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when any file failed."),
) -> None:
    """Ingest notices: extract → normalize → load every new or changed file, then summarise."""
    settings = load_settings(db=db, workers=workers, force=force or None, strict=strict or None)
    summary = run_ingest(settings, [str(p) for p in raw] if raw else None)
    console.print(render_text(summary), markup=False, highlight=False)
    if settings.strict and summary.failed:
        raise typer.Exit(code=1)


def cli() -> None:
    app()


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv.append("run")
    cli()
