"""Options shared by several `qmetl` commands, how their flags become Settings, and the log levels."""

from __future__ import annotations

import logging
from typing import Any

import typer

from pipeline.config import ConfigError, Settings, load_settings

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL of the store (default from config).")
RawOption = typer.Option(None, "--raw", help="Folder(s) or file(s) of notices (default: setting `raw`).")
ConfigOption = typer.Option(None, "--config", help="TOML file of settings (default: qmetl.toml / pyproject).")
WorkersOption = typer.Option(None, "--workers", min=1, help="Documents analysed in parallel.")
ExecutorOption = typer.Option(None, "--executor", help="threads or processes (with --workers).")
DaskOption = typer.Option(None, "--dask-address", help="Run the analyses on the Dask scheduler at tcp://host:port.")
LogOption = typer.Option(None, "--log-level", help="DEBUG, INFO, WARNING or ERROR.")


def settings_from_flags(**flags: Any) -> Settings:
    """The settings with these flags on top (None = not given); a bad value is a usage mistake (exit 2)."""
    try:
        return load_settings(**flags)
    except (ConfigError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from exc


def configure_logging(level: str) -> None:
    """--log-level for our flow logs; Prefect's own per-task chatter only at DEBUG."""
    lvl = logging.getLevelName(level.upper())
    quiet = lvl if lvl <= logging.DEBUG else max(lvl, logging.WARNING)
    logging.getLogger("prefect").setLevel(quiet)
    logging.getLogger("prefect.flow_runs").setLevel(lvl)
    logging.getLogger("prefect.task_runs").setLevel(quiet)
    logging.getLogger("jieba").setLevel(quiet)  # its dictionary-loading chatter
