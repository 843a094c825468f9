"""OFD reader: glyph positions from TextCode/DeltaX, template pages, ruled tables from PathObjects."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors import read_layout
from extractors.readers.grid import Segment, find_grids
from extractors.readers.ofd import expand_deltas
from schemas import Table, TextLine

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _text(id_: int, x: float, y: float, text: str, size: float = 4.0) -> str:
    return (f'<ofd:TextObject ID="{id_}" Font="1" Size="{size}" Boundary="{x} {y} 100 {size}">'
            f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {len(text) - 1} {size}">{text}</ofd:TextCode></ofd:TextObject>')


def _line(id_: int, x0: float, y0: float, x1: float, y1: float) -> str:
    return (f'<ofd:PathObject ID="{id_}" Boundary="0 0 210 297" LineWidth="0.3">'
            f'<ofd:AbbreviatedData>M {x0} {y0} L {x1} {y1}</ofd:AbbreviatedData></ofd:PathObject>')


def make_ofd(path: Path) -> Path:
    """A one-page OFD: a template header, a paragraph and a 3x2 ruled table whose first column
    is merged over the two body rows."""
    rulings = [_line(100 + i, 20, y, 120, y) for i, y in enumerate((100, 110, 130, 150))]
    rulings += [_line(110, 20, 100, 20, 150), _line(111, 70, 100, 70, 150), _line(112, 120, 100, 120, 150)]
    rulings[2] = _line(102, 70, 130, 120, 130)  # no ruling under the merged cell of column 0
    body = "".join([_text(10, 20, 40, "一、活动主题"), _text(11, 22, 102, "类别"), _text(12, 72, 102, "活动名称"),
                    _text(13, 22, 122, "宣传"), _text(14, 72, 112, "启动仪式"), _text(15, 72, 132, "开放日"),
                    *rulings])
    page = (f'<?xml version="1.0"?><ofd:Page {NS}><ofd:Template TemplateID="9"/><ofd:Content>'
            f'<ofd:Layer ID="2">{body}</ofd:Layer></ofd:Content></ofd:Page>')
    template = (f'<?xml version="1.0"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="3">'
                f'{_text(20, 20, 15, "苏州市质量发展委员会")}</ofd:Layer></ofd:Content></ofd:Page>')
    document = (f'<?xml version="1.0"?><ofd:Document {NS}><ofd:CommonData><ofd:PageArea>'
                f'<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml'
                f'</ofd:PublicRes><ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                f'<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
    res = (f'<?xml version="1.0"?><ofd:Res {NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="SimSun"/>'
           f'</ofd:Fonts></ofd:Res>')
    root = f'<?xml version="1.0"?><ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("OFD.xml", root)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/PublicRes.xml", res)
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", page)
        zf.writestr("Doc_0/Tpls/Tpl_0/Content.xml", template)
    return path


def test_synthetic_ofd_lines_template_and_ruled_table(tmp_path: Path) -> None:
    res = read_layout(make_ofd(tmp_path / "notice.ofd"))
    assert res.ok and res.value is not None, res.errors
    page = res.value.pages[0]
    lines = [i for i in page.items if isinstance(i, TextLine)]
    assert [ln.text for ln in lines] == ["苏州市质量发展委员会", "一、活动主题"]
    assert lines[1].bbox is not None and abs(lines[1].bbox.x0 - 20 * 72 / 25.4) < 0.01  # mm → pt
    table = next(i for i in page.items if isinstance(i, Table))
    assert (table.n_rows, table.n_cols) == (3, 2)
    grid = table.grid()
    assert grid[1][0] is grid[2][0] and grid[1][0] is not None and grid[1][0].text == "宣传"
    assert grid[1][0].row_span == 2 and grid[2][1] is not None and grid[2][1].text == "开放日"


def test_delta_x_repeat_groups() -> None:
    assert expand_deltas("g 3 2.5 1 g 2 4", 10) == [2.5, 2.5, 2.5, 1.0, 4.0, 4.0]
    assert expand_deltas("1 2 3", 2) == [1.0, 2.0]
    assert expand_deltas(None, 3) == []


def test_grid_from_segments_merges_unruled_slots() -> None:
    segs = [Segment(0, y, 100, y) for y in (0, 20, 40)] + [Segment(x, 0, x, 40) for x in (0, 100)]
    segs.append(Segment(50, 0, 50, 20))  # the middle ruling stops after the first row
    (grid,) = find_grids(segs)
    spans = sorted((c.row, c.col, c.row_span, c.col_span) for c in grid.cells)
    assert spans == [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 2)]


def test_corpus_ofd_reads_like_its_pdf_twin(raw_dir: Path) -> None:
    ofd = read_layout(raw_dir / "xiangcheng_2017_district.ofd")
    pdf = read_layout(raw_dir / "xiangcheng_2017_district.pdf")
    assert ofd.ok and ofd.value is not None and pdf.value is not None
    assert len(ofd.value.pages) == len(pdf.value.pages) == 10

    def text(doc: object) -> str:
        return "".join(i.text for p in doc.pages for i in p.lines).replace(" ", "")  # type: ignore[attr-defined]

    assert text(ofd.value) == text(pdf.value)
    assert any(ln.text == "— 3 —" for ln in ofd.value.pages[2].lines), "split runs sharing a Boundary continue"
