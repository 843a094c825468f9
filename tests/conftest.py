"""Shared fixtures: the corpus (../shared/corpus when present, else the vendored copy), temp stores."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Prefect reads its settings at import: point it at a throwaway home before any test imports it.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qmetl-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A loaded CI machine can take longer than Prefect's default 20 s to start the ephemeral server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "tests" / "data" / "corpus"


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
