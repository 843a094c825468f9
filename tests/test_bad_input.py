"""Bad and hostile input: one clear record per file, a quarantine copy, never a crash of the run."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from loaders.db import get_engine
from loaders.digest import table_digests
from loaders.models import ActivityRow, Document, SourceFile
from pipeline import stages
from pipeline.config import Settings
from pipeline.run import main, run_batch

GOOD = ("jiangsu_2010_provincial.docx", "cmqa_2020_industry.docx")
# file → acceptable error codes (a reader may name the same damage more precisely later)
EXPECTED = {
    "empty.pdf": {"extract.empty"},
    "truncated.pdf": {"pdf.damaged", "pdf.syntax"},
    "encrypted.pdf": {"extract.encrypted"},
    "not_really.docx": {"extract.mislabelled"},
    "corrupt.docx": {"docx.damaged", "docx.bad_zip"},
    "blank_pages.pdf": {"structure.no_text", "extract.no_text"},
}


def _mixed(bad_dir: Path, raw_dir: Path, dest: Path) -> Path:
    shutil.copytree(bad_dir, dest)
    for n in GOOD:
        shutil.copyfile(raw_dir / n, dest / n)
    return dest


def _rows(url: str) -> dict[str, SourceFile]:
    with Session(get_engine(url), expire_on_commit=False) as s:
        return {r.name: r for r in s.scalars(select(SourceFile))}


def test_bad_corpus_one_clear_record_per_file(bad_dir: Path, raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _mixed(bad_dir, raw_dir, tmp_path / "in")
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    summary = run_batch(settings, [str(src)])
    assert (summary.loaded, summary.failed, summary.off_topic) == (2, 6, 1)
    rows = _rows(store_url)
    assert len(rows) == len(EXPECTED) + 1 + len(GOOD), "one record per file"
    for name, codes in EXPECTED.items():
        r = rows[name]
        assert r.state == "failed" and r.error_code in codes and r.reason, (name, r.error_code, r.error_message)
        assert r.quarantine_path and Path(r.quarantine_path).read_bytes() == (src / name).read_bytes(), name
    off = rows["unrelated_english.pdf"]
    assert off.state == "off_topic" and off.error_code == "notice.off_topic" and "off-topic" in (off.reason or "")
    assert off.quarantine_path and Path(off.quarantine_path).is_file()
    with Session(get_engine(store_url)) as s:
        docs = {d.source_file_id: d for d in s.scalars(select(Document).where(Document.parent_id.is_(None)))}
        assert set(docs) == {rows[n].id for n in (*GOOD, "unrelated_english.pdf")}, "failed files have no rows"
        assert docs[off.id].off_topic and s.scalar(
            select(func.count()).select_from(ActivityRow).where(ActivityRow.document_id == docs[off.id].id)) == 0
    before = table_digests(get_engine(store_url))
    again = run_batch(settings, [str(src)])
    assert (again.skipped, again.failed, again.still_failed) == (3, 6, 6), "failures are reported again, not retried"
    assert table_digests(get_engine(store_url)) == before


def test_status_shows_each_state_and_reason(bad_dir: Path, raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    from flows import app

    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    src = _mixed(bad_dir, raw_dir, tmp_path / "in")
    run_batch(settings, [str(src)])
    result = CliRunner().invoke(app, ["status", "--db", store_url, "--json"])
    assert result.exit_code == 0, result.output
    states = {r["name"]: (r["state"], r["reason"], r["last_run"]) for r in json.loads(result.output)}
    assert states["encrypted.pdf"] == ("failed", "password-protected", "failed")
    assert states["empty.pdf"][1] == "empty file (0 bytes)"
    assert states["jiangsu_2010_provincial.docx"] == ("loaded", None, "loaded")
    assert states["unrelated_english.pdf"][0] == "off_topic"
    shutil.copyfile(raw_dir / "tianjin_2020_provincial.docx", src / "cmqa_2020_industry.docx")
    run_batch(settings, [str(src)])
    table = CliRunner().invoke(app, ["status", "--db", store_url])
    assert table.exit_code == 0 and "9 files" in table.output, table.output
    rows = {r["name"]: r for r in json.loads(CliRunner().invoke(app, ["status", "--db", store_url, "--json"]).output)}
    assert rows["cmqa_2020_industry.docx"]["last_run"] == "loaded" and rows["encrypted.pdf"]["last_run"] == "skipped"


def test_exit_status_is_non_zero_only_when_strict(bad_dir: Path, store_url: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMETL_QUARANTINE", str(tmp_path / "q"))
    monkeypatch.delenv("QMETL_STRICT", raising=False)
    assert main([store_url, str(bad_dir)]) == 0
    monkeypatch.setenv("QMETL_STRICT", "1")
    assert main([store_url, str(bad_dir)]) == 1


def _zip_bomb(path: Path, megabytes: int) -> None:
    """A DOCX-shaped zip whose document part inflates to ``megabytes`` of zeros (about 0.1% on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                part.write(block)


def _empty_pages_pdf(path: Path, pages: int) -> None:
    """A valid PDF of ``pages`` blank pages, written as raw PDF syntax."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{3 + i} 0 R' for i in range(pages))}] /Count {pages} >>".encode()]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def test_hostile_input_ends_as_clear_records(raw_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    src = tmp_path / "hostile"
    odd = src / "dir with space" / "质量 月"
    odd.mkdir(parents=True)
    (tmp_path / "x").mkdir()
    _zip_bomb(src / "bomb.docx", 150)
    _empty_pages_pdf(src / "blank_10000.pdf", 10_000)
    with (src / "huge.pdf").open("wb") as fh:  # 200 MB, sparse on disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(200 * 1024 * 1024)
    shutil.copyfile(raw_dir / "jiangsu_2010_provincial.docx", odd / "通知..2010 (副本).docx")
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    summary = run_batch(settings, [str(tmp_path / "x" / ".." / "hostile")])
    rows = _rows(sqlite_url)
    assert (rows["bomb.docx"].state, rows["bomb.docx"].error_code) == ("failed", "extract.zip_bomb")
    assert (rows["blank_10000.pdf"].state, rows["blank_10000.pdf"].error_code) == ("failed", "extract.too_large")
    assert "10000 pages" in (rows["blank_10000.pdf"].error_message or "")
    huge = rows["huge.pdf"]
    assert (huge.state, huge.error_code, huge.size) == ("failed", "extract.too_large", 200 * 1024 * 1024)
    assert huge.quarantine_path is None and not any("huge" in p.name for p in (tmp_path / "q").iterdir())
    odd_row = rows["通知..2010 (副本).docx"]
    assert odd_row.state == "loaded" and "/../" not in odd_row.path and "dir with space/质量 月" in odd_row.path
    assert (summary.loaded, summary.failed) == (1, 3)


def test_a_reader_crash_fails_one_file_not_the_run(raw_dir: Path, sqlite_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    real = stages.read_layout

    def flaky(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.name.startswith("cmqa"):
            raise IndexError("list index out of range")
        return real(path, *args, **kwargs)  # whatever the pipeline passes (size limit, reader options)

    monkeypatch.setattr(stages, "read_layout", flaky)
    summary = run_batch(Settings(db=sqlite_url, quarantine=str(tmp_path / "q")),
                        [str(raw_dir / n) for n in GOOD])
    assert (summary.loaded, summary.failed) == (1, 1)
    crashed = _rows(sqlite_url)["cmqa_2020_industry.docx"]
    assert crashed.error_code == "internal.error" and "IndexError" in (crashed.error_message or "")


def test_a_value_the_store_refuses_fails_one_file(raw_dir: Path, store_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    real = stages.parse_notice

    def overlong(doc):  # type: ignore[no-untyped-def]
        result = real(doc)
        if doc.source.name.startswith("cmqa") and result.value is not None:
            result.value.meta.doc_number = "号" * 300  # documents.doc_number is VARCHAR(100)
        return result

    monkeypatch.setattr(stages, "parse_notice", overlong)
    summary = run_batch(Settings(db=store_url, quarantine=str(tmp_path / "q")), [str(raw_dir / n) for n in GOOD])
    rows = _rows(store_url)
    assert rows["jiangsu_2010_provincial.docx"].state == "loaded"
    if store_url.startswith("postgresql"):  # SQLite does not enforce VARCHAR lengths
        assert (summary.loaded, summary.failed) == (1, 1)
        assert rows["cmqa_2020_industry.docx"].error_code == "load.rejected"


def test_renormalize_an_off_topic_file_whose_source_is_gone(bad_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    from pipeline.renormalize import renormalize

    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(bad_dir / "unrelated_english.pdf", src / "unrelated_english.pdf")
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    assert run_batch(settings, [str(src)]).off_topic == 1
    shutil.rmtree(src)
    shutil.rmtree(tmp_path / "q")
    again = renormalize(settings, everything=True)
    assert (again.files, again.off_topic, again.failed) == (1, 1, 0)
    assert _rows(sqlite_url)["unrelated_english.pdf"].state == "off_topic"


def test_off_topic_document_is_exported_flagged(bad_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    from loaders.export import export_json

    run_batch(Settings(db=sqlite_url, quarantine=str(tmp_path / "q")), [str(bad_dir / "unrelated_english.pdf")])
    written = export_json(get_engine(sqlite_url), tmp_path / "out")
    data = json.loads(written[0].read_text("utf-8"))
    assert data["document"]["off_topic"] is True and data["activities"] == []
