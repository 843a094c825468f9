"""The PDFium char and ruling source gives the layout pdfminer gives, page for page.

Each file is read twice by the real PDF reader, once with ``char_source="pdfium"`` (the default)
and once with ``"pdfminer"`` (the reference), and the two layouts must be equal: every line's
text, font, box, every table's cells and spans. A page PDFium cannot give in pdfminer's terms is
read through pdfminer, with the reason recorded.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from extractors.errors import BadInputError
from extractors.readers.pdf import PdfSettings, read_pdf
from extractors.readers.pdfium_objects import PdfiumSource
from tests.synth_tables import UP, PdfPage, make_pdf

reportlab = pytest.importorskip("reportlab")

PDFIUM = PdfSettings(char_source="pdfium")
PDFMINER = PdfSettings(char_source="pdfminer")


def _fallbacks(path: Path) -> dict[int, str]:
    """Which pages the PDFium source hands to pdfminer, and why."""
    src = PdfiumSource(pdfium.PdfDocument(path))
    try:
        with pdfplumber.open(path) as pdf:
            for i, page in enumerate(pdf.pages):
                src.load(page, i)
        return dict(src.fallbacks)
    finally:
        src.close()


def test_the_corpus_pdfs_read_alike_from_both_sources(raw_dir: Path) -> None:
    pdfs = sorted(raw_dir.glob("*.pdf"))
    assert pdfs
    for path in pdfs:
        assert read_pdf(path, PDFIUM) == read_pdf(path, PDFMINER), path.name
    texts = [p for p in pdfs if "scan" not in p.name]
    assert texts
    for path in texts:
        assert _fallbacks(path) == {}, path.name  # a text PDF of the corpus is read by PDFium, not handed back


def test_a_ruled_table_across_pages_reads_alike(tmp_path: Path) -> None:
    header = ["序号", "活动名称", "活动内容", "主办单位", "时间"]
    rows = [[str(i), "质量宣传" if i % 3 == 1 else UP, f"开展第{i}项质量提升活动", "某县市场监督管理局", "9月"]
            for i in range(1, 31)]
    path = make_pdf(tmp_path / "t.pdf", [PdfPage(title="2016年“质量月”活动安排", header=header, rows=rows[:15]),
                                         PdfPage(title=None, header=header, rows=rows[15:30])],
                    [40.0, 90.0, 220.0, 140.0, 60.0])
    pages, _ = read_pdf(path, PDFIUM)
    assert any(getattr(item, "cells", None) for p in pages for item in p.items)  # the rulings made a table
    assert (pages, _) == read_pdf(path, PDFMINER)
    assert _fallbacks(path) == {}


def test_a_rotated_page_is_read_through_pdfminer_with_the_reason(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for rotate in (0, 90):
        c.setPageRotation(rotate)
        c.setFont("STSong-Light", 12)
        c.drawString(72, 700, "关于开展2015年“质量月”活动的通知")
        c.line(72, 690, 500, 690)
        c.showPage()
    c.save()
    assert _fallbacks(path) == {2: "rotated page"}
    assert read_pdf(path, PDFIUM) == read_pdf(path, PDFMINER)


@pytest.mark.parametrize("name", ["truncated.pdf", "encrypted.pdf", "empty.pdf", "blank_pages.pdf",
                                  "unrelated_english.pdf"])
def test_bad_pdfs_read_or_fail_alike_from_both_sources(bad_dir: Path, name: str) -> None:
    outcomes = []
    for settings in (PDFIUM, PDFMINER):
        try:
            outcomes.append(read_pdf(bad_dir / name, settings))
        except BadInputError as exc:
            outcomes.append((type(exc).__name__, str(exc)))
    assert outcomes[0] == outcomes[1]


def test_an_unknown_char_source_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"char_source must be one of pdfium, pdfminer, got 'mupdf'"):
        PdfSettings(char_source="mupdf")


def test_a_ucs2_coded_cid_font_gives_the_chars_pdfminer_reads(tmp_path: Path) -> None:
    # STSong-Light through UniGB-UCS2-H: the code U+30FB is Adobe-GB1's 间隔号, which pdfminer reads as
    # U+00B7 from the CID while PDFium hands back the code itself
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "dot.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "普及“5\u30fb20世界计量日”知识")
    c.save()
    pages, _ = read_pdf(path, PDFIUM)
    assert (pages, _) == read_pdf(path, PDFMINER)
    assert "5\u00b720" in "".join(getattr(i, "text", "") for p in pages for i in p.items)
    assert _fallbacks(path) == {}
