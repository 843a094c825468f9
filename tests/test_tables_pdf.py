"""Table-stitching traps on small synthetic PDFs (reportlab), one test per trap.

Each PDF is read by the real PDF reader and goes through the real block builder and
stitcher, so a failure names the trap that regressed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import read_layout
from extractors.structure.blocks import build_blocks
from extractors.structure.tables import table_activities
from schemas import Activity, Table
from tests.synth_tables import UP, PdfPage, make_pdf

pytest.importorskip("reportlab")

H = ["序号", "类别", "项目", "活动内容", "责任单位", "时间"]
W = [40.0, 70.0, 110.0, 260.0, 140.0, 80.0]
TITLE = "2021年“质量月”重点活动安排表"


def _read(tmp_path: Path, pages: list[PdfPage], widths: list[float] | None = None) -> list[Activity]:
    path = make_pdf(tmp_path / "t.pdf", pages, widths or W)
    res = read_layout(path)
    assert res.ok and res.value is not None
    return table_activities(build_blocks(res.value))


def _page1(**kw: object) -> PdfPage:
    return PdfPage(title=TITLE, header=H, rows=[
        ["1", "质量宣传", "营造质量氛围\n普及质量知识", "举办质量月启动仪式", "市质监局", "9月1日"],
        ["2", UP, UP, "开展质量知识竞赛", "市总工会", "9月"],
        ["3", UP, "树立质量标杆", "发布质量标杆企业", "市经信委", "9月中旬"],
    ], **kw)  # type: ignore[arg-type]


def _page2_rows() -> list[list[str]]:
    return [["4", "", "", "组织质量奖评审", "市质量办", "9月"],
            ["5", "质量监管", "强化执法检查", "开展电梯安全专项检查", "市质监局", "全月"]]


def _contents(acts: list[Activity]) -> list[str]:
    return [a.content for a in acts]


@pytest.mark.parametrize(("header", "title"), [(True, True), (True, False), (False, True), (False, False)])
def test_continuation_with_or_without_repeated_header_and_title(tmp_path: Path, header: bool, title: bool) -> None:
    p2 = PdfPage(title=TITLE if title else None, header=H if header else None, rows=_page2_rows())
    acts = _read(tmp_path, [_page1(), p2])
    assert [a.seq for a in acts] == [1, 2, 3, 4, 5], "header rows and titles are never activities"
    assert acts[3].category_raw == "质量宣传" and acts[3].project == "树立质量标杆", \
        "blank span cells at the top of a page take the span from the page before"
    assert acts[4].category_raw == "质量监管" and acts[4].span.pages == [2]


@pytest.mark.parametrize("valign", ["top", "middle"])
def test_span_text_at_top_or_vertically_centred(tmp_path: Path, valign: str) -> None:
    acts = _read(tmp_path, [_page1(valign=valign)])
    assert [a.category_raw for a in acts] == ["质量宣传"] * 3
    assert [a.project for a in acts] == ["营造质量氛围\n普及质量知识"] * 2 + ["树立质量标杆"]


def test_wrapped_lines_inside_a_cell_are_joined(tmp_path: Path) -> None:
    page = PdfPage(header=H, rows=[["1", "宣传", "宣传", "开展“质量月”\n主题宣传活动", "市质监局、\n市总工会", "9月"]])
    acts = _read(tmp_path, [page])
    assert len(acts) == 1
    assert acts[0].content == "开展“质量月”主题宣传活动" and acts[0].organizers_raw == "市质监局、市总工会"


def test_invisible_white_lines_do_not_split_wrapped_cells(tmp_path: Path) -> None:
    page = PdfPage(header=H, white_lines=True, rows=[
        ["1", "宣传", "宣传", "开展“质量月”\n主题宣传活动", "市质监局", "9月"],
        ["2", UP, UP, "举办质量论坛\n和成果发布会", "市质量协会", "9月"]])
    acts = _read(tmp_path, [page])
    assert _contents(acts) == ["开展“质量月”主题宣传活动", "举办质量论坛和成果发布会"]


def test_row_split_by_page_break_is_joined(tmp_path: Path) -> None:
    p1 = _page1()
    p1.rows.append(["4", UP, UP, "开展质量管理小组", "市总", "9月"])
    p2 = PdfPage(header=H, rows=[["", "", "", "成果发表活动", "工会", ""]] + _page2_rows()[1:])
    acts = _read(tmp_path, [p1, p2])
    assert [a.seq for a in acts] == [1, 2, 3, 4, 5]
    assert acts[3].content == "开展质量管理小组成果发表活动" and acts[3].organizers_raw == "市总工会"
    assert acts[3].span.pages == [1, 2], "provenance keeps both pages of a split row"


def test_open_row_at_the_break_stays_in_the_table(tmp_path: Path) -> None:
    """No ruling closes the split row on page 1 nor opens it on page 2: its text is still a table cell."""
    p1 = _page1(open_bottom=True)
    p1.rows.append(["4", UP, UP, "开展质量管理小组", "市总", "9月"])
    p2 = PdfPage(open_top=True, rows=[["", "", "", "成果发表活动", "工会", ""]] + _page2_rows()[1:])
    acts = _read(tmp_path, [p1, p2])
    assert [a.seq for a in acts] == [1, 2, 3, 4, 5]
    assert acts[3].content == "开展质量管理小组成果发表活动"


def test_span_text_split_by_the_page_break_is_joined(tmp_path: Path) -> None:
    """A two-line 项目 span crossing the break shows one line on each page."""
    p1 = _page1()
    p1.rows.append(["4", UP, "树立优秀标杆", "发布标杆名单", "市质量办", "9月"])
    p2 = PdfPage(header=H, rows=[["5", "", "组织奖项评选", "组织质量奖评审", "市质量办", "9月"],
                                 ["6", UP, UP, "开展标杆学习", "市质量办", "9月"],
                                 ["7", "质量监管", "强化执法检查\n守住安全底线", "开展电梯安全专项检查", "市质监局", "全月"]])
    p1.rows[2][2] = "树立质量标杆\n发布标杆企业"
    acts = _read(tmp_path, [p1, p2])
    assert [a.project for a in acts[3:6]] == ["树立优秀标杆\n组织奖项评选"] * 3
    assert acts[6].project == "强化执法检查\n守住安全底线"


def test_new_span_at_top_of_page_is_not_joined(tmp_path: Path) -> None:
    p2 = PdfPage(header=H, rows=[["4", "", "开展质量提升", "组织质量奖评审", "市质量办", "9月"]])
    acts = _read(tmp_path, [_page1(), p2])
    assert acts[3].project == "开展质量提升" and acts[3].category_raw == "质量宣传"


def test_header_fused_with_first_data_row(tmp_path: Path) -> None:
    """The repeated header drawn without its bottom line: '序号\\n4' in one cell."""
    p2 = PdfPage(header=H, header_bottom_line=False, rows=_page2_rows())
    acts = _read(tmp_path, [_page1(), p2])
    assert [a.seq for a in acts] == [1, 2, 3, 4, 5]
    assert acts[3].content == "组织质量奖评审" and acts[3].organizers_raw == "市质量办"
    assert acts[3].category_raw == "质量宣传"


def test_blank_span_cell_absorbed_into_the_header_cell(tmp_path: Path) -> None:
    """No ruling between the header's 类别/项目 and the blank cells below: they still carry the span."""
    p2 = PdfPage(header=H, header_open_cols={1, 2}, rows=[["4", "", "", "组织质量奖评审", "市质量办", "9月"],
                                                          ["5", UP, UP, "开展标杆学习", "市质量办", "9月"]])
    acts = _read(tmp_path, [_page1(), p2])
    assert [a.category_raw for a in acts[3:]] == ["质量宣传", "质量宣传"]
    assert [a.project for a in acts[3:]] == ["树立质量标杆", "树立质量标杆"]


def test_two_tables_with_the_same_column_count_are_not_merged(tmp_path: Path) -> None:
    other = ["序号", "单位名称", "联系人", "联系电话", "电子邮箱", "地址"]
    p2 = PdfPage(title="附件2", text_before=["质量月活动联系人名单"], header=other,
                 rows=[["1", "市质监局", "张三", "0512-1234", "a@b.cn", "人民路1号"]])
    acts = _read(tmp_path, [_page1(), p2])
    assert len(acts) == 3 and "张三" not in " ".join(a.content for a in acts)


def test_headerless_table_after_other_text_is_not_a_continuation(tmp_path: Path) -> None:
    p2 = PdfPage(title="附件2 质量月活动联系人名单", rows=[["1", "市质监局", "张三", "0512-1234", "a@b.cn", "人民路1号"]])
    acts = _read(tmp_path, [_page1(), p2])
    assert len(acts) == 3


def test_unknown_columns_go_to_extra_and_synonyms_map(tmp_path: Path) -> None:
    head = ["编号", "活动名称", "主办单位", "配合单位", "活动地点", "备注"]
    page = PdfPage(header=head, rows=[["1", "质量开放日", "市计量所", "各区局", "市民广场", "免费"]])
    acts = _read(tmp_path, [page], [40, 200, 120, 120, 100, 80])
    a = acts[0]
    assert (a.seq, a.content, a.place) == (1, "质量开放日", "市民广场")
    assert a.organizers_raw == "市计量所；配合各区局"
    assert a.extra == {"备注": "免费"}


def test_provenance_bbox_is_the_row_band(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "t.pdf", [_page1()], W)
    res = read_layout(path)
    assert res.value is not None
    table = next(i for i in res.value.pages[0].items if isinstance(i, Table))
    acts = table_activities(build_blocks(res.value))
    boxes = [a.span.bbox for a in acts]
    assert all(b is not None for b in boxes)
    assert table.bbox is not None
    tops = [b.top for b in boxes if b is not None]
    assert tops == sorted(tops) and len(set(tops)) == 3, "one band per row, top to bottom"
    assert all(b is not None and b.bottom - b.top < 40 for b in boxes), "a row's box is not its spans' box"


def test_span_text_printed_only_after_the_break(tmp_path: Path) -> None:
    """A new 类别 starts in the last rows of page 1 with its (centred) text landing on page 2."""
    p1 = _page1()
    p1.rows += [["4", "", "", "开展电梯安全专项检查", "市质监局", "全月"], ["5", UP, UP, "开展产品抽查", "市质监局", "9月"]]
    p2 = PdfPage(header=H, rows=[["6", "质量监管", "强化执法检查", "开展执法检查", "市质监局", "9月"],
                                 ["7", UP, UP, "开展专项整治", "市质监局", "9月"]])
    acts = _read(tmp_path, [p1, p2])
    assert [a.category_raw for a in acts] == ["质量宣传"] * 3 + ["质量监管"] * 4
    assert [a.project for a in acts[3:]] == ["强化执法检查"] * 4


def test_blank_cell_below_text_keeps_the_span_when_the_next_page_repeats_it(tmp_path: Path) -> None:
    p1 = _page1()
    p1.rows += [["4", "", "", "开展质量讲座", "市质监局", "9月"]]
    p2 = PdfPage(header=H, rows=[["5", "质量宣传", "树立质量标杆", "发布名单", "市质监局", "9月"],
                                 ["6", "质量监管", "强化执法检查", "开展专项整治", "市质监局", "9月"]])
    acts = _read(tmp_path, [p1, p2])
    assert [a.category_raw for a in acts] == ["质量宣传"] * 5 + ["质量监管"]
    assert [a.project for a in acts[3:5]] == ["树立质量标杆"] * 2
