"""The `qmetl` program sets Prefect's environment (telemetry off …) before Prefect is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from pipeline.prefect_server import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
# Records the environment at the moment anything first imports Prefect, then runs `qmetl --version`.
WATCH = """
import json, os, sys
seen = {}
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "prefect" and not seen:
            seen.update({k: os.environ.get(k) for k in KEYS})
        return None
sys.meta_path.insert(0, Watch())
sys.argv = ["qmetl", "--version"]
try:
    ENTRY
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps({"imported": "prefect" in sys.modules, "env_at_import": seen}))
"""


def _run(entry: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    code = WATCH.replace("KEYS", repr(sorted(DEFAULTS))).replace("ENTRY", entry)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_program_sets_prefects_environment_before_prefect_is_imported() -> None:
    got = _run("from qmetl_main import cli; cli()")
    assert got == {"imported": True, "env_at_import": DEFAULTS}


def test_importing_flows_sets_nothing() -> None:
    """The commands alone (``flows.cli``, as tests call them) import Prefect with the environment untouched:
    what the entry point is for."""
    got = _run("import flows; flows.cli()")
    assert got == {"imported": True, "env_at_import": dict.fromkeys(DEFAULTS)}


def test_the_installed_program_is_the_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"]["qmetl"] == "qmetl_main:cli"
