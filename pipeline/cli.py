"""The `qmetl` command line: a thin layer over the pipeline, loaders and normalizers APIs.

Commands that start Prefect flows (run, serve) are registered by flows.py, which owns the
flows; everything else lives here.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from loaders.db import get_engine
from loaders.export import add_utf8_bom, export_json, export_jsonl
from loaders.notices import notice_counts, notices_of_files
from loaders.runs import file_states
from pipeline import cli_fetch, cli_store
from pipeline.cli_analytics import register as register_analytics
from pipeline.cli_categories import categories_app
from pipeline.cli_errors import QmetlGroup, check_reachable
from pipeline.cli_orgs import orgs_app
from pipeline.cli_output import emit_rows, store_settings
from pipeline.config import load_settings
from pipeline.run import prepare_store

app = typer.Typer(
    name="qmetl",
    help="ETL for China's Quality Month (质量月) notices: files in, one exact relational store out. "
         "Exit status: 0 success, 1 the work failed, 2 a usage mistake.",
    no_args_is_help=True,
    add_completion=False,
    cls=QmetlGroup,
)
db_app = typer.Typer(help="Store administration (migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(orgs_app, name="orgs")
app.add_typer(categories_app, name="categories")
cli_store.register(app)
cli_fetch.register(app)
console = Console()
register_analytics(app)  # query, report, browse (pipeline/cli_analytics.py)

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL of the store (default from config).")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("qmetl")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"qmetl {version()}")
        raise typer.Exit()


@app.callback()
def main(_version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """ETL for China's Quality Month (质量月) notices: files in, one exact relational store out."""


@app.command()
def export(
    db: str | None = DbOption,
    fmt: str = typer.Option("json", "--format",
                            help="json (default: one NAME.EXT.json per source file, SPEC §4), jsonl (one notice "
                                 "per line), or with --table/--view: csv, parquet, jsonl."),
    out: Path = typer.Option(Path("export"), "--out", help="Output folder, or file for --table/--view."),
    table: str | None = typer.Option(None, "--table", help="Export this table as one file."),
    view: str | None = typer.Option(None, "--view", help="Export this view (v_activities, ...) as one file."),
    excel: bool = typer.Option(False, "--excel", help="CSV with a UTF-8 byte-order mark, so Excel reads Chinese."),
) -> None:
    """Export the store, read back from the database: one NAME.EXT.json per source file (SPEC §4).

    Or one table or view as CSV, Parquet or JSON lines."""
    settings = store_settings(db)
    prepare_store(settings)
    if excel and fmt != "csv":
        raise typer.BadParameter(f"--excel is for --format csv (got {fmt!r})", param_hint="--excel")
    if table or view:
        from loaders.tabular import QueryError, export_relation  # pandas: only for this export

        if table and view:
            raise typer.BadParameter("give --table or --view, not both", param_hint="--table")
        try:
            path, rows = export_relation(settings.db, str(table or view), fmt, out)
        except QueryError as exc:
            raise typer.BadParameter(str(exc), param_hint="--table/--view/--format") from exc
        if excel:
            add_utf8_bom(path)
        console.print(f"wrote {rows} rows to {path}")
        return
    if fmt == "jsonl":
        path, count = export_jsonl(get_engine(settings.db), out)
        console.print(f"wrote {count} notices to {path}")
        return
    if fmt != "json":
        raise typer.BadParameter(f"format {fmt!r} needs --table or --view; per-notice exports are json or jsonl",
                                 param_hint="--format")
    written = export_json(get_engine(settings.db), out)
    console.print(f"wrote {len(written)} files to {out}")


@app.command()
def status(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every file seen with its state: loaded, off_topic or failed (with the reason), withdrawn.

    A full table on a terminal (long values wrapped); tab-separated, nothing cut, when piped."""
    settings = store_settings(db)
    prepare_store(settings)
    engine = get_engine(settings.db)
    rows = file_states(engine)
    notices = notices_of_files(engine)
    for r in rows:  # the notice each file carries: one notice, however many files (loaders.notices)
        r.update(notices.get(r["path"], {"notice": None, "role": None, "matched_by": None, "files_of_notice": None}))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    columns = ["path", "state", "notice", "role", "last_run", "format", "loaded_at", "reason"]
    cells = [[r["path"], r["state"], r["notice"], r["role"], r["last_run"], r["format"], r["loaded_at"],
              failure_text(r)] for r in rows]
    counts = notice_counts(engine)
    emit_rows(columns, cells, title=f"{len(rows)} files in {settings.db}: {counts['notices']} notices "
              f"(+{counts['embedded']} embedded) in {counts['files']} loaded files, {counts['off_topic']} off-topic")


def failure_text(r: dict[str, str | None]) -> str:
    """A failed file's reason, code and message, each said once."""
    if not r.get("error_code"):
        return ""
    reason, code, message = r.get("reason") or "", r["error_code"] or "", (r.get("error") or "").strip()
    text = f"{reason} ({code})" if reason else str(code)
    return f"{text}: {message}" if message and message != reason and message not in reason else text


@db_app.command("upgrade")
def db_upgrade(db: str | None = DbOption) -> None:
    """Create or migrate the store's schema to the latest revision (Alembic)."""
    settings = load_settings(db=db)
    check_reachable(settings.db)
    prepare_store(settings)
    console.print(f"schema of {settings.db} is at head")
