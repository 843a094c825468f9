"""The stitcher's small pure rules, each on its own."""

from __future__ import annotations

import pytest

from extractors.readers.geometry import Char
from extractors.readers.rulings import Segment, is_visible_graphic, is_white, open_band, reach
from extractors.structure.columns import extra_key, field_for, is_header_row, map_header
from extractors.structure.table_rows import strip_header_prefix, strip_one
from extractors.structure.tables import TableSettings, is_title_repeat, same_grid, table_activities
from schemas import Table, TableCell


@pytest.mark.parametrize(("header", "field"), [
    ("序  号", "seq"), ("类别", "category_raw"), ("项目", "content"), ("活动名称", "content"),
    ("活动内容", "content"), ("具体内容", "content"), ("主办单位", "organizers_lead"),
    ("承办单位", "organizers_lead"), ("牵头单位", "organizers_lead"), ("责任单位", "organizers_lead"),
    ("配合单位", "organizers_lead"), ("时间", "time"), ("活动时间", "time"), ("地点", "place"),
    ("备注", None), ("联系电话", None),
])
def test_a_lone_header_names_its_field(header: str, field: str | None) -> None:
    """Alone in a table, a name column is the content and an organizer column the lead."""
    assert field_for(header) == field


@pytest.mark.parametrize(("header", "key"), [("备 注", "备注"), ("说明", "备注"), ("参加对象", "对象"),
                                            ("联系电话", "联系电话"), ("经费来源", "经费来源")])
def test_extra_columns_keep_a_canonical_name(header: str, key: str) -> None:
    assert field_for(header) is None and extra_key(header) == key


def test_an_extra_column_before_the_content_does_not_take_it() -> None:
    assert map_header(["序号", "活动对象", "活动内容", "时间"]) == ["seq", None, "content", "time"]


def test_a_field_named_twice_keeps_its_first_column() -> None:
    assert map_header(["序号", "活动内容", "具体内容", "主办单位", "承办单位"]) == [
        "seq", "content", None, "organizers_lead", "organizers_co"]


def test_header_row_needs_names_and_no_values() -> None:
    assert is_header_row(["序号", "类别", "活动内容", "主办单位"])
    assert not is_header_row(["1", "宣传", "活动", "主办单位"]), "a 序号 number marks a data row"
    assert not is_header_row(["", "9月", "时间", "单位"]), "a date marks a data row"
    assert not is_header_row(["开展质量提升行动", "各区市场监管局"])


def test_strip_one_peels_a_wrapped_header() -> None:
    assert strip_one("序号\n24", "序号") == "24"
    assert strip_one("主办\n单位\n市局", "主办单位") == "市局"
    assert strip_one("主办单位", "主办单位") == ""
    assert strip_one("市局", "主办单位") is None


def test_strip_header_prefix_needs_most_columns_and_some_data() -> None:
    names = ["序号", "类别", "活动内容", "主办单位"]
    assert strip_header_prefix(["序号\n5", "类别", "活动内容\n开展检查", "主办单位\n市局"], names) == [
        "5", "", "开展检查", "市局"]
    assert strip_header_prefix(["序号", "类别", "活动内容", "主办单位"], names) is None, "a plain repeat"
    assert strip_header_prefix(["5", "", "序号开展检查", "市局"], names) is None


@pytest.mark.parametrize(("text", "ok"), [
    ("2021年质量月活动安排表", True), ("续表", True), ("（续）", True), ("2021年质量月活动安排表（续）", True),
    ("附件2", False), ("二、工作要求", False),
])
def test_title_repeat(text: str, ok: bool) -> None:
    assert is_title_repeat(text, {"2021年质量月活动安排表"}) is ok


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="width_tolerance"):
        TableSettings(width_tolerance=1.5)
    with pytest.raises(ValueError, match="max_header_rows"):
        TableSettings(max_header_rows=0)


def _table(widths: list[float]) -> Table:
    edges = [0.0]
    for w in widths:
        edges.append(edges[-1] + w)
    return Table(page=1, n_rows=0, n_cols=len(widths), cells=[], col_edges=edges)


def test_same_grid_compares_relative_widths() -> None:
    assert same_grid(_table([40, 100, 300]), _table([41, 98, 302]))
    assert same_grid(_table([40, 100, 300]), _table([20, 50, 150])), "scaled pages keep their grid"
    assert not same_grid(_table([40, 100, 300]), _table([100, 300, 40]))


@pytest.mark.parametrize(("color", "white"), [
    ((1, 1, 1), True), ([1.0], True), ((0, 0, 0, 0), True), ((0, 0, 0), False), ((0.5,), False),
    (None, False), ("pattern", False),
])
def test_white(color: object, white: bool) -> None:
    assert is_white(color) is white


def test_visible_graphics() -> None:
    assert not is_visible_graphic({"object_type": "line", "stroke": True, "stroking_color": (1, 1, 1)})
    assert is_visible_graphic({"object_type": "line", "stroke": True, "stroking_color": (0, 0, 0)})
    assert is_visible_graphic({"object_type": "rect", "stroke": False, "fill": True, "non_stroking_color": (0,)})
    assert not is_visible_graphic({"object_type": "rect", "stroke": False, "fill": True,
                                   "non_stroking_color": (1, 1, 1)})
    assert is_visible_graphic({"object_type": "char", "text": "质"})


def test_reach_follows_joined_rulings() -> None:
    segs = [Segment(10, 100, 200), Segment(10, 60, 101), Segment(10, 20, 40)]
    assert reach(segs, 10, 100, upward=True) == 60, "the break at 40-60 stops the ruling"
    assert reach(segs, 10, 200, upward=False) == 200


def test_open_band_below_the_last_ruling() -> None:
    xs = [0.0, 50.0, 100.0]
    segs = [Segment(0, 0, 130), Segment(100, 0, 130), Segment(50, 0, 130)]
    boxes = [(0.0, 0.0, 50.0, 100.0), (50.0, 0.0, 100.0, 100.0)]
    chars = [Char("质", 5, 15, 110, 120)]
    assert open_band((0, 0, 100, 100), xs, segs, chars, False, boxes) == [(0.0, 100.0, 50.0, 130.0),
                                                                           (50.0, 100.0, 100.0, 130.0)]
    assert open_band((0, 0, 100, 100), xs, segs, [], False, boxes) == [], "an empty band is no row"


def _cells(rows: list[list[str]], page: int, spans: dict[tuple[int, int], int] | None = None) -> list[TableCell]:
    cells, covered = [], set()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs = (spans or {}).get((r, c), 1)
            covered |= {(r + k, c) for k in range(1, rs)}
            cells.append(TableCell(row=r, col=c, row_span=rs, text=text, page=page))
    return cells


def test_blank_child_span_does_not_inherit_across_a_new_parent() -> None:
    """A new 类别 starts: a blank 项目 beside it is empty, not the previous category's project."""
    rows = [["序号", "类别", "项目", "活动内容"], ["1", "宣传", "开展宣传", "启动仪式"], ["2", "监管", "", "专项检查"],
            ["3", "", "", "抽查"]]
    t = Table(page=1, n_rows=4, n_cols=4, cells=_cells(rows, 1))
    acts = table_activities([t])
    assert [(a.category_raw, a.project) for a in acts] == [("宣传", "开展宣传"), ("监管", None), ("监管", None)]


def test_merged_seq_at_a_break_is_not_a_split_row() -> None:
    head = ["序号", "活动内容", "牵头单位"]
    t1 = Table(page=1, n_rows=3, n_cols=3, cells=_cells([head, ["1", "宣传周", "市局"], ["", "论坛", "市局"]], 1,
                                                         {(1, 0): 2}))
    t2 = Table(page=2, n_rows=2, n_cols=3, cells=_cells([head, ["", "讲座", "区局"]], 2))
    acts = table_activities([t1, t2])
    assert [a.content for a in acts] == ["宣传周", "论坛", "讲座"]


def test_printed_seq_with_punctuation_is_kept() -> None:
    rows = [["序号", "活动内容"], ["1.", "启动仪式"], ["（2）", "知识竞赛"], ["", "质量论坛"]]
    acts = table_activities([Table(page=1, n_rows=4, n_cols=2, cells=_cells(rows, 1))])
    assert [a.seq for a in acts] == [1, 2, 3], "a missing 序号 falls back to the position"
