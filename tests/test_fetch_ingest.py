"""A page and its attachments are one notice (issue 26): the store links the files, the export shows
one notice with its parts, and its activities score as the same table inside a DOCX does."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from loaders.db import get_engine
from loaders.export import export_json
from pipeline.config import load_settings
from pipeline.run import run_batch
from tests.conftest import score_script
from tests.gen.sheets import DEV_SEEDS, attachment_name, cached_set, notice, truth

SEEDS = DEV_SEEDS[:4]


def _ingest(raw: Path, tmp: Path, name: str) -> Path:
    settings = load_settings(db=f"sqlite:///{tmp / name}.db", quarantine=str(tmp / "q"), cache=False)
    summary = run_batch(settings, [str(raw)])
    assert not summary.failed, summary
    out = tmp / f"export-{name}"
    export_json(get_engine(settings.db), out)
    return out


def _score(export: Path, truth_dir: Path, script: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(script), str(export), str(truth_dir)], capture_output=True,
                         text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("SCORE "))
    print(line)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def test_notice_docx_and_its_xlsx_attachment_score_like_the_docx_table(tmp_path: Path) -> None:
    script = score_script()
    dev = cached_set("dev", DEV_SEEDS)
    for sub in ("docx", "parts"):
        (tmp_path / sub).mkdir()
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    for seed in SEEDS:
        s = notice(seed)
        shutil.copy(dev / "docx" / f"{s.stem}.docx", tmp_path / "docx")
        shutil.copytree(dev / "parts" / s.stem, tmp_path / "parts" / s.stem)
        shutil.copy(dev / "truth" / f"{s.stem}.json", truth_dir)
    reference = _score(_ingest(tmp_path / "docx", tmp_path, "docx"), truth_dir, script)
    export = _ingest(tmp_path / "parts", tmp_path, "parts")
    parts = _score(export, truth_dir, script)
    for key in ("activities_f1", "organizers_f1", "lead_f1", "category_acc"):
        assert parts[key] == reference[key], key
    assert parts["activities_f1"] == 1.0
    s = notice(SEEDS[0])
    page = json.loads((export / f"{s.stem}.docx.json").read_text("utf-8"))
    assert [p["file"] for p in page["parts"]] == [attachment_name(s, "xlsx")]
    assert page["document"]["doc_number"] == truth(s)["document"]["doc_number"]
    part = json.loads((export / f"{attachment_name(s, 'xlsx')}.json").read_text("utf-8"))
    assert part["part_of"] == f"{s.stem}.docx"
