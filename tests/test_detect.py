"""Format detection by content, not extension."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.detect import detect_format
from schemas import SourceFormat


def test_corpus_formats_detected_by_content(raw_dir: Path) -> None:
    expected = {".pdf": SourceFormat.PDF, ".docx": SourceFormat.DOCX, ".doc": SourceFormat.DOC,
                ".html": SourceFormat.HTML, ".ofd": SourceFormat.OFD, ".txt": SourceFormat.TEXT}
    for f in raw_dir.iterdir():
        assert detect_format(f).format == expected[f.suffix], f.name


def test_text_with_docx_name_is_a_mismatch(bad_dir: Path) -> None:
    d = detect_format(bad_dir / "not_really.docx")
    assert d.format == SourceFormat.TEXT and d.declared == SourceFormat.DOCX and d.mismatch


def test_empty_and_damaged_zip(tmp_path: Path, bad_dir: Path) -> None:
    assert detect_format(bad_dir / "empty.pdf").format is None
    bad = detect_format(bad_dir / "corrupt.docx")
    assert bad.format in (None, SourceFormat.DOCX)
    z = tmp_path / "x.docx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert detect_format(z).format is None and "word/document.xml" in detect_format(z).reason


def test_html_behind_xml_prolog_and_utf16_text(tmp_path: Path) -> None:
    h = tmp_path / "page.bin"
    h.write_bytes(b'<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE html><html><body>x</body></html>')
    assert detect_format(h).format == SourceFormat.HTML
    t = tmp_path / "t.dat"
    t.write_bytes("关于开展质量月活动的通知".encode("utf-16"))
    assert detect_format(t).format == SourceFormat.TEXT
