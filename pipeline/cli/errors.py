"""User mistakes on the command line: one or two lines naming the value and what was expected, exit 2.

Exit statuses of every `qmetl` command (README, "Exit codes"): 0 success; 1 the work itself
failed (a run that crashed, `--strict` with a failed file); 2 a user mistake (a bad option, a
path or URL that does not exist, a store that is not there). ``QmetlGroup`` turns the errors
below into those statuses for every command, so no command prints a traceback for a mistake;
``QMETL_DEBUG=1`` shows the traceback of a failure.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import typer
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from typer.core import TyperGroup

from extractors.detect import _EXTENSIONS as KNOWN_EXTENSIONS
from pipeline.config import ConfigError
from pipeline.discover import discover, read_list_file

BACKENDS = ("sqlite", "postgresql")
URL_FORMS = "sqlite:///PATH/TO/FILE.db or postgresql+psycopg://USER@HOST/DB"
CONNECT_TIMEOUT_S = 5
# `qmetl --help` lists the commands in the order a user meets them; others follow in their own order.
COMMAND_ORDER = ("run", "status", "query", "export", "report", "browse", "orgs", "categories", "explain",
                 "fetch", "serve", "renormalize", "db")


class UserError(Exception):
    """A mistake in what the user gave (a path, a URL, an option): reported in a line or two, exit 2."""


def looked_for() -> str:
    return ", ".join(sorted(KNOWN_EXTENSIONS))


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def check_db_url(url: str) -> URL:
    """The parsed URL of a store qmetl can use, or a UserError naming it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"--db {url!r} is not a database URL; expected {URL_FORMS}") from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise UserError(f"--db {safe_url(url)}: unsupported database {backend!r}; expected {URL_FORMS}")
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise UserError(f"--db {safe_url(url)}: unknown driver {parsed.drivername!r}; expected {URL_FORMS}") from None
    return parsed


def check_reachable(url: str) -> None:
    """A PostgreSQL server that answers within CONNECT_TIMEOUT_S (SQLite files need no server)."""
    parsed = check_db_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect():
            pass
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"--db {safe_url(url)}: cannot connect ({reason}); expected a reachable PostgreSQL "
                        "server (check host, port, user and password)") from None
    finally:
        engine.dispose()


def require_store(url: str) -> None:
    """For commands that only read: the store must exist. Nothing is created when it does not."""
    parsed = check_db_url(url)
    if parsed.get_backend_name() == "sqlite":
        _require_sqlite_store(url, parsed.database or "")
        return
    check_reachable(url)
    engine = create_engine(parsed, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        has = inspect(engine).has_table("source_files")
    finally:
        engine.dispose()
    if not has:
        raise UserError(f"no qmetl store in {safe_url(url)} (no source_files table); "
                        f"create it with `qmetl run --db {safe_url(url)}` or `qmetl db upgrade`")


def _require_sqlite_store(url: str, path: str) -> None:
    if not path or path == ":memory:":
        raise UserError(f"--db {url}: an in-memory database holds no store; expected {URL_FORMS}")
    if not Path(path).is_file():
        raise UserError(f"no store exists at {path} (--db {url}): no such file. Check the path, or create "
                        f"the store with `qmetl run --db {url}`")
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'source_files'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path} is not a SQLite database ({exc}); expected a store written by `qmetl run`") from None
    if found is None:
        raise UserError(f"{path} is not a qmetl store (no source_files table); expected a store written "
                        f"by `qmetl run`")


def check_inputs(sources: Sequence[str] | None, list_file: str | None, default_raw: str) -> str | None:
    """Every --raw exists, the --list file exists and names existing files; at least one file is found.
    Returns the list file as a local path (a file:// URL is accepted)."""
    listed: list[Path] = []
    local_list = _local_list_file(list_file) if list_file else None
    if local_list:
        try:
            listed = read_list_file(Path(local_list))
        except ValueError as exc:  # another URL scheme on a line; undecodable text
            raise UserError(str(exc)) from None
        missing = [p for p in listed if not p.exists()]
        if missing:
            raise UserError(f"--list {local_list}: {len(missing)} listed file(s) not found, the first: {missing[0]} "
                            "(expected paths of files already downloaded, relative to the list file)")
    roots = list(sources or ([] if local_list else [default_raw]))
    for root in roots:
        if not Path(root).exists():
            flag = "--raw" if sources else "setting `raw` (no --raw given)"
            raise UserError(f"{flag} {root}: no such folder or file; expected a folder of notices or a notice file")
    if not listed and not discover(roots):
        raise UserError(f"no notice found in {', '.join(roots) or local_list}: no files there "
                        f"(qmetl reads {looked_for()}, recognised by content, in sub-folders too)")
    return local_list


def _local_list_file(value: str) -> str:
    if "://" in value:
        if not value.startswith("file://"):
            raise UserError(f"--list {value}: a URL; expected a local text file of paths (qmetl does not "
                            "download: fetch the list first)")
        value = value[len("file://"):]
    if not Path(value).is_file():
        raise UserError(f"--list {value}: no such file; expected a text file of paths or file:// URLs, one a line")
    return value


def _debug() -> bool:
    return os.environ.get("QMETL_DEBUG", "").lower() not in ("", "0", "false", "no")


class QmetlGroup(TyperGroup):
    """The top-level command group: commands in the order a user meets them, mistakes as messages."""

    def list_commands(self, ctx: Any) -> list[str]:  # typer may vendor its own click
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(COMMAND_ORDER)), names.index(n)))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, typer.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (UserError, ConfigError) as exc:
            typer.echo(f"qmetl: {exc}", err=True)
            raise typer.Exit(2) from None


def report_failure(exc: Exception, argv: Sequence[str]) -> int:
    """A command that crashed: one line naming the error (the traceback with QMETL_DEBUG=1), status 1."""
    if _debug():
        raise exc
    command = next((a for a in argv[1:] if not a.startswith("-")), "qmetl")
    first = (str(exc).strip().splitlines() or [""])[0]
    typer.echo(f"qmetl {command} failed: {type(exc).__name__}: {first}\n"
               "  (QMETL_DEBUG=1 shows the traceback)", err=True)
    return 1


UNRECOGNISED = ("extract.unrecognised", "extract.unsupported_format", "extract.mislabelled", "extract.empty")


def no_notice_found(summary: Any) -> str | None:
    """When a run found files but not one it could read as a notice (all of an unknown format): what
    to say, with the formats looked for; None when something was loaded or was already in the store."""
    kept = summary.loaded + summary.skipped + summary.off_topic
    if kept or not summary.files or any(f["code"] not in UNRECOGNISED for f in summary.failures):
        return None
    return (f"no notice found among the {summary.files} file(s) given: none is a document qmetl reads "
            f"(looked for {looked_for()}, recognised by content)")
