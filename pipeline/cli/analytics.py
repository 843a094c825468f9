"""Analyst commands: `qmetl query`, `qmetl report`, `qmetl browse` (registered by pipeline.cli.app).

pandas and matplotlib are imported by the commands that use them, not when the CLI starts: every
`qmetl run` would otherwise pay about a second for them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from pipeline.browse import INSTALL_HINT, BrowseError, BrowseSettings, datasette_available, serve, sqlite_path
from pipeline.browse import write_metadata as write_browse_metadata
from pipeline.cli.options import DbOption
from pipeline.cli.output import emit_rows, is_terminal, ready_store, store_settings
from pipeline.run import prepare_store

if TYPE_CHECKING:
    import pandas as pd

console = Console()
err = Console(stderr=True)



def rich_table(frame: pd.DataFrame, title: str | None = None) -> RichTable:
    """A data frame as a terminal table whose long values wrap instead of being cut."""
    from pipeline.cli.output import rich_rows

    return rich_rows([str(c) for c in frame.columns], list(frame.itertuples(index=False)), title)


def query(
    sql: str = typer.Argument(..., help="One SELECT / WITH statement (read-only)."),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
    max_rows: int | None = typer.Option(None, "--max-rows", min=1,
                                        help="Rows printed (default: 200 on a terminal, all when piped or --json)."),
    timeout: float | None = typer.Option(None, "--timeout", min=0,
                                         help="Stop the query after this many seconds (default: query_timeout, 60; 0: none)."),
) -> None:
    """Run a read-only SQL query on the store and print the result (writes are refused).

    A table on a terminal (long values wrapped), tab-separated values of every row in full when piped;
    --json streams rows as JSON lines. A query running longer than the time limit is stopped (exit 3)."""
    from loaders.tabular import QueryError, QueryTimeoutError, run_query, stream_query

    settings = store_settings(db)
    limit = settings.query_timeout if timeout is None else timeout
    try:
        if as_json:
            _print_json_lines(stream_query(settings.db, sql, timeout=limit))
            return
        frame = run_query(settings.db, sql, timeout=limit)
    except QueryError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(3 if isinstance(exc, QueryTimeoutError) else 2) from exc
    shown = max_rows or (200 if is_terminal() else len(frame))
    more = len(frame) - shown
    note = f"… {more} more rows not shown (--max-rows N, or pipe / --json for all)" if more > 0 else None
    emit_rows([str(c) for c in frame.columns], list(frame.head(shown).itertuples(index=False)),
              title=f"{len(frame)} rows", console=console if is_terminal() else None, note=note)


def _print_json_lines(chunks: Iterator[tuple[list[str], list[Any]]]) -> None:
    """Rows as JSON lines as they come (streamed: nothing is held but one chunk)."""
    import json

    for columns, rows in chunks:
        for row in rows:
            record = {c: (v if isinstance(v, int | float | str | bool | type(None) | dict | list) else str(v))
                      for c, v in zip(columns, row, strict=True)}
            typer.echo(json.dumps(record, ensure_ascii=False, default=str))


def report(
    db: str | None = DbOption,
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML file to write."),
    font: str | None = typer.Option(None, "--font", help="Path of a CJK font for the charts."),
) -> None:
    """Write a self-contained HTML report with charts (year x level, categories, organizations, coverage)."""
    from pipeline.charts import ChartStyle
    from pipeline.report_html import write_report

    settings = ready_store(db)
    path = write_report(settings.db, out, ChartStyle(font_path=font))
    console.print(f"wrote {path}")


def browse(
    db: str | None = DbOption,
    port: int = typer.Option(8001, "--port", help="Port Datasette listens on."),
    open_browser: bool = typer.Option(False, "--open", help="Open a browser window."),
    metadata_out: Path | None = typer.Option(None, "--metadata-out", help="Also keep the metadata.json here."),
    metadata_only: bool = typer.Option(False, "--metadata-only", help="Write the metadata and exit."),
) -> None:
    """Serve the SQLite store in Datasette (optional extra `browse`) with descriptions, facets, canned queries."""
    settings = store_settings(db)
    try:
        path = sqlite_path(settings.db)
        prepare_store(settings)
        meta = write_browse_metadata(path, metadata_out or Path(tempfile.mkdtemp(prefix="qmetl-browse-")) / "metadata.json")
        if metadata_only:
            console.print(f"wrote {meta}")
            return
        if not datasette_available():
            raise BrowseError(INSTALL_HINT)
        console.print(f"serving {path} on http://127.0.0.1:{port}/ (metadata {meta}); Ctrl-C stops")
        raise typer.Exit(serve(path, meta, BrowseSettings(port=port, open_browser=open_browser)))
    except BrowseError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc


def register(app: typer.Typer) -> None:
    for command in (query, report, browse):
        app.command()(command)

