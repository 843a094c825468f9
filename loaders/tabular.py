"""Tables and views as data frames: exports (CSV, Parquet, JSON lines) and read-only queries.

Every read here goes through a connection that cannot write: SQLite opened with ``mode=ro`` and
``PRAGMA query_only``, PostgreSQL in a read-only transaction. JSON columns come out as JSON text
on both dialects, so an export is the same whichever database it came from.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

FORMATS: dict[str, str] = {"csv": ".csv", "parquet": ".parquet", "jsonl": ".jsonl"}
READ_STATEMENTS = ("select", "with", "values", "explain", "table", "show")
# what SQLite and PostgreSQL say when a statement would write; PostgreSQL refuses a write inside
# WITH before the read-only transaction sees it when rows are streamed through a server cursor
_READONLY_MARKERS = ("readonly database", "read-only transaction", "query_only", "read only",
                     "data-modifying statements")
_engines: dict[str, Engine] = {}


class QueryError(ValueError):
    """A query the store refused or could not run; the message says why."""


class QueryTimeoutError(QueryError):
    """A query still running at its time limit, stopped by the database."""


class ReadOnlyError(QueryError):
    """A query that would write: `qmetl query` and the exports only read."""


@dataclass(frozen=True)
class Relations:
    tables: list[str]
    views: list[str]

    def kind(self, name: str) -> str | None:
        return "table" if name in self.tables else "view" if name in self.views else None


def relations(engine: Engine) -> Relations:
    insp = inspect(engine)
    return Relations(sorted(insp.get_table_names()), sorted(insp.get_view_names()))


# --- read-only connections ------------------------------------------------------------------

def _sqlite_ro_connect(path: str) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise QueryError(f"no SQLite store at {path}: run `qmetl run` first, or pass --db")
    # No -wal file: no connection has the store open (the last one to close folds the log away). Then the
    # file is read as immutable, which creates no -wal/-shm beside it; else as a normal read-only reader.
    idle = not Path(f"{path}-wal").exists()
    uri = f"{Path(path).resolve().as_uri()}?mode=ro" + ("&immutable=1" if idle else "")
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    return conn


def readonly_engine(url: str) -> Engine:
    """An engine whose connections cannot write (one per URL and process)."""
    if url in _engines:
        return _engines[url]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:":
            raise QueryError(f"{url}: a read-only query needs a SQLite file, not an in-memory database")
        _sqlite_ro_connect(path).close()
        engine = create_engine("sqlite://", creator=lambda: _sqlite_ro_connect(path))
    else:
        engine = create_engine(url, pool_pre_ping=True,
                               connect_args={"options": "-c default_transaction_read_only=on"})
    _engines[url] = engine
    return engine


@contextmanager
def readonly_connection(url: str) -> Iterator[Connection]:
    engine = readonly_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION READ ONLY"))
        try:
            yield conn
        finally:
            conn.rollback()


# --- queries ----------------------------------------------------------------------------------

def first_keyword(sql: str) -> str:
    body = re.sub(r"(--[^\n]*\n?|/\*.*?\*/|\s)+", " ", sql, flags=re.S).strip()
    match = re.match(r"\(*\s*([A-Za-z]+)", body)
    return match.group(1).lower() if match else ""


def check_readonly_sql(sql: str) -> None:
    keyword = first_keyword(sql)
    if keyword not in READ_STATEMENTS:
        raise ReadOnlyError(
            f"refused: qmetl query only reads the store; got a {keyword.upper() or 'empty'} statement "
            f"(expected one of {', '.join(k.upper() for k in READ_STATEMENTS)})")


def _explain(exc: DBAPIError, sql: str, timeout: float = 0) -> QueryError:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if timeout and ("interrupted" in message.lower() or "statement timeout" in message.lower()):
        return QueryTimeoutError(f"query stopped after the {timeout:g} s time limit (--timeout / query_timeout): "
                                 f"{message}\n  in: {sql.strip()[:300]}")
    if any(m in message.lower() for m in _READONLY_MARKERS):
        return ReadOnlyError(f"refused: the store is opened read-only and the query would write ({message})")
    return QueryError(f"query failed: {message}\n  in: {sql.strip()[:300]}")


def run_query(url: str, sql: str, params: dict[str, Any] | None = None, timeout: float = 0) -> pd.DataFrame:
    """Run one read-only statement; writes are refused before and by the database itself; with
    ``timeout`` (seconds) a statement still running then is stopped (QueryError)."""
    columns: list[str] = []
    rows: list[Any] = []
    for cols, chunk in stream_query(url, sql, params, timeout):
        columns = cols
        rows += chunk
    return jsonify(pd.DataFrame(rows, columns=columns)).convert_dtypes()


def stream_query(url: str, sql: str, params: dict[str, Any] | None = None, timeout: float = 0,
                 chunk: int = 1000) -> Iterator[tuple[list[str], list[Any]]]:
    """The rows of one read-only statement, ``chunk`` at a time (memory stays flat however many rows),
    each with the column names; stopped by the database after ``timeout`` seconds (0: no limit):
    SQLite's progress handler, PostgreSQL's statement_timeout."""
    check_readonly_sql(sql)
    with readonly_connection(url) as conn, _time_limit(conn, timeout):
        try:
            result = conn.execution_options(stream_results=True).execute(text(sql), params or {})
            columns = list(result.keys())
            yielded = False
            while rows := result.fetchmany(chunk):
                yielded = True
                yield columns, list(rows)
            if not yielded:
                yield columns, []
        except DBAPIError as exc:
            raise _explain(exc, sql, timeout) from exc


@contextmanager
def _time_limit(conn: Connection, timeout: float) -> Iterator[None]:
    if timeout <= 0:
        yield
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
        yield
        return
    raw = conn.connection.dbapi_connection
    deadline = time.monotonic() + timeout
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)  # type: ignore[union-attr]
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)  # type: ignore[union-attr]


def read_relation(url: str, name: str) -> pd.DataFrame:
    """All rows of a table or view, by a name checked against the store's catalog."""
    engine = readonly_engine(url)
    rels = relations(engine)
    if rels.kind(name) is None:
        raise QueryError(f"no table or view {name!r} in the store; tables: {', '.join(rels.tables)}; "
                         f"views: {', '.join(rels.views) or '(none: run `qmetl db upgrade`)'}")
    return run_query(url, f'SELECT * FROM "{name}"')


def _json_text(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def jsonify(frame: pd.DataFrame) -> pd.DataFrame:
    """JSON values (lists, dicts: PostgreSQL json columns) as JSON text, as SQLite returns them."""
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: isinstance(v, dict | list)).any():
            frame[col] = frame[col].map(_json_text)
    return frame


# --- exports ----------------------------------------------------------------------------------

def target_path(out: Path, name: str, fmt: str) -> Path:
    """OUT itself when it names a file, else OUT/NAME.EXT."""
    if out.suffix and not out.is_dir():
        return out
    return out / f"{name}{FORMATS[fmt]}"


def write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(path, index=False, engine="pyarrow")
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    return path


def export_relation(url: str, name: str, fmt: str, out: Path) -> tuple[Path, int]:
    """Write table or view NAME to OUT in FMT; returns the file written and its row count."""
    frame = read_relation(url, name)
    return write_frame(frame, target_path(out, name, fmt), fmt), len(frame)
