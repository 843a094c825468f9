"""`qmetl fetch` (registered by pipeline.cli.app): download notices and attachments from their sites."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.fetch.run import fetch_all, render


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch_command)


def fetch_command(
    sources: Path = typer.Option(..., "--sources", help="TOML file of [[site]] entries (name, lists, filters, politeness)."),
    raw: Path | None = typer.Option(None, "--raw", help="Folder the files go to (default: the file's raw, else data/raw/fetched)."),
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when any URL failed."),
) -> None:
    """Walk each site's list pages, download new or changed notice pages and attachments; then `qmetl run --raw`."""
    try:
        folder, summaries = fetch_all(sources, raw)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(render(summaries))
    typer.echo(f"files in {folder} (manifest {folder / '.fetch/manifest.csv'})")
    if strict and any(s.errors for s in summaries):
        raise typer.Exit(code=1)
