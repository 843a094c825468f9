"""The `qmetl` command line: a thin layer over the pipeline, loaders and normalizers APIs.

Commands that start Prefect flows (run, serve) are registered by flows.py, which owns the
flows; everything else lives here.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from loaders.db import get_engine
from loaders.export import export_jsonl
from loaders.runs import file_states
from pipeline import cli_store
from pipeline.cli_orgs import orgs_app
from pipeline.config import load_settings
from pipeline.run import prepare_store

app = typer.Typer(
    name="qmetl",
    help="ETL for China's Quality Month (质量月) notices: files in, one exact relational store out.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Store administration (migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(orgs_app, name="orgs")
cli_store.register(app)
console = Console()

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL of the store (default from config).")


@app.command()
def export(
    db: str | None = DbOption,
    fmt: str = typer.Option("jsonl", "--format", help="jsonl: one NAME.EXT.json per source file (SPEC §4)."),
    out: Path = typer.Option(Path("export"), "--out", help="Output folder."),
) -> None:
    """Export the store, read back from the database, in the evaluation format."""
    settings = load_settings(db=db)
    if fmt != "jsonl":
        raise typer.BadParameter(f"unknown format {fmt!r}; expected jsonl", param_hint="--format")
    prepare_store(settings)
    written = export_jsonl(get_engine(settings.db), out)
    console.print(f"wrote {len(written)} files to {out}")


@app.command()
def status(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every file seen with its state: loaded, off_topic or failed (with the reason), withdrawn."""
    settings = load_settings(db=db)
    prepare_store(settings)
    rows = file_states(get_engine(settings.db))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = RichTable("file", "state", "last run", "format", "loaded at", "reason",
                      title=f"{len(rows)} files in {settings.db}")
    for r in rows:
        reason = f"{r['reason'] or ''} [{r['error_code']}] {r['error']}" if r["error_code"] else ""
        table.add_row(r["path"], r["state"], r["last_run"], r["format"] or "", r["loaded_at"] or "", reason)
    console.print(table)


@db_app.command("upgrade")
def db_upgrade(db: str | None = DbOption) -> None:
    """Create or migrate the store's schema to the latest revision (Alembic)."""
    settings = load_settings(db=db)
    prepare_store(settings)
    console.print(f"schema of {settings.db} is at head")
