"""The store never loses or duplicates: reruns, changes, withdrawals, renormalize, provenance.

Every test runs on SQLite and on a real PostgreSQL server (``store_url`` in conftest).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from loaders.db import get_engine
from loaders.digest import table_digests
from loaders.export import export_json
from loaders.models import ActivityRow, Document, OutlineItemRow, SourceFile
from normalizers import NORMALIZER_VERSION
from pipeline.config import Settings
from pipeline.process import process_file
from pipeline.renormalize import renormalize
from pipeline.run import prepare_store, run_batch

SMALL = ("suzhou_2020_municipal.docx", "cmqa_2020_industry.docx", "jiangsu_2010_provincial.pdf")


def _copy(raw_dir: Path, dest: Path, names: tuple[str, ...] = SMALL) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copyfile(raw_dir / n, dest / n)
    return dest


def _counts(url: str) -> tuple[int, int, int]:
    with Session(get_engine(url)) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (Document, ActivityRow, OutlineItemRow))


def _export(url: str, out: Path) -> dict[str, bytes]:
    export_json(get_engine(url), out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_rerun_of_unchanged_files_changes_no_row(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _copy(raw_dir, tmp_path / "raw")
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    first = run_batch(settings, [str(src)])
    assert (first.loaded, first.failed) == (3, 0)
    before = table_digests(get_engine(store_url))
    assert before["activities"][0] == first.activities == 104 + 8 + 5 + 16  # suzhou; cmqa 8 + embedded 5; jiangsu
    again = run_batch(settings, [str(src)])
    assert (again.loaded, again.skipped) == (0, 3)
    assert table_digests(get_engine(store_url)) == before, "a rerun of unchanged files changed rows"


def test_forced_reload_replaces_never_duplicates(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    path = str(raw_dir / "suzhou_2020_municipal.docx")
    assert process_file(path, settings, "load-1").activities == 104
    before = _counts(store_url)
    forced = process_file(path, Settings(db=store_url, force=True, quarantine=str(tmp_path / "q")), "load-2")
    assert forced.state == "loaded" and _counts(store_url) == before
    data = json.loads(_export(store_url, tmp_path / "export")["suzhou_2020_municipal.docx.json"])
    assert len(data["activities"]) == 104 and data["document"]["doc_number"] == "苏质发委办〔2020〕25号"


def test_changed_file_is_replaced_and_deleted_file_withdrawn(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _copy(raw_dir, tmp_path / "raw")
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    run_batch(settings, [str(src)])
    shutil.copyfile(raw_dir / "tianjin_2020_provincial.docx", src / "suzhou_2020_municipal.docx")  # new content
    (src / "cmqa_2020_industry.docx").unlink()
    summary = run_batch(settings, [str(src)])
    assert (summary.loaded, summary.skipped, summary.withdrawn) == (1, 1, 1)
    with Session(get_engine(store_url)) as s:
        states = dict(s.execute(select(SourceFile.name, SourceFile.state)).all())
        assert states["cmqa_2020_industry.docx"] == "withdrawn"
        current = s.scalars(select(Document).where(Document.is_current.is_(True))).all()
        assert {d.source_file_id for d in current} == set(
            s.scalars(select(SourceFile.id).where(SourceFile.state == "loaded")))
        n = s.scalar(select(func.count()).select_from(ActivityRow).join(Document)
                     .join(SourceFile).where(SourceFile.name == "suzhou_2020_municipal.docx"))
    assert n == 66, "the changed file's rows were replaced by its new content, none kept"
    assert sorted(_export(store_url, tmp_path / "export")) == [
        "jiangsu_2010_provincial.pdf.json", "suzhou_2020_municipal.docx.json"]


def test_renormalize_reloads_from_stored_parse_without_reading_files(
        raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _copy(raw_dir, tmp_path / "raw", ("cmqa_2020_industry.docx", "jiangsu_2010_provincial.pdf"))
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    run_batch(settings, [str(src)])
    exported = _export(store_url, tmp_path / "e1")
    engine = get_engine(store_url)
    with Session(engine) as s, s.begin():
        s.execute(update(SourceFile).where(SourceFile.name == "cmqa_2020_industry.docx")
                  .values(normalizer_version="old"))
    shutil.rmtree(src)  # renormalize must not need the files
    summary = renormalize(settings)
    assert (summary.files, summary.loaded, summary.failed) == (1, 1, 0)
    with Session(engine) as s:
        assert set(s.scalars(select(SourceFile.normalizer_version))) == {NORMALIZER_VERSION}
    assert _export(store_url, tmp_path / "e2") == exported, "same rules, same rows"
    assert renormalize(settings).files == 0, "nothing left on an older normalizer version"
    assert renormalize(settings, everything=True).loaded == 2


def test_provenance_on_every_activity_and_outline_item(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    run_batch(settings, [str(raw_dir / "jiangsu_2010_provincial.pdf"), str(raw_dir / "cmqa_2020_industry.docx")])
    with Session(get_engine(store_url)) as s:
        fmt = dict(s.execute(select(Document.id, SourceFile.format).join(SourceFile)).all())
        rows = [*s.scalars(select(ActivityRow)), *s.scalars(select(OutlineItemRow))]
        assert len(rows) > 40 and set(fmt.values()) == {"pdf", "docx"}
        for r in rows:
            assert r.document_id and r.pages and r.page == r.pages[0] and r.extractor_version, r.id
            if fmt[r.document_id] == "pdf":
                assert r.bbox is not None and r.bbox["x1"] > r.bbox["x0"], f"{r.id}: a PDF row without bbox"
            assert r.id.startswith(r.document_id + "-"), "ids derive from the document id"


def test_two_stores_export_byte_identical(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    """Ids come from content and name, not from the folder: another copy, another store, same bytes."""
    other = f"sqlite:///{tmp_path / 'other.db'}"
    for url, folder in ((store_url, "raw"), (other, "elsewhere/raw copy")):
        run_batch(Settings(db=url, quarantine=str(tmp_path / "q")), [str(_copy(raw_dir, tmp_path / folder))])
    a, b = _export(store_url, tmp_path / "ea"), _export(other, tmp_path / "eb")
    assert len(a) == 3 and a == b


def test_same_file_in_two_folders_gets_two_documents(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    names = ("cmqa_2020_industry.docx",)
    a, b = _copy(raw_dir, tmp_path / "a", names), _copy(raw_dir, tmp_path / "b", names)
    summary = run_batch(Settings(db=store_url, quarantine=str(tmp_path / "q")), [str(a), str(b)])
    assert (summary.loaded, summary.failed) == (2, 0)
    with Session(get_engine(store_url)) as s:
        ids = list(s.scalars(select(Document.id).where(Document.parent_id.is_(None)).order_by(Document.id)))
    assert len(set(ids)) == 2 and ids[0].startswith("d") and ids[1].startswith("p")


def test_renormalize_command(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows import app

    run_batch(Settings(db=store_url, quarantine=str(tmp_path / "q")), [str(raw_dir / "cmqa_2020_industry.docx")])
    runner = CliRunner()
    idle = runner.invoke(app, ["renormalize", "--db", store_url])
    assert idle.exit_code == 0 and "1 files" not in idle.output and "0 files" in idle.output, idle.output
    redo = runner.invoke(app, ["renormalize", "--db", store_url, "--all", "--strict"])
    assert redo.exit_code == 0 and "1 files — 1 loaded" in redo.output, redo.output
