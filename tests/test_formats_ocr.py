"""Scanned PDFs: OCR when the extra is installed, a recorded 'needs OCR' error when it is not."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractors.readers.pdf_ocr as pdf_ocr
from extractors import read_layout
from extractors.readers.ocr import ocr_available
from extractors.readers.scan_text import clean_line, clean_lines, normalise_sizes, ocr_chars
from schemas import BBox, Table, TextLine

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


def _entry(text: str, x0: float, top: float, unit: float, height: float) -> list[object]:
    quads = [[[x0 + i * unit, top], [x0 + (i + 1) * unit, top], [x0 + (i + 1) * unit, top + height],
              [x0 + i * unit, top + height]] for i in range(len(text))]
    box = [quads[0][0], quads[-1][1], quads[-1][2], quads[0][3]]
    return [box, text, 0.99, quads, list(text)]


def test_ocr_char_sizes_are_the_font_size_not_the_padded_box_height() -> None:
    """Detection boxes are padded (unclip) to about 1.4 × the glyphs: a char's size is its line's
    advance, and a line too short for one gets its height over the page's height/advance ratio,
    so the table readers' gap rules (in font sizes) see the printed proportions."""
    result = [_entry("质量强国建设", 0, 0, 20, 28), _entry("编", 0, 40, 24, 28)]
    chars = ocr_chars(result, min_score=0.5)
    assert {round(c.size, 2) for c in chars} == {20.0}


def test_a_lone_chinese_glyph_is_as_wide_as_the_font_not_its_padded_box() -> None:
    """A one-character line (编 over a narrow 编号 column) comes with its padded line box, 30 wide for
    a 20-unit glyph: the glyph is centred in it, so the white beside it (the cell gap) stays white."""
    result = [_entry("质量强国建设", 0, 0, 20, 28), _entry("编", 100, 40, 30, 28)]
    lone = ocr_chars(result, min_score=0.5)[-1]
    assert (lone.text, round(lone.x0, 2), round(lone.x1, 2)) == ("编", 105.0, 125.0)


def test_page_numbers_read_as_yi_are_restored() -> None:
    assert clean_line("一2一") == "— 2 —" and clean_line("-13-") == "— 13 —"
    assert clean_line("一、活动主题") == "一、活动主题"


def _line(text: str, width: float, height: float) -> TextLine:
    return TextLine(text=text, page=1, bbox=BBox(x0=80, top=100, x1=80 + width, bottom=100 + height))


def test_ocr_line_sizes_from_advance_snap_to_body_and_title() -> None:
    body = [_line("质量发展纲要实施方案", w, h) for w, h in ((158, 14.4), (162, 18.2), (165, 16.3))]
    title = _line("相城区质量强区工作2017年行动计划", 16 * 22, 21)  # 14 CJK + 4 digits = 16 units
    short = _line("实施。", 40, 20.6)  # too few characters: height-based, noisy
    normalise_sizes([*body, title, short])
    sizes = {ln.font_size for ln in body} | {short.font_size}
    assert len(sizes) == 1 and 15.8 <= sizes.pop() <= 16.5  # type: ignore[operator]
    assert title.font_size == 22.0


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


def test_half_width_punctuation_next_to_chinese_becomes_full_width() -> None:
    assert clean_line("（区市场监管局牵头,各成员单位配合)") == "（区市场监管局牵头，各成员单位配合）"
    assert clean_line("2017-2020 (draft), v1.2") == "2017-2020 (draft), v1.2"


def test_chinese_quotes_read_as_ascii_are_restored() -> None:
    assert clean_line('关于开展2012年“质量月"活动的通知') == "关于开展2012年“质量月”活动的通知"
    assert clean_line('开展"质量月"活动') == "开展“质量月”活动"
    assert clean_lines(['组织开展以"质量第一', '效益优先"为主题的活动', '开展"质量']) == [
        "组织开展以“质量第一", "效益优先”为主题的活动", "开展“质量"]
    assert clean_line('the "draft" v1') == 'the "draft" v1'


@pytest.mark.slow
@needs_ocr
def test_scan_keeps_both_lines_of_a_wrapped_title(tmp_path: Path) -> None:
    """First page of a generated notice (tests/gen/tables_*), printed and scanned: the title
    wrapped over two lines of slightly different OCR heights comes out whole, quotes as printed."""
    import pypdfium2 as pdfium

    from extractors import parse_notice
    from tests.gen.tables_pdf import render_pdf, render_scan
    from tests.gen.tables_spec import DEV_SEEDS, make_notice

    notice = next(n for s in DEV_SEEDS if len((n := make_notice(s)).title_lines) == 2
                  and not n.traits.title_only and "“" in n.title)
    full = render_pdf(notice, tmp_path / "n.pdf")
    src = pdfium.PdfDocument(str(full))
    first = pdfium.PdfDocument.new()
    first.import_pages(src, [0])
    first.save(str(tmp_path / "p1.pdf"))
    layout = read_layout(render_scan(tmp_path / "p1.pdf", tmp_path / "scan.pdf"))
    assert layout.ok and layout.value is not None and layout.value.pages[0].ocr
    parsed = parse_notice(layout.value)
    assert parsed.value is not None and parsed.value.meta.title == notice.title


@needs_ocr
def test_a_scanned_table_without_vertical_rulings_is_read_from_alignment(tmp_path: Path) -> None:
    """A generated notice whose table has horizontal rules only (above and below the header, under
    the last row), printed and scanned: the scan gives the table the text PDF gives — the same
    header, the same columns and rows — not one merged line per row."""
    import pypdfium2 as pdfium

    from tests.gen.tables_pdf import render_pdf, render_scan
    from tests.gen.tables_spec import DEV_SEEDS, make_notice

    notice = next(n for s in DEV_SEEDS if (n := make_notice(s)).traits.rules == "borderless")
    full = render_pdf(notice, tmp_path / "n.pdf")
    text = read_layout(full)
    assert text.ok and text.value is not None
    page = next(p for p in text.value.pages if any(isinstance(i, Table) for i in p.items))
    printed = next(i for i in page.items if isinstance(i, Table))
    src = pdfium.PdfDocument(str(full))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [page.number - 1])
    one.save(str(tmp_path / "p.pdf"))
    scan = read_layout(render_scan(tmp_path / "p.pdf", tmp_path / "scan.pdf"))
    assert scan.ok and scan.value is not None and scan.value.pages[0].ocr
    tables = [i for i in scan.value.pages[0].items if isinstance(i, Table)]
    assert len(tables) == 1
    got = tables[0]
    assert got.n_cols == printed.n_cols

    def header(t: Table) -> list[str]:
        return [c.text for c in t.grid()[0] if c is not None]

    def numbers(t: Table) -> list[str]:
        return [row[0].text for row in t.grid()[1:] if row[0] is not None]

    assert header(got) == header(printed)
    # every printed row, in order; the recogniser may drop a lone 序号 digit (this page: one of 11),
    # and that row still begins where its other columns begin, with its number cell empty
    seq, printed_seq = numbers(got), numbers(printed)
    assert len(seq) == len(printed_seq) and all(n in (p, "") for n, p in zip(seq, printed_seq, strict=True))
    assert sum(n == "" for n in seq) <= 1


def test_a_flat_mark_keeps_the_body_size_and_its_em() -> None:
    """一、 is flat (its box half as tall as 群's) and its recognised box holds only the ink: it keeps the
    body size, and 、 its whole em, so 一、群众性质量活动 stays one run of text as in a text PDF."""
    result = [_entry("质量强国建设", 0, 0, 20, 28), _entry("一、", 100, 40, 10, 10)]
    one, mark = ocr_chars(result, min_score=0.5)[-2:]
    assert one.size == mark.size == 20.0 and mark.x1 - mark.x0 == 20.0


@pytest.mark.slow
@needs_ocr
def test_a_scanned_table_goes_on_over_the_page_without_its_header(tmp_path: Path) -> None:
    """A generated notice's borderless table over several pages, the header printed once, scanned:
    the rows at the top of the next pages continue the table (its columns carried, as for text
    PDFs), so the activities there are read, not lost as loose lines."""
    import dataclasses
    import re

    from extractors import parse_notice
    from tests.gen.tables_pdf import render_pdf, render_scan
    from tests.gen.tables_spec import DEV_SEEDS, make_notice, truth

    base = next(n for s in DEV_SEEDS if len((n := make_notice(s)).acts) >= 25 and not n.traits.landscape)
    notice = dataclasses.replace(base, traits=dataclasses.replace(
        base.traits, rules="borderless", repeat_header=False, split_rows=False, continued_mark=False))
    scan = read_layout(render_scan(render_pdf(notice, tmp_path / "n.pdf"), tmp_path / "scan.pdf"))
    assert scan.ok and scan.value is not None
    parsed = parse_notice(scan.value)
    assert parsed.value is not None

    def key(text: str | None) -> str:
        return re.sub(r"[\s“”\"]", "", text or "")

    got = {key(a.content) for a in parsed.value.activities}
    wanted = [key(a["content"]) for a in truth(notice)["activities"]]
    assert len({p for a in parsed.value.activities for p in a.span.pages}) >= 2
    assert sum(w in got for w in wanted) >= 0.9 * len(wanted)


def test_a_glyph_read_by_two_lines_is_kept_once_and_a_double_within_a_line_stays() -> None:
    """The edge of 消费's 费 spills into the next cell's line box and is read again there (费成都): one
    费 stays; 人人 inside one line is two glyphs and stays two."""
    first = _entry("人人受理消费", 0, 0, 20, 28)
    spill = _entry("费成都", 102, 0, 14, 28)  # its 费 over the first line's 费 (100-120)
    text = "".join(c.text for c in sorted(ocr_chars([first, spill], min_score=0.5), key=lambda c: c.x0))
    assert text == "人人受理消费成都"


def test_a_chinese_quote_turned_the_wrong_way_is_set_right_by_its_pair_on_the_line() -> None:
    assert clean_line("开展质量基础设施”一站式”服务试点") == "开展质量基础设施“一站式”服务试点"
    assert clean_line("开展“青年质量安全示范岗“创建活动") == "开展“青年质量安全示范岗”创建活动"
    # marks that alternate stay as read, and a lone closer may close a quote of the line before
    assert clean_line("发布“中国500最具价值品牌榜”苏州") == "发布“中国500最具价值品牌榜”苏州"
    assert clean_lines(["传播“精致苏州", "品质为本”的精神"]) == ["传播“精致苏州", "品质为本”的精神"]
