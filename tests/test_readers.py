"""PDF and DOCX readers emit the one layout model; bad input is a recorded error."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from extractors import read_layout
from rules.numerals import int_to_cn
from schemas import Table, TextLine


def test_pdf_lines_have_geometry_and_tables_have_spans(raw_dir: Path) -> None:
    res = read_layout(raw_dir / "suzhou_2020_municipal.pdf")
    assert res.ok and res.value is not None
    doc = res.value
    assert len(doc.pages) == 11 and doc.source.format == "pdf"
    first = doc.pages[0].lines[0]
    assert first.bbox is not None and first.font_size and first.kind == "line"
    tables = [t for p in doc.pages for t in p.tables]
    assert len(tables) == 5 and all(t.n_cols == 5 for t in tables)
    spanned = [c for t in tables for c in t.cells if c.row_span > 1]
    assert spanned, "类别/项目 spans must be rebuilt from the cell boxes"
    assert all(c.bbox is not None and c.page == t.page for t in tables for c in t.cells)


def test_docx_tables_keep_vmerge_spans(raw_dir: Path) -> None:
    res = read_layout(raw_dir / "suzhou_2020_municipal_fragments.docx")
    assert res.ok and res.value is not None
    tables = [i for p in res.value.pages for i in p.items if isinstance(i, Table)]
    assert len(tables) == 9
    assert max(c.row_span for c in tables[0].cells) > 1
    assert len(res.value.pages) > 5, "explicit page breaks advance the page number"


def test_docx_numbering_rendered(tmp_path: Path) -> None:
    """Automatic numbering of numbering.xml becomes the marker the reader sees."""
    from docx.oxml import parse_xml
    d = docx.Document()
    numbering = d.part.numbering_part.element
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(parse_xml(
        f'<w:abstractNum {ns} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, lvl in [("指导思想", 0), ("活动主题", 0), ("开展宣传", 1), ("开展检查", 1), ("有关要求", 0)]:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {ns}><w:ilvl w:val="{lvl}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    d.save(path)
    res = read_layout(path)
    assert res.value is not None
    markers = [i.list_marker for i in res.value.pages[0].items if isinstance(i, TextLine)]
    assert markers == ["一、", "二、", "（一）", "（二）", "三、"]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (13, "十三"), (20, "二十"), (66, "六十六"),
                                         (99, "九十九"), (105, "一百零五")])
def test_chinese_counting(n: int, text: str) -> None:
    assert int_to_cn(n) == text


@pytest.mark.parametrize(("name", "code"), [
    ("empty.pdf", "extract.empty"),
    ("encrypted.pdf", "extract.encrypted"),
    ("truncated.pdf", "pdf.damaged"),
    ("corrupt.docx", "docx.damaged"),
])
def test_bad_input_is_a_terminal_error(bad_dir: Path, name: str, code: str) -> None:
    res = read_layout(bad_dir / name)
    assert not res.ok and res.errors[0].code == code
    assert res.errors[0].kind == "terminal" and name in (res.errors[0].file or "")


def test_fake_bold_double_print_is_deduplicated() -> None:
    from extractors.readers.geometry import Char, dedupe_chars

    line = [Char("质", 10, 26, 100, 116), Char("质", 10.3, 26.3, 100.2, 116.2), Char("量", 26, 42, 100, 116),
            Char("质", 42, 58, 100, 116)]
    assert [c.text for c in dedupe_chars(line)] == ["质", "量", "质"], "a real repeat 16pt away stays"


@pytest.mark.parametrize("name", ["tianjin_2020_provincial.pdf", "suzhou_2020_municipal_fragments.pdf"])
def test_lean_pdf_objects_equal_pdfplumbers(raw_dir: Path, name: str) -> None:
    """The reader builds chars from pdfminer's layout without pdfplumber's dicts (and relies on
    pdfplumber internals for it); the chars and graphics must be exactly pdfplumber's."""
    import pdfplumber

    from extractors.readers.pdf_objects import load_page_objects

    with pdfplumber.open(raw_dir / name) as plain, pdfplumber.open(raw_dir / name) as lean:
        total = 0
        for p, q in zip(plain.pages, lean.pages, strict=True):
            chars = load_page_objects(q)
            total += len(chars)
            want = [(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"], c["fontname"])
                    for c in p.chars if c["text"]]
            assert [(c.text, c.x0, c.x1, c.top, c.bottom, c.size, c.font) for c in chars] == want
            assert q.chars == [] and (q.rects, q.lines, q.curves) == (p.rects, p.lines, p.curves)
            assert q.edges == p.edges
        assert total > 1000
