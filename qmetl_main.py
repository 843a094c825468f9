"""The `qmetl` program (pyproject ``[project.scripts]``): Prefect's environment first, then the commands.

Prefect reads some settings (telemetry, ``DO_NOT_TRACK``) as it is imported, and ``flows`` imports it.
So this module imports no Prefect: ``cli`` puts qmetl's defaults for Prefect
(``pipeline.prefect_server.DEFAULTS``: no telemetry, a start-up timeout for the temporary server) into
the environment where it says nothing, and only then imports ``flows`` and runs the command.
Importing this module (or ``flows``) sets nothing. A module of its own above ``flows`` (layers import only
downward: ``pipeline`` never imports ``flows``).
"""

from __future__ import annotations


def cli() -> None:
    from pipeline.prefect_server import use_defaults  # no Prefect import (see its module docstring)

    use_defaults()
    from flows import cli as commands

    commands()
