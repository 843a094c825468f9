"""Loading is idempotent and the export is read back from the store."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.db import get_engine
from loaders.export import export_jsonl
from loaders.models import ActivityRow, Document, OutlineItemRow
from pipeline.config import Settings
from pipeline.process import process_file
from pipeline.run import prepare_store


def _counts(url: str) -> tuple[int, int, int]:
    with Session(get_engine(url)) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (Document, ActivityRow, OutlineItemRow))


def test_load_export_roundtrip_and_rerun(raw_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    path = str(raw_dir / "suzhou_2020_municipal.docx")
    first = process_file(path, settings, "load-1")
    assert first.state == "loaded" and first.activities == 104
    before = _counts(sqlite_url)
    assert before[1] == 104
    again = process_file(path, settings, "load-2")
    assert again.state == "skipped" and _counts(sqlite_url) == before
    forced = process_file(path, Settings(db=sqlite_url, force=True, quarantine=str(tmp_path / "q")), "load-3")
    assert forced.state == "loaded" and _counts(sqlite_url) == before, "a reload replaces, never duplicates"
    out = tmp_path / "export"
    export_jsonl(get_engine(sqlite_url), out)
    data = json.loads((out / "suzhou_2020_municipal.docx.json").read_text("utf-8"))
    assert len(data["activities"]) == 104 and data["document"]["doc_number"] == "苏质发委办〔2020〕25号"
    assert data["activities"][0]["pages"], "provenance survives the store"


def test_bad_file_recorded_and_quarantined(bad_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    out = process_file(str(bad_dir / "encrypted.pdf"), settings, "load-1")
    assert out.state == "failed" and out.error is not None and out.error.code == "extract.encrypted"
    assert any(p.name.endswith("encrypted.pdf") for p in (tmp_path / "q").iterdir())
