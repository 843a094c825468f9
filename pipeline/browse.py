"""`qmetl browse`: the SQLite store in Datasette (optional extra ``browse``), with metadata from code.

The metadata (title, table and column descriptions, facets on year/level/category, canned
queries) is generated from the SQLAlchemy models, the analyst views and the analyst queries, so
it cannot drift from the schema.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import make_url

from loaders.analyst_queries import ANALYST_QUERIES
from loaders.models import Base
from loaders.views import VIEWS
from pipeline import lifetime

INSTALL_HINT = "Datasette is not installed: pip install 'qmetl[browse]'  (or: pip install datasette)"
FACET_COLUMNS = ("year", "level", "category", "role")
TITLE = "qmetl: 质量月 (Quality Month) notices"
DESCRIPTION = ("Notices of China's Quality Month campaigns parsed into one store. Start with the v_* views: "
               "one row per notice, activity, organizer, campaign; counts are per notice, not per file.")


class BrowseError(RuntimeError):
    """The store cannot be browsed (not SQLite, missing file, Datasette missing)."""


@dataclass(frozen=True)
class BrowseSettings:
    port: int = 8001
    host: str = "127.0.0.1"
    open_browser: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be 1..65535, got {self.port}")


def datasette_available() -> bool:
    return importlib.util.find_spec("datasette") is not None


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BrowseError(f"Datasette serves SQLite files; {parsed.get_backend_name()} store given. "
                          "Export a view (`qmetl export --view v_activities --format csv`) or use a SQLite store.")
    path = Path(parsed.database or "")
    if not path.is_file():
        raise BrowseError(f"no SQLite store at {path}: run `qmetl run` first, or pass --db")
    return path


def _table_entry(table: Table) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": table.comment or ""}
    columns = {c.name: c.comment for c in table.columns if c.comment}
    if columns:
        entry["columns"] = columns
    facets = [c for c in FACET_COLUMNS if c in table.columns]
    if facets:
        entry["facets"] = facets
    return entry


def _view_entries() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for v in VIEWS:
        entry: dict[str, Any] = {"description": v.comment, "columns": dict(v.columns)}
        if v.facets:
            entry["facets"] = list(v.facets)
        out[v.name] = entry
    return out


def build_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the store whose file stem (Datasette's database name) is DATABASE."""
    tables = {name: _table_entry(t) for name, t in sorted(Base.metadata.tables.items())}
    tables.update(_view_entries())
    queries = {q.name: {"title": q.title, "sql": q.sql.strip()} for q in ANALYST_QUERIES}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {database: {"description": DESCRIPTION, "tables": tables, "queries": queries}},
    }


def write_metadata(db_path: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(build_metadata(db_path.stem), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def datasette_command(db_path: Path, metadata: Path, settings: BrowseSettings) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata),
           "--host", settings.host, "--port", str(settings.port)]
    return cmd + (["--open"] if settings.open_browser else [])


def serve(db_path: Path, metadata: Path, settings: BrowseSettings) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status. Datasette ends
    with this process, however it ends: Ctrl-C and SIGTERM stop it (exit 0 / 143), ``kill -9``
    of this process ends it through its watchdog (``pipeline.lifetime.watched_command``)."""
    if not datasette_available():
        raise BrowseError(INSTALL_HINT)
    cmd = datasette_command(db_path, metadata, settings)
    process = subprocess.Popen(lifetime.watched_command(cmd[2], cmd[3:]),
                               preexec_fn=lifetime.forking_preexec())  # type: ignore[arg-type, call-overload, unused-ignore]
    lifetime.register_child(process.pid, "datasette")
    asked: list[int] = []

    def on_term(signum: int, _frame: object) -> None:
        asked.append(signum)
        process.terminate()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        code = process.wait()
        return 128 + asked[0] if asked else code
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        _end(process)
        lifetime.unregister_child(process.pid)


def _end(process: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
