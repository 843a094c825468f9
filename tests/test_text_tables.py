"""Tables with few or no rulings (horizontal rules only, or none) read from text alignment:
generated notices rendered by reportlab, compared with their truth by construction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors import read_layout
from extractors.readers.geometry import Char
from extractors.readers.text_columns import Seg, column_bounds, header_cells
from extractors.readers.text_rows import Band, blank_merges, row_bands
from extractors.structure.blocks import build_blocks
from extractors.structure.metadata import extract_meta
from extractors.structure.tables import table_activities
from schemas import Table
from tests.gen.tables_pdf import render_pdf
from tests.gen.tables_spec import make_notice, truth


def _n(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


@pytest.mark.parametrize("seed", [0, 4, 11, 14])  # dev seeds: borderless, hrules, hrules, borderless
def test_rules_only_and_borderless_tables_give_every_row(tmp_path: Path, seed: int) -> None:
    notice = make_notice(seed)
    assert notice.traits.rules in ("borderless", "hrules")
    pdf = render_pdf(notice, tmp_path / f"{notice.name}.pdf")
    res = read_layout(pdf)
    assert res.value is not None
    acts = table_activities(build_blocks(res.value))
    gold = truth(notice)["activities"]
    assert [a.seq for a in acts] == [g["seq"] for g in gold]
    assert [_n(a.content) for a in acts] == [_n(g["content"]) for g in gold]
    leads = sum(all(_n(x) in _n(a.organizers_raw) for x in g["lead"]) for a, g in zip(acts, gold, strict=True))
    assert leads >= 0.8 * len(gold)  # a label centred in a merged cell across a page break is still missed
    assert all(a.span.pages for a in acts)


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [Char(text=ch, x0=x + i * size, x1=x + (i + 1) * size, top=top, bottom=top + size, size=size)
            for i, ch in enumerate(text)]


def _seg(text: str, x: float, top: float) -> Seg:
    return Seg(x, x + 10 * len(text), top, top + 10, text)


def test_an_upper_header_cell_over_two_columns_is_their_parent() -> None:
    # 序号 | 内容 | 组织单位 over 牵头单位 / 配合单位; data text fills each column, white between columns
    data = [c for top in (60, 80, 100) for c in
            _chars("1", 5, top) + _chars("开展质量活动内容", 40, top) + _chars("甲局乙局", 150, top)
            + _chars("丙局丁局", 250, top)]
    segs = [_seg("序号", 0, 30), _seg("内容", 60, 30), _seg("组织单位", 200, 20), _seg("牵头单位", 150, 40),
            _seg("配合单位", 250, 40)]
    leaves, parents = header_cells(segs, data)
    assert [s.text for s in leaves] == ["序号", "内容", "牵头单位", "配合单位"]
    assert [p.text for p in parents] == ["组织单位"]
    xs = column_bounds(leaves, data, 0.0, 300.0)
    assert 15 <= xs[1] <= 40 and 120 <= xs[2] <= 150 and 190 <= xs[3] <= 250


def test_a_wrapped_header_over_its_own_column_is_not_a_parent() -> None:
    # 活动项目 (one line) between 类别 and 时间 wrapped over two lines: data under 活动项目 is text
    data = [c for top in (60, 80) for c in
            _chars("宣传", 0, top) + _chars("质量活动项目", 50, top) + _chars("九月", 130, top)]
    segs = [_seg("活动", 0, 20), _seg("类别", 0, 32), _seg("活动项目", 60, 20), _seg("时间", 130, 20),
            _seg("安排", 130, 32)]
    leaves, parents = header_cells(segs, data)
    assert parents == []
    assert [s.text for s in leaves] == ["活动\n类别", "活动项目", "时间\n安排"]


def _bands(*tops: float) -> list[Band]:
    return [Band(t, b, False, i == 0) for i, (t, b) in enumerate(zip(tops, tops[1:], strict=False))]


def test_blank_cells_join_the_label_above_or_the_label_centred_in_their_merged_cell() -> None:
    bands = _bands(0, 20, 40, 60, 80, 100, 120)  # six rows of 20 pt
    # labels printed at the top of their merged cells: rows 0-2 and 3-5
    assert blank_merges(bands, [(2, 12), (62, 72)], centred=False) == {1, 2, 4, 5}
    # centred: a label in the middle of rows 0-3 (centre 40), one in the middle of rows 4-5 (centre 100)
    assert blank_merges(bands, [(35, 45), (95, 105)], centred=True) == {1, 2, 3, 5}


def _row(top: float, cells: list[tuple[str, float]], digit_drop: float = 0.0) -> list[list[Char]]:
    """One line per cell; a digit's box sits ``digit_drop`` lower than the Chinese beside it (OCR)."""
    return [_chars(t, x, top + (digit_drop if t.isdigit() else 0.0)) for t, x in cells]


def test_rows_begin_where_the_columns_agree_when_a_recogniser_drops_the_number() -> None:
    """A borderless table anchored on 序号: row 3's digit is lost (a recogniser drops lone digits),
    the other columns still start level there, so row 3 is a row of its own; and a row's cut lies
    above its first lines' highest top, not only above the digit's lower box."""
    xs = [0.0, 30.0, 200.0, 300.0, 400.0]
    data: list[list[Char]] = []
    for n, top in ((1, 100.0), (2, 150.0), (3, 200.0), (4, 250.0)):
        cells = [("开展质量宣传活动", 40.0), ("九月上旬", 210.0), ("市场监管局", 310.0)]
        data += _row(top, ([(str(n), 5.0)] if n != 3 else []) + cells, digit_drop=3.0)
    bands, _blocks = row_bands(data, xs, 0, [], 95.0, 290.0, 10.0)
    assert len(bands) == 4
    assert all(b.top < t for b, t in zip(bands[1:], (150.0, 200.0, 250.0), strict=True))


def test_a_group_label_from_the_first_column_is_a_row_across_though_white_splits_it() -> None:
    """一、群众性质量活动 printed from the 编号 column on, the white after 群众 (a recogniser's box gap)
    right at the column boundary, so no run crosses it: alone at its height and opened by an
    ordinal, it is a row across the table, not a row with 一、群众 as its number."""
    xs = [0.0, 44.0, 200.0, 300.0]
    data = [_chars("一、群众", 2.0, 100.0) + _chars("性质量活动", 47.0, 100.0)]
    data += _row(130.0, [("1", 5.0), ("开展质量宣传活动", 50.0), ("市场监管局", 210.0)])
    data += _row(160.0, [("2", 5.0), ("开展质量宣传活动", 50.0), ("市场监管局", 210.0)])
    bands, _blocks = row_bands(data, xs, 0, [], 95.0, 180.0, 10.0)
    assert [b.across for b in bands] == [True, False, False]


def test_a_title_and_table_notice_gets_its_title_and_year(tmp_path: Path) -> None:
    seed = next(s for s in range(60) if make_notice(s).traits.title_only and make_notice(s).traits.rules != "full")
    notice = make_notice(seed)
    res = read_layout(render_pdf(notice, tmp_path / f"{notice.name}.pdf"))
    assert res.value is not None
    meta = extract_meta([b for b in build_blocks(res.value) if not isinstance(b, Table)])
    assert meta.title == notice.title and meta.year == notice.year


def test_a_ruled_cell_of_a_scan_or_ofd_joins_the_lines_wrapped_at_its_edge() -> None:
    """Geometric readers other than the PDF one (scans, OFD) place chars in ruled grids too: a line
    filled to the cell's edge goes on in the next line (人力资源和社 / 会保障局 is one name), a
    line that ends short of it keeps its break, as in the PDF reader."""
    from extractors.readers.grid import Grid, GridCell
    from extractors.readers.placed import place_items
    from schemas import BBox

    cell = GridCell(0, 0, 1, 1, BBox(x0=0.0, top=0.0, x1=96.0, bottom=60.0))
    grid = Grid(xs=[0.0, 96.0], ys=[0.0, 60.0], cells=[cell])
    chars = _chars("大连市人力资源和社", 3.0, 5.0) + _chars("会保障局", 3.0, 20.0) + _chars("大连市公安局", 3.0, 35.0)
    table = next(i for i in place_items(chars, [grid], 1) if isinstance(i, Table))
    assert table.cells[0].text == "大连市人力资源和社会保障局\n大连市公安局"
