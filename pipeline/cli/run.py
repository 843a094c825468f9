"""`qmetl run` and `qmetl serve`: the commands that start the Prefect flows.

The flows live in flows.py, the layer above the pipeline; it hands them to these commands with
``use_flows`` when it is imported (as the ``qmetl`` program does), so the imports still point only
downward. Prefect's temporary server, when a run needs one, is started here, by the run command,
as early as the command knows it will run (``prefect_server.prestart``), not at import.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from loaders.db import close_engines, get_engine
from loaders.runs import interrupt_run, loaded_by, own_runs
from pipeline import lifetime, prefect_server, report, sandbox
from pipeline.cli.errors import check_inputs, check_reachable, no_notice_found
from pipeline.cli.options import (
    ConfigOption,
    DaskOption,
    DbOption,
    ExecutorOption,
    LogOption,
    RawOption,
    WorkersOption,
    configure_logging,
    settings_from_flags,
)
from pipeline.config import Settings
from pipeline.discover import listed_files, parse_since
from pipeline.report import RunSummary, render_text
from pipeline.run import settled_run

console = Console()


@dataclass(frozen=True)
class Flows:
    """What the two commands start, as flows.py defines it."""

    run_ingest: Callable[[Settings, list[str] | None, str | None, str | None], RunSummary]
    build_deployment: Callable[[Settings, list[str] | None], Any]


_flows: Flows | None = None


def use_flows(flows: Flows) -> None:
    """Let `qmetl run` and `qmetl serve` start these flows (called by flows.py)."""
    global _flows
    _flows = flows


def the_flows() -> Flows:
    if _flows is None:
        raise RuntimeError("the run and serve commands need the Prefect flows: start qmetl from flows.py "
                           "(the `qmetl` program, `from flows import cli`), which hands them over")
    return _flows


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("serve")(serve)


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
    prefect_server.use_defaults()
    # `qmetl run` may need Prefect's temporary server: start it now, so its start-up overlaps the checks below
    prefect_server.prestart(sys.argv)
    settings = settings_from_flags(config=config, db=db, workers=workers, executor=executor,
                                   dask_address=dask_address, force=force or None, strict=strict or None,
                                   cache=cache, log_level=log_level)
    configure_logging(settings.log_level)
    if since:
        try:
            parse_since(since)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--since") from exc
    sources = [str(p) for p in raw] if raw else None
    listed = check_inputs(sources, list_file, settings.raw)
    check_reachable(settings.db)
    report.SUMMARY_PRINTED_BY_CLI = True
    if listed and not settings.list_any_path:
        try:
            listed_files(Path(listed), settings.raw, sources, any_path=False)
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--list") from exc
    lifetime.on_stop([sandbox.stop_all, lambda: _record_interrupt(settings),
                      lambda: prefect_server.discard(now=True)])
    lifetime.reap_leftovers()  # what a killed run left running (a temporary server, analysis workers)
    try:
        summary = (_settled_run(settings, sources, since, listed)
                   or the_flows().run_ingest(settings, sources, since, listed))
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


def _settled_run(settings: Settings, sources: list[str] | None, since: str | None,
                 list_file: str | None) -> RunSummary | None:
    """A run with nothing to analyse, recorded without starting the flow: a temporary Prefect server
    takes ~4 s to start, more than hashing thousands of unchanged files. Only without a Prefect
    server configured (PREFECT_API_URL) and without --since, --force or --list; else None."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url or since or list_file:
        return None
    summary = settled_run(settings, sources or [settings.raw])
    if summary is not None:
        logging.getLogger("qmetl").info("every file is unchanged since the last run: recorded without a flow run")
    return summary


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


def describe_deployment(deployment: Any) -> dict[str, Any]:
    """What `qmetl serve --dry-run` prints of a deployment."""
    return {
        "name": deployment.name,
        "flow": deployment.flow_name,
        "entrypoint": deployment.entrypoint,
        "schedules": [{"cron": s.schedule.cron, "timezone": s.schedule.timezone} for s in deployment.schedules],
        "concurrency_limit": deployment.concurrency_limit,
        "tags": deployment.tags,
        "parameters": deployment.parameters,
    }


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
    settings = settings_from_flags(config=config, db=db, schedule=cron, timezone=timezone, deployment=name,
                                   workers=workers, executor=executor, dask_address=dask_address,
                                   log_level=log_level)
    configure_logging(settings.log_level)
    flows = the_flows()
    deployment = flows.build_deployment(settings, [str(Path(p).resolve()) for p in raw] if raw else None)
    if dry_run:
        typer.echo(json.dumps(describe_deployment(deployment), ensure_ascii=False, indent=1))
        return
    prefect_server.use_defaults()
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        logging.getLogger("qmetl").warning(
            "PREFECT_API_URL is not set: serving against a temporary server; start `prefect server start` and "
            "set PREFECT_API_URL so schedules survive and show in the UI")
    from prefect import serve as prefect_serve

    prefect_serve(deployment)
