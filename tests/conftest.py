"""Shared fixtures: the corpus (../shared/corpus when present, else the vendored copy), temp stores."""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pipeline.prefect_server import free_port  # the free-port probe the temporary server uses

# Prefect reads its settings at import: point it at a throwaway home before any test imports it.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qmetl-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A loaded CI machine can take longer than Prefect's default 20 s to start the ephemeral server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "tests" / "data" / "corpus"


T = TypeVar("T")


def poll(fetch: Callable[[], T], done: Callable[[T], bool], wait: float = 20, every: float = 0.2) -> T:
    """``fetch()`` again until ``done`` accepts it or ``wait`` seconds have passed; its last result. For
    what a Prefect server records from the events a run streams to it, a moment after the run."""
    deadline = time.monotonic() + wait
    while True:
        got = fetch()
        if done(got) or time.monotonic() > deadline:
            return got
        time.sleep(every)


def corpus_dir() -> Path:
    env = os.environ.get("QMETL_CORPUS")
    if env:
        return Path(env)
    shared = ROOT.parent / "shared" / "corpus"
    return shared if (shared / "truth").is_dir() else VENDORED


def score_script() -> Path:
    shared = ROOT.parent / "shared" / "tools" / "score.py"
    return shared if shared.is_file() else ROOT / "tests" / "data" / "tools" / "score.py"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_dir()


@pytest.fixture(scope="session")
def raw_dir(corpus: Path) -> Path:
    return corpus / "raw"


@pytest.fixture(scope="session")
def truth_dir(corpus: Path) -> Path:
    return corpus / "truth"


@pytest.fixture(scope="session")
def bad_dir(corpus: Path) -> Path:
    return corpus / "bad"


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# --- PostgreSQL: a throwaway server started by the test session itself ------------------------
#
# QMETL_TEST_PG_URL=postgresql+psycopg://user@host:port/db uses an existing server instead.
# Otherwise initdb + pg_ctl (from /usr/lib/postgresql/*/bin, as `.ci/run` installs them) start a
# server in a temp dir on a free port, as the `postgres` user when running as root. The
# PostgreSQL-parametrized tests are skipped, with the reason, only when that cannot be done.

PG_STATS: dict[str, Any] = {"url": None, "error": None, "databases": 0}


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _start_pg(bindir: Path, root: Path) -> tuple[str, Callable[[], None]]:
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")  # KeyError: no postgres user to run the server as
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, port = root / "data", free_port()
    run = functools.partial(subprocess.run, check=True, capture_output=True, text=True, timeout=120)
    run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync",
                   "-E", "UTF8", "--no-locale"]))
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o", opts,
                   "-w", "-t", "60", "start"]))

    def stop() -> None:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database (the server lives for the session)."""
    external = os.environ.get("QMETL_TEST_PG_URL")
    if external:
        PG_STATS["url"] = external
        yield external
        return
    bindir = _pg_bin()
    if bindir is None:
        PG_STATS["error"] = "no PostgreSQL server binaries (apt-get install postgresql)"
        pytest.skip(PG_STATS["error"])
    root = Path(tempfile.mkdtemp(prefix="qmetl-pg-"))
    try:
        url, stop = _start_pg(bindir, root)
    except (OSError, KeyError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        PG_STATS["error"] = f"could not start PostgreSQL from {bindir}: {exc} {detail}".strip()
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(PG_STATS["error"])
    PG_STATS["url"] = url
    try:
        yield url
    finally:
        stop()
        shutil.rmtree(root, ignore_errors=True)


def _pg_admin(server_url: str, sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(server_url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database or "postgres",
                         autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture()
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server, dropped after the test."""
    from sqlalchemy.engine import make_url

    name = f"qmetl_{uuid.uuid4().hex[:12]}"
    _pg_admin(pg_server, f'CREATE DATABASE "{name}"')
    PG_STATS["databases"] += 1
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    yield url
    _dispose(url)
    _pg_admin(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dispose(url: str) -> None:
    from loaders.db import get_engine

    get_engine(url).dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same store test on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ran = [r for r in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
           if "[postgresql" in r.nodeid or "postgres" in r.keywords]
    if PG_STATS["url"]:
        terminalreporter.write_line(f"PostgreSQL: {len(ran)} tests ran against {PG_STATS['url']} "
                                    f"({PG_STATS['databases']} throwaway databases)")
    elif PG_STATS["error"]:
        terminalreporter.write_line(f"PostgreSQL tests SKIPPED: {PG_STATS['error']}")
