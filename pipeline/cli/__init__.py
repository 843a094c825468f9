"""The `qmetl` command line, one module per command group, each thin over the Python API:

app.py (the program and its groups), run.py (run, serve: the Prefect flows), store.py (export,
status, renormalize, db upgrade), analytics.py (query, report, browse), orgs.py, categories.py,
fetch.py, explain.py (how one file's tables were read); errors.py (usage mistakes → exit 2), output.py (tables / TSV / JSON), options.py
(options shared by commands).
"""

from pipeline.cli.app import app, main

__all__ = ["app", "main"]
