"""`qmetl categories`: review low-confidence categories and record analysts' corrections."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.console import Console
from rich.table import Table as RichTable

from loaders.category_overrides import all_overrides, low_confidence, record_override, remove_override
from loaders.db import get_engine
from pipeline.cli.options import DbOption
from pipeline.cli.output import ready_store

categories_app = typer.Typer(help="Activity categories: review uncertain ones, record corrections.",
                             no_args_is_help=True)
console = Console()


@categories_app.command("review")
def review(
    db: str | None = DbOption,
    below: float = typer.Option(0.35, "--below", help="List activities whose category confidence is below this."),
    limit: int = typer.Option(100, "--limit", help="Most activities listed."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """Activities whose category the rules were least sure of, with the words that decided it."""
    settings = ready_store(db)
    threshold = below
    rows = low_confidence(get_engine(settings.db), threshold, limit)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(asdict(r), ensure_ascii=False))
        return
    table = RichTable("key", "file", "seq", "category", "conf.", "deciding words", "runner-up", "label", "content",
                      title=f"{len(rows)} activities with category confidence below {threshold}")
    for r in rows:
        table.add_row(r.key, r.file, str(r.seq), f"{r.category} ({r.method})", f"{r.confidence:.2f}",
                      " ".join(r.deciding), r.runner_up or "", r.label or "", r.content[:60])
    console.print(table)
    if rows:
        console.print("correct one with: qmetl categories override KEY CODE [--note TEXT] (kept across reruns)")


@categories_app.command("override")
def override(
    key: str = typer.Argument(..., help="The activity's key (from `qmetl categories review`)."),
    code: str = typer.Argument(..., help="The right category code (publicity, improvement, ...)."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the override)."),
    db: str | None = DbOption,
) -> None:
    """Record the right category of an activity: applied now and at every later load of it."""
    settings = ready_store(db)
    try:
        n = record_override(get_engine(settings.db), key, code, note)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"{key} → {code}: {n} activit{'y' if n == 1 else 'ies'} updated; kept across reruns and "
                  "renormalization")


@categories_app.command("overrides")
def overrides(
    db: str | None = DbOption,
    remove: str | None = typer.Option(None, "--remove", help="Drop the override of this key."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """List the recorded overrides (or drop one with --remove KEY)."""
    settings = ready_store(db)
    engine = get_engine(settings.db)
    if remove:
        if not remove_override(engine, remove):
            raise typer.BadParameter(f"no override has the key {remove!r}", param_hint="--remove")
        console.print(f"override {remove} removed (rows take the rules' category at their next load)")
        return
    rows = all_overrides(engine)
    if as_json:
        for o in rows:
            typer.echo(json.dumps({"key": o.key, "category": o.category, "note": o.note, "example": o.example,
                                   "created_at": o.created_at.isoformat()}, ensure_ascii=False))
        return
    table = RichTable("key", "category", "note", "activity", title=f"{len(rows)} category overrides")
    for o in rows:
        table.add_row(o.key, o.category, o.note or "", (o.example or "")[:60])
    console.print(table)
