"""How commands print rows: a table on a terminal (long values wrapped, never cut), tab-separated
values when stdout is a pipe or a file (every value in full, one row a line), JSON with ``--json``.

TSV escapes what would break a line or a column, as PostgreSQL's COPY text format does:
backslash, tab, newline and carriage return are written ``\\\\``, ``\\t``, ``\\n``, ``\\r``; a missing
value is an empty field.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table as RichTable

from pipeline.cli.errors import require_store
from pipeline.config import Settings, load_settings
from pipeline.run import prepare_store

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def store_settings(db: str | None) -> Settings:
    """Settings of a command that reads the store: it must exist (nothing is created otherwise)."""
    settings = load_settings(db=db)
    require_store(settings.db)
    return settings


def ready_store(db: str | None) -> Settings:
    """``store_settings``, with the store's schema brought to the current revision first."""
    settings = store_settings(db)
    prepare_store(settings)
    return settings


def text(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def tsv_line(values: Sequence[Any]) -> str:
    return "\t".join(text(v).translate(_ESCAPES) for v in values)


def write_tsv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    out.write(tsv_line(columns) + "\n")
    for row in rows:
        out.write(tsv_line(row) + "\n")


def rich_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> RichTable:
    """A table whose long values wrap inside their cell (fold) instead of being cut with an ellipsis."""
    table = RichTable(title=title)
    for c in columns:
        table.add_column(str(c), overflow="fold")
    for row in rows:
        table.add_row(*[text(v) for v in row])
    return table


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def emit_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None,
              console: Console | None = None, note: str | None = None) -> None:
    """A wrapped table on a terminal (with the title and NOTE), else TSV of every value on stdout
    (the title and NOTE then go to stderr, so the data stays pure TSV)."""
    if console is None and not is_terminal():
        write_tsv(columns, rows, sys.stdout)
        sys.stdout.flush()
        for line in (title, note):
            if line:
                sys.stderr.write(line + "\n")
        return
    console = console or Console()
    console.print(rich_rows(columns, rows, title))
    if note:
        console.print(note, markup=False, highlight=False)
