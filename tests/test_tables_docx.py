"""Table-stitching traps on small synthetic DOCX files (python-docx), one test per trap."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement

from extractors import read_layout
from extractors.structure.blocks import build_blocks
from extractors.structure.tables import table_activities
from schemas import Activity, Table
from tests.synth_tables import LEFT, UP, make_docx

H = ["序号", "类别", "活动内容", "牵头单位", "时间"]
TITLE = "2019年全市“质量月”活动安排"
T1 = [H, ["1", "宣传", "举办启动仪式", "市市场监管局", "9月2日"],
      ["2", UP, "开展质量\n知识竞赛", "市总工会", "9月"]]


def _acts(path: Path) -> list[Activity]:
    res = read_layout(path)
    assert res.ok and res.value is not None
    return table_activities(build_blocks(res.value))


def _tables(path: Path) -> list[Table]:
    res = read_layout(path)
    assert res.value is not None
    return [i for p in res.value.pages for i in p.items if isinstance(i, Table)]


def test_vmerge_span_and_wrapped_paragraphs(tmp_path: Path) -> None:
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True)]))
    assert [a.category_raw for a in acts] == ["宣传", "宣传"]
    assert acts[1].content == "开展质量知识竞赛", "paragraphs inside a cell are wrapped lines"


def test_tblheader_rows_are_flagged(tmp_path: Path) -> None:
    tables = _tables(make_docx(tmp_path / "a.docx", [(TITLE, T1, True)]))
    assert [c.is_header for c in tables[0].cells if c.row == 0] == [True] * 5
    assert not any(c.is_header for c in tables[0].cells if c.row > 0)


def test_physical_tables_with_repeated_title_and_header_are_one_table(tmp_path: Path) -> None:
    t2 = [H, ["3", "", "发布质量榜单", "市质量办", "9月"], ["4", "监管", "开展专项检查", "市市场监管局", "全月"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True), (TITLE, t2, True)]))
    assert [a.seq for a in acts] == [1, 2, 3, 4]
    assert [a.category_raw for a in acts] == ["宣传", "宣传", "宣传", "监管"]
    assert acts[2].span.pages == [2], "the page break before the second table counts"


def test_physical_continuation_without_header(tmp_path: Path) -> None:
    t2 = [["3", "", "发布质量榜单", "市质量办", "9月"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True), (TITLE + "（续）", t2, False)]))
    assert [(a.seq, a.category_raw) for a in acts] == [(1, "宣传"), (2, "宣传"), (3, "宣传")]


def test_vmerge_continue_at_top_of_next_physical_table(tmp_path: Path) -> None:
    t2 = [H, ["3", "", "发布质量榜单", "市质量办", "9月"]]
    path = make_docx(tmp_path / "a.docx", [(TITLE, T1, True), (None, t2, True)])
    d = docx.Document(str(path))
    cell = d.tables[1].cell(1, 1)
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:vMerge"))
    d.save(str(path))
    assert any(c.continues for c in _tables(path)[1].cells)
    acts = _acts(path)
    assert acts[2].category_raw == "宣传"


def test_split_row_across_physical_tables_is_joined(tmp_path: Path) -> None:
    t2 = [H, ["", "", "成果发表会", "", ""], ["3", "", "发布质量榜单", "市质量办", "9月"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True), (TITLE, t2, True)]))
    assert [a.seq for a in acts] == [1, 2, 3]
    assert acts[1].content == "开展质量知识竞赛成果发表会"


def test_two_level_header_with_gridspan(tmp_path: Path) -> None:
    rows = [["序号", "活动内容", "组织单位", LEFT, "时间"],
            [UP, UP, "牵头单位", "配合单位", UP],
            ["1", "开展计量服务进企业", "市计量所", "各区局", "9月"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, rows, True)], header_rows=2))
    assert len(acts) == 1
    assert acts[0].organizers_raw == "市计量所；配合各区局" and acts[0].time == "9月"


def test_different_tables_are_not_merged(tmp_path: Path) -> None:
    other = [["序号", "单位", "联系人", "电话", "邮箱"], ["1", "市质量办", "李四", "0512-1", "x@y.cn"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True), ("附件2 联系人名单", other, True)]))
    assert len(acts) == 2


def test_headerless_table_after_other_text_is_not_merged(tmp_path: Path) -> None:
    other = [["1", "市质量办", "李四", "0512-1", "x@y.cn"]]
    acts = _acts(make_docx(tmp_path / "a.docx", [(TITLE, T1, True), ("附件2 联系人名单", other, False)]))
    assert len(acts) == 2
