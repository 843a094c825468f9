"""Engines and schema: SQLite (default) or PostgreSQL, the schema always made by Alembic.

SQLite: WAL, busy_timeout and foreign keys on every connection; write transactions start
with ``BEGIN IMMEDIATE`` (see ``writer``) so two processes queue for the write lock instead
of failing on a read-to-write upgrade. PostgreSQL: migrations run under an advisory lock so
two first runs at once migrate once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
_upgrade_lock = threading.Lock()
ENGINES_KEPT = 8  # engines kept open per process (a test session opens hundreds of stores)
_engines: dict[str, Engine] = {}  # by URL, oldest first
_engines_lock = threading.Lock()
_MIGRATION_LOCK_KEY = 0x716D65746C  # "qmetl": pg_advisory_xact_lock key for migrations


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below emits BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("qmetl_writer") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def get_engine(url: str) -> Engine:
    """One engine per URL and process (tasks receive the URL, never an engine)."""
    with _engines_lock:
        engine = _engines.pop(url, None) or _new_engine(url)
        _engines[url] = engine  # the newest again
        oldest = [_engines.pop(u) for u in list(_engines)[:-ENGINES_KEPT]]
    for stale in oldest:
        stale.dispose()  # its pooled connections; still usable by whoever holds it
    return engine


def close_engines() -> None:
    """Close every engine's pooled connections; the next ``get_engine`` opens anew. At exit: the last
    connection to close folds SQLite's write-ahead log back into the database file, so the file alone
    holds every row (a copy of it without its ``-wal`` file would otherwise miss the latest run)."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


def _new_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def writer(engine: Engine) -> Engine:
    """The engine for write transactions: on SQLite they take the write lock up front."""
    return engine.execution_options(qmetl_writer=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creating it on an empty database), once across processes."""
    migrate(url, revision, command.upgrade)


def downgrade(url: str, revision: str) -> None:
    migrate(url, revision, command.downgrade)


def migrate(url: str, revision: str, step: Callable[[Config, str], None]) -> None:
    """Run Alembic in one transaction; SQLite with foreign keys off meanwhile.

    SQLite's batch migrations copy a table, drop the old one and rename the copy: with foreign
    keys on, the DROP would cascade-delete every child row (documents of a re-made
    ``source_files``, activities of re-made ``documents``). The pragma only takes effect outside a
    transaction, so it is set on the raw connection before BEGIN, checked and restored after.
    """
    with _upgrade_lock, writer(get_engine(url)).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError(f"migration to {revision} left rows breaking foreign keys in {url}")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """One process at a time across the store: a PostgreSQL advisory lock held on its own connection.

    On SQLite the ``writer`` engine's BEGIN IMMEDIATE already serializes writers, so this is a no-op.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha1(name.encode()).digest()[:7], "big")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def current_revision(url: str) -> str | None:
    """The schema revision the store is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
