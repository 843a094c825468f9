"""Analyst commands: `qmetl query`, `qmetl report`, `qmetl browse` (registered by pipeline.cli).

pandas and matplotlib are imported by the commands that use them, not when the CLI starts: every
`qmetl run` would otherwise pay about a second for them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from pipeline.browse import INSTALL_HINT, BrowseError, BrowseSettings, datasette_available, serve, sqlite_path
from pipeline.browse import write_metadata as write_browse_metadata
from pipeline.config import load_settings
from pipeline.run import prepare_store

if TYPE_CHECKING:
    import pandas as pd

console = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL of the store (default from config).")


def rich_table(frame: pd.DataFrame, title: str | None = None) -> RichTable:
    import pandas as pd

    table = RichTable(*[str(c) for c in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*["" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else str(v)
                        for v in row])
    return table


def query(
    sql: str = typer.Argument(..., help="One SELECT / WITH statement (read-only)."),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
    max_rows: int = typer.Option(200, "--max-rows", min=1, help="Rows shown in the table (--json prints all)."),
) -> None:
    """Run a read-only SQL query on the store and print the result (writes are refused)."""
    from loaders.tabular import QueryError, run_query

    settings = load_settings(db=db)
    try:
        frame = run_query(settings.db, sql)
    except QueryError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(frame.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n"))
        return
    console.print(rich_table(frame.head(max_rows), title=f"{len(frame)} rows"))
    if len(frame) > max_rows:
        console.print(f"… {len(frame) - max_rows} more rows not shown (--max-rows N, or --json for all)")


def report(
    db: str | None = DbOption,
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML file to write."),
    font: str | None = typer.Option(None, "--font", help="Path of a CJK font for the charts."),
) -> None:
    """Write a self-contained HTML report with charts (year x level, categories, organizations, coverage)."""
    from pipeline.charts import ChartStyle
    from pipeline.report_html import write_report

    settings = load_settings(db=db)
    prepare_store(settings)
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
    settings = load_settings(db=db)
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

