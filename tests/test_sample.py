"""data/raw is a generated sample of its own (tests/gen/sample.py), scored exactly by the README's main job."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import score_script
from tests.gen.sample import SAMPLE, differences, write

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CLI = [sys.executable, "-c", "import sys; sys.argv[0]='qmetl'; from flows import cli; cli()"]
CORPUS_RAW = ROOT / "tests" / "data" / "corpus" / "raw"


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    write(tmp_path)
    assert differences(DATA, tmp_path) == []
    assert {p.stem for p in (DATA / "truth").glob("*.json")} == {e.name for e in SAMPLE}


def test_sample_is_not_the_test_corpus() -> None:
    corpus = {p.read_bytes() for p in CORPUS_RAW.iterdir() if p.is_file()}
    sample = sorted((DATA / "raw").iterdir())
    assert len({p.suffix for p in sample}) >= 4, "the sample should show several formats"
    assert not [p.name for p in sample if p.read_bytes() in corpus]
    places = {json.loads(p.read_text("utf-8"))["document"]["region"] for p in (DATA / "truth").glob("*.json")}
    assert len(places) == len(SAMPLE) and not [r for r in places if "江苏" in r or "天津" in r], places


@pytest.mark.slow
def test_readme_main_job_scores_the_sample_exactly(tmp_path: Path) -> None:
    """``qmetl run`` with no option, from a folder holding only data/raw (no pyproject: the defaults)."""
    shutil.copytree(DATA / "raw", tmp_path / "data" / "raw")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not (k.startswith("QMETL_") and k != "QMETL_CORPUS")}
    run = subprocess.run([*CLI, "run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    store = tmp_path / "data" / "processed" / "quality_month.db"
    assert store.is_file()
    subprocess.run([*CLI, "export", "--db", f"sqlite:///{store}", "--format", "json", "--out", str(tmp_path / "ex")],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    exported = sorted(p.name for p in (tmp_path / "ex").glob("*.json"))
    assert exported == sorted(f"{p.name}.json" for p in (DATA / "raw").iterdir()), "one export per sample file"
    score = subprocess.run([sys.executable, str(score_script()), str(tmp_path / "ex"), str(DATA / "truth")],
                           capture_output=True, text=True, check=True)
    assert score.stdout.strip().splitlines()[-1] == (
        "SCORE activities_f1=1.000 organizers_f1=1.000 lead_f1=1.000 category_acc=1.000 outline_f1=1.000 "
        "meta_acc=1.000"), score.stdout
