"""The `qmetl` program: the Typer app, every command group registered on it, and ``main``.

Each group lives in its own module of this package, thin over the Python API it drives. The run
and serve commands start the Prefect flows, which flows.py (the layer above) defines and hands
to them (``pipeline.cli.run.use_flows``).
"""

from __future__ import annotations

import atexit
import gc
import sys

import typer

from loaders.db import close_engines
from pipeline.cli import analytics, categories, explain, fetch, orgs, run, store
from pipeline.cli.errors import QmetlGroup, report_failure

app = typer.Typer(
    name="qmetl",
    help="ETL for China's Quality Month (质量月) notices: files in, one exact relational store out. "
         "Exit status: 0 success, 1 the work failed, 2 a usage mistake.",
    no_args_is_help=True,
    add_completion=False,
    cls=QmetlGroup,
)
run.register(app)  # run, serve
store.register(app)  # export, status, renormalize, db upgrade
analytics.register(app)  # query, report, browse
app.add_typer(orgs.orgs_app, name="orgs")
app.add_typer(categories.categories_app, name="categories")
fetch.register(app)
explain.register(app)  # explain


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("qmetl")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"qmetl {version()}")
        raise typer.Exit()


@app.callback()
def main_options(_version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                               help="Print the version and exit.")) -> None:
    """ETL for China's Quality Month (质量月) notices: files in, one exact relational store out."""


def main() -> None:
    """Run the ``qmetl`` program on ``sys.argv``."""
    atexit.register(_exit)
    try:
        app(standalone_mode=True)
    except Exception as exc:  # a failure of the work itself (mistakes exit 2 in QmetlGroup)
        sys.exit(report_failure(exc, sys.argv))


def _exit() -> None:
    """After the command: close the stores (SQLite folds its write-ahead log into the database file),
    then freeze the heap. The interpreter's last collection then skips the ~400,000 objects of
    Prefect, the ORM and the rule tables, ~0.6 s at every exit; their memory goes back with the
    process, as after any exit."""
    close_engines()
    gc.freeze()
