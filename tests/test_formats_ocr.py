"""Scanned PDFs: OCR when the extra is installed, a recorded 'needs OCR' error when it is not."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractors.readers.pdf_ocr as pdf_ocr
from extractors import read_layout
from extractors.readers.ocr import ocr_available
from extractors.readers.scan_text import clean_line, normalise_sizes, ocr_chars
from schemas import Table, TextLine

needs_ocr = pytest.mark.skipif(not ocr_available(), reason="OCR extra (rapidocr-onnxruntime, opencv) not installed")


def test_scan_without_ocr_extra_is_a_terminal_needs_ocr_error(raw_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr, "ocr_available", lambda: False)
    res = read_layout(raw_dir / "xiangcheng_2017_district_scan.pdf")
    assert not res.ok
    err = res.errors[0]
    assert err.code == "extract.needs_ocr" and err.kind == "terminal"
    assert "needs OCR" in err.message and "xiangcheng_2017_district_scan.pdf" in err.message


def test_blank_pdf_is_not_sent_to_ocr(bad_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr, "ocr_pages", lambda *a, **k: pytest.fail("blank pages have no image to OCR"))
    res = read_layout(bad_dir / "blank_pages.pdf")
    assert res.ok and res.value is not None and not any(p.ocr for p in res.value.pages)


def test_ocr_words_become_chars_spread_over_their_box() -> None:
    result = [[[[0, 0], [60, 0], [60, 20], [0, 20]], "质量2020", 0.98,
               [[[0, 0], [20, 0], [20, 20], [0, 20]], [[20, 0], [40, 0], [40, 20], [20, 20]],
                [[40, 0], [60, 0], [60, 20], [40, 20]]], ["质", "量", "2020"]],
              [[[0, 30], [10, 30], [10, 50], [0, 50]], "噪", 0.2]]
    chars = ocr_chars(result, min_score=0.5)
    assert "".join(c.text for c in chars) == "质量2020"
    assert [round(c.x0) for c in chars[2:]] == [40, 45, 50, 55] and chars[0].size == 20


def test_page_numbers_read_as_yi_are_restored() -> None:
    assert clean_line("一2一") == "— 2 —" and clean_line("-13-") == "— 13 —"
    assert clean_line("一、活动主题") == "一、活动主题"


def test_ocr_line_sizes_snap_to_shared_values() -> None:
    lines = [TextLine(text=str(i), page=1, font_size=s) for i, s in enumerate((15.2, 15.9, 16.4, 28.0, 29.1))]
    normalise_sizes(lines)
    assert [ln.font_size for ln in lines] == [15.9, 15.9, 15.9, 29.1, 29.1]


@pytest.mark.slow
@needs_ocr
def test_scanned_table_page_becomes_a_spanned_table(raw_dir: Path) -> None:
    from extractors.readers.ocr import ocr_pages

    page = ocr_pages(raw_dir / "suzhou_2020_municipal_scan.pdf", [8])[8]
    assert page.ocr
    table = next(i for i in page.items if isinstance(i, Table))
    assert (table.n_rows, table.n_cols) == (12, 5)
    grid = table.grid()
    assert grid[0][3] is not None and grid[0][3].text == "具体内容"
    category = grid[5][1]
    assert category is not None and category.row_span == 11 and category.text == "质量宣传"
    assert [grid[r][0].text for r in range(1, 12)] == [str(n) for n in range(13, 24)]  # type: ignore[union-attr]
