"""Structure parsers on small synthetic layouts: markers, outline, tables, metadata."""

from __future__ import annotations

import pytest

from extractors.structure.blocks import Block, is_page_number
from extractors.structure.outline import build_outline
from extractors.structure.tables import table_activities
from rules.dates import parse_date
from rules.docnumbers import find_doc_numbers
from rules.markers import parse_marker
from rules.numerals import cn_to_int
from schemas import Table, TableCell


def blk(text: str, page: int = 1) -> Block:
    return Block(text=text, pages=[page])

@pytest.mark.parametrize(("text", "label", "kind"), [
    ("一、指导思想", "一", "cn_dun"),
    ("（十三） 提升服务", "（十三）", "cn_paren"),
    ("(三十五)加大检测", "（三十五）", "cn_paren"),
    ("1.开展宣传", "1", "arabic_dot"),
    ("12、推动攻关", "12", "arabic_dot"),
    ("2.2020年全国“质量月”活动口号", "2", "arabic_dot"),
    ("3．强化阵地", "3", "arabic_dot"),
    ("（2）组织培训", "（2）", "arabic_paren"),
    ("①开展", "①", "circled"),
    ("⑵开展", "（2）", "paren_digit"),
    ("第三条 工作要求", "第三条", "article"),
])
def test_markers(text: str, label: str, kind: str) -> None:
    m = parse_marker(text)
    assert m is not None and m.label == label and m.kind == kind

@pytest.mark.parametrize("text", ["2020年9月", "1.5亿元", "2、3个部门联合", "一是加强领导", "2020.5"])
def test_false_markers(text: str) -> None:
    m = parse_marker(text)
    assert m is None

def test_chinese_numerals() -> None:
    assert [cn_to_int(s) for s in ("一", "十", "十三", "二十", "六十六", "九十九")] == [1, 10, 13, 20, 66, 99]

def test_outline_depth_and_paths() -> None:
    items = build_outline([blk("一、主要活动"), blk("（一）开展宣传。内容一。"), blk("1.举办论坛。详情。"),
                           blk("正文续段。"), blk("2.发布榜单"), blk("（二）强化监管"), blk("二、有关要求")])
    assert [(o.path, o.depth) for o in items] == [
        ("一", 1), ("一/（一）", 2), ("一/（一）/1", 3), ("一/（一）/2", 3), ("一/（二）", 2), ("二", 1)]
    assert items[1].heading == "开展宣传" and items[1].text == "开展宣传。内容一。"
    assert items[2].body == "正文续段。"

def test_page_numbers() -> None:
    assert all(is_page_number(t) for t in ["— 5 —", "－5－", "- 12 -", "第5页 共9页", "3"])
    assert not is_page_number("2020年8月24日")

def test_doc_numbers_and_dates() -> None:
    assert find_doc_numbers("（国市监质〔2020〕133 号）和苏质委办[2020]13号，中机质协【2020】 10号") == [
        "国市监质〔2020〕133号", "苏质委办〔2020〕13号", "中机质协〔2020〕10号"]
    assert parse_date("2017 年 7月 3 日") == "2017-07-03"
    assert parse_date("二〇二〇年八月十四日") == "2020-08-14"

def _cell(r: int, c: int, text: str, page: int, rs: int = 1) -> TableCell:
    return TableCell(row=r, col=c, row_span=rs, text=text, page=page)

HEADER = ["序号", "类别", "具体内容", "主办单位"]

def _fragment(page: int, rows: list[list[str]], header: bool, spans: dict[tuple[int, int], int] | None = None) -> Table:
    cells: list[TableCell] = []
    body = ([HEADER] if header else []) + rows
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs = (spans or {}).get((r, c), 1)
            covered |= {(r + k, c) for k in range(1, rs)}
            cells.append(_cell(r, c, text, page, rs))
    return Table(page=page, n_rows=len(body), n_cols=4, cells=cells)

def test_stitch_repeated_header_span_carry_and_split_row() -> None:
    t1 = _fragment(1, [["1", "宣传", "开展宣传", "市局"], ["2", "", "举办论坛", "市局"]], True, {(1, 1): 2})
    t2 = _fragment(2, [["", "", "（续）内容", ""], ["3", "", "发布榜单", "区局"]], True)
    acts = table_activities([t1, blk("重点活动安排表", 2), t2])
    assert [a.seq for a in acts] == [1, 2, 3]
    assert acts[1].content == "举办论坛（续）内容", "a row split by the page break is joined"
    assert acts[2].category_raw == "宣传", "blank span cells on a continuation inherit the span"
    assert all(a.source == "table" for a in acts)

def test_off_topic_needs_no_campaign_words_and_few_quality_terms() -> None:
    from extractors.structure.parse import is_off_topic

    assert not is_off_topic("关于开展2012年全市“质量月”活动的通知一、活动主题全面加强质量管理")
    assert not is_off_topic("关于印发2019年全县质量强县工作要点的通知")
    assert not is_off_topic("加强计量监督，开展产品质量抽查和标准宣贯")
    assert is_off_topic("Annual report of the board of directors, fiscal year 2019")
    assert is_off_topic("关于做好2019年植树节义务植树活动的通知")
