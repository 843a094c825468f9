"""Store commands: `qmetl export`, `qmetl status`, `qmetl renormalize`, `qmetl db upgrade`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from loaders.db import get_engine
from loaders.export import add_utf8_bom, export_json, export_jsonl
from loaders.notices import notice_counts, notices_of_files
from loaders.runs import file_states
from pipeline.cli.errors import check_reachable, require_store
from pipeline.cli.options import DbOption
from pipeline.cli.output import emit_rows, ready_store
from pipeline.config import load_settings
from pipeline.renormalize import renormalize
from pipeline.report import render_text
from pipeline.run import prepare_store

console = Console()


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("status")(status)
    app.command("renormalize")(renormalize_command)
    db_app = typer.Typer(help="Store administration (migrations).", no_args_is_help=True)
    db_app.command("upgrade")(db_upgrade)
    app.add_typer(db_app, name="db")


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
    settings = ready_store(db)
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


def status(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every file seen with its state: loaded, off_topic or failed (with the reason), withdrawn.

    A full table on a terminal (long values wrapped); tab-separated, nothing cut, when piped."""
    settings = ready_store(db)
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


def db_upgrade(db: str | None = DbOption) -> None:
    """Create or migrate the store's schema to the latest revision (Alembic)."""
    settings = load_settings(db=db)
    check_reachable(settings.db)
    prepare_store(settings)
    console.print(f"schema of {settings.db} is at head")


def renormalize_command(
    db: str | None = DbOption,
    everything: bool = typer.Option(False, "--all", help="Redo every document, not only older normalizer versions."),
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when any document failed."),
) -> None:
    """Re-run normalization + loading from the stored parse of each document (no file is re-read)."""
    settings = load_settings(db=db, strict=strict or None)
    require_store(settings.db)
    summary = renormalize(settings, everything=everything)
    typer.echo(render_text(summary))
    if settings.strict and summary.failed:
        raise typer.Exit(code=1)
