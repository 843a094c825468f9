"""`qmetl explain FILE`: how one document's tables were read — no store needed.

Runs read → structure on the file (``pipeline.stages.analyze_file``, the run's own stages) and
prints, per table, the role of each column, the fragments stitched across pages, the values
carried across a break, the group rows used as labels, then every physical row → the activity
it gave or why it gave none (``schemas.provenance``). ``--format json`` for machines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from pipeline.cli.errors import UserError, looked_for
from pipeline.stages import analyze_file
from schemas import Notice
from schemas.provenance import RowReading, TableReading

console = Console()
FORMATS = ("text", "json")
CONTENT_CHARS = 40


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)


def explain(
    file: Path = typer.Argument(..., help="the notice file to explain (any format qmetl reads)"),
    fmt: str = typer.Option("text", "--format", help="text (tables on the terminal) or json"),
) -> None:
    """Show how each table of one document was read: column roles, stitched fragments, carried spans,
    group labels, and every row → its activity or the reason it gave none."""
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if not file.is_file():
        what = "a folder" if file.is_dir() else "no such file"
        raise UserError(f"{file}: {what}; expected one notice file ({looked_for()})")
    analysis = analyze_file(str(file))
    if analysis.error is not None or analysis.parsed is None:
        err = analysis.error
        reason = f"[{err.code}] {err.message}" if err else "no notice parsed"
        typer.echo(f"qmetl explain: {file}: cannot be read: {reason}"
                   + (f"; expected {err.expected}" if err and err.expected else ""), err=True)
        raise typer.Exit(1)
    payload = explanation(file.name, analysis.format, analysis.pages, analysis.parsed)
    if fmt == "json":
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    render(payload)


def explanation(name: str, fmt: str | None, pages: int, notice: Notice) -> dict[str, Any]:
    """The explain report as plain data: one entry per notice part (the notice, then embedded ones)."""
    parts = [("notice", notice)] + [(f"embedded {i + 1}", e) for i, e in enumerate(notice.embedded)]
    return {"file": name, "format": fmt, "pages": pages, "parts": [_part(label, n) for label, n in parts]}


def _part(label: str, n: Notice) -> dict[str, Any]:
    sources = sorted({a.source for a in n.activities})
    return {
        "part": label, "title": n.meta.title, "activity_source": sources[0] if len(sources) == 1 else sources,
        "tables": [t.model_dump(mode="json") for t in n.tables],
        "activities": [{"seq": a.seq, "source": a.source, "content": _cut(a.content),
                        "provenance": a.provenance.model_dump(mode="json") if a.provenance else None}
                       for a in n.activities],
    }


def _cut(text: str, n: int = CONTENT_CHARS) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


# ---------------------------------------------------------------- the terminal view


def render(payload: dict[str, Any]) -> None:
    console.print(f"[bold]{payload['file']}[/] ({payload['format']}, {payload['pages']} pages)")
    for part in payload["parts"]:
        acts = part["activities"]
        console.print(f"\n[bold]{part['part']}[/]: {part['title'] or '(no title)'} — {len(acts)} activities "
                      f"({part['activity_source'] or 'none'}), {len(part['tables'])} tables")
        for t in part["tables"]:
            _render_table(TableReading.model_validate(t))


def _render_table(t: TableReading) -> None:
    frags = len(t.fragments)
    console.print(f"\n[bold]table {t.index + 1}[/] · pages {_pages(t.pages)} · {frags} fragment"
                  f"{'s' if frags != 1 else ''} · {t.header_rows} header row{'s' if t.header_rows != 1 else ''}"
                  + ("" if t.used else f" · [red]not used: {t.reason}[/]"))
    if t.columns:
        cols = RichTable("col", "header", "role", "field", "notes", title="columns", title_justify="left")
        for c in t.columns:
            notes = [n for n, on in (("span", c.span), ("carries", c.carries)) if on]
            cols.add_row(str(c.index + 1), c.header or "(blank)", c.role or "(unknown)",
                         c.field or f"extra:{c.kept_as}", ", ".join(notes))
        console.print(cols)
    if t.fragments:
        console.print("fragments: " + " · ".join(
            f"p{f.page} rows 0–{max(f.rows - 1, 0)} ({f.found_by + ', ' if f.found_by else ''}head {f.header_rows}{', fused' if f.fused_header else ''}"
            + (f", after {' / '.join(f.passed)}" if f.passed else "") + ")"
            for f in t.fragments))
    for k in t.carried:
        console.print(f"carried: {k.column} “{k.label}” p{k.from_page} r{k.from_row} → p{k.to_page} r{k.to_row} "
                      f"({k.how})")
    for g in t.groups:
        console.print(f"group: p{g.page} r{g.row} “{g.label}” → {g.field}")
    if t.rows:
        rows = RichTable("page", "row", "→", "text", title="rows", title_justify="left")
        for r in t.rows:
            rows.add_row(str(r.ref.page), str(r.ref.row), _outcome(r), r.text)
        console.print(rows)


def _outcome(r: RowReading) -> str:
    if r.outcome == "activity":
        return f"activity {r.activity}"
    if r.outcome == "joined":
        return f"joined to {r.activity} ({r.reason})"
    if r.outcome == "group":
        return "group label"
    return f"{r.outcome}: {r.reason}" if r.outcome == "rejected" else str(r.reason or r.outcome)


def _pages(pages: list[int]) -> str:
    if not pages:
        return "-"
    return str(pages[0]) if len(pages) == 1 else f"{pages[0]}–{pages[-1]}"
