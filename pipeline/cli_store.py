"""Store commands of `qmetl` (registered by pipeline.cli): renormalize."""

from __future__ import annotations

import typer

from pipeline.cli_errors import require_store
from pipeline.config import load_settings
from pipeline.renormalize import renormalize
from pipeline.report import render_text


def register(app: typer.Typer) -> None:
    app.command("renormalize")(renormalize_command)


def renormalize_command(
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the store (default from config)."),
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
