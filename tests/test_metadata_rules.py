"""Metadata and line-joining rules on variants written for them (other cities, years, layouts)."""

from __future__ import annotations

import pytest

from extractors.structure.blocks import Block, build_blocks
from extractors.structure.metadata import extract_meta, find_title, is_date_line, is_org_line
from extractors.structure.outline import build_outline
from rules.dates import parse_date
from schemas import BBox, LayoutDocument, Page, SourceFormat, SourceInfo, TextLine


def blk(text: str, size: float = 16.0, bold: bool = False) -> Block:
    return Block(text=text, pages=[1], font_size=size, bold=bold)


def meta_of(*texts: str):  # type: ignore[no-untyped-def]
    blocks = [blk(t) for t in texts]
    return extract_meta(blocks, build_outline(blocks))


def test_title_wrapped_over_two_lines_of_the_title_font() -> None:
    blocks = [blk("某市市场监督管理局文件", 30, True), blk("某市监〔2019〕12号"),
              blk("关于开展2019年全市“质量月”", 22, True), blk("活动的通知", 22, True), blk("各区局：")] + [blk("正文。")] * 5
    assert find_title(blocks) == "关于开展2019年全市“质量月”活动的通知"


def test_title_split_after_a_word_that_ends_titles() -> None:
    blocks = [blk("关于印发2018年“质量月”活动", 22, True), blk("方案的通知", 22, True), blk("各县：")] + [blk("正文。")] * 5
    assert find_title(blocks) == "关于印发2018年“质量月”活动方案的通知"


def test_title_from_the_cover_letter_when_absent() -> None:
    blocks = [blk("某政办〔2018〕5号"), blk("各乡镇人民政府：", 16),
              blk("《某县质量提升工作2018年实施方案》已经县政府同意，现印发给你们。"), blk("一、总体要求")]
    assert find_title(blocks) == "某县质量提升工作2018年实施方案"


def test_masthead_is_not_the_title() -> None:
    blocks = [blk("某省质量技术监督局文", 30, True), blk("件", 30, True), blk("某质监〔2012〕3号"),
              blk("关于开展2012年“质量月”活动的通知", 22, True)]
    assert find_title(blocks) == "关于开展2012年“质量月”活动的通知"


@pytest.mark.parametrize(("text", "iso"), [
    ("2019年9月2日", "2019-09-02"), ("2017 年 7月 3 日", "2017-07-03"), ("二〇一九年九月二十日", "2019-09-20"),
    ("二〇一五年十月八日（此件公开发布）", "2015-10-08"),
])
def test_date_lines(text: str, iso: str) -> None:
    assert is_date_line(text) and parse_date(text) == iso


@pytest.mark.parametrize("text", ["某市市场监管局办公室 2020年8月24日印发", "2020年9月1日上午在市民广场举行启动仪式。"])
def test_not_date_lines(text: str) -> None:
    assert not is_date_line(text)


def test_signature_above_the_date_split_per_body() -> None:
    meta = meta_of("关于开展2016年“质量月”活动的通知", "一、活动主题", "质量提升。", "某省质量技术监督局  某省总工会",
                   "共青团某省委员会", "2016年8月30日", "某省质监局办公室 2016年8月31日印发")
    assert meta.issuers_raw == ["某省质量技术监督局", "某省总工会", "共青团某省委员会"]
    assert meta.date == "2016-08-30" and meta.year == 2016 and meta.theme == "质量提升"


def test_signature_without_a_date_after_the_body() -> None:
    meta = meta_of("关于开展2011年全省“质量月”活动的通知", "一、工作要求", "（一）加强领导。要求。",
                   "附件：2011年宣传口号。", "某省质量技术监督局 某省经济和信息化委员会", "某省总工会")
    assert meta.issuers_raw == ["某省质量技术监督局", "某省经济和信息化委员会", "某省总工会"]
    assert meta.date is None and meta.year == 2011


def test_issuer_abbreviation_from_the_doc_number_when_unsigned() -> None:
    meta = meta_of("某电协[2021] 4号", "关于开展2021年行业“质量月”活动的通知", "各会员单位：", "一、开展交流活动")
    assert meta.doc_number == "某电协〔2021〕4号" and meta.issuers_raw == ["某电协"]


def test_doc_number_glued_to_the_salutation_and_references() -> None:
    meta = meta_of("某政办【2019】 21号各镇人民政府：", "根据《关于…的通知》（某政发〔2019〕3号）精神，制定本方案。")
    assert meta.doc_number == "某政办〔2019〕21号" and meta.references == ["某政发〔2019〕3号"]


def test_inline_theme_and_year_from_the_title() -> None:
    meta = meta_of("2018年某市“质量月”活动方案", "今年“质量月”活动的主题是：“提升质量 建设强市”。", "2019年1月5日")
    assert meta.theme == "提升质量 建设强市" and meta.year == 2018


def test_org_lines() -> None:
    assert is_org_line("市场监管总局 中央宣传部 国家发展改革委 人民银行 海关总署")
    assert not is_org_line("各市、县（区）市场监督管理局：")
    assert not is_org_line("联系人：张三")


# --- line joining on geometric layouts ----------------------------------------------------

def _line(text: str, x0: float, x1: float, top: float, page: int = 1) -> TextLine:
    return TextLine(text=text, page=page, bbox=BBox(x0=x0, top=top, x1=x1, bottom=top + 16), font_size=16.0)


def _doc(pages: list[list[TextLine]]) -> LayoutDocument:
    src = SourceInfo(path="x.pdf", name="x.pdf", sha256="0", size=1, format=SourceFormat.PDF)
    return LayoutDocument(source=src, extractor="test", pages=[Page(number=i + 1, items=list(p))
                                                             for i, p in enumerate(pages)])


def _texts(doc: LayoutDocument) -> list[str]:
    return [b.text for b in build_blocks(doc) if isinstance(b, Block)]


def test_heading_then_indented_line_across_a_page_break() -> None:
    page1 = [_line("正文第一行文字很长很长很长很长", 112, 512, 100), _line("接续文字。", 80, 200, 130),
             _line("六、策划质量规划纲要", 112, 460, 160), _line("—5—", 281, 320, 790)]
    page2 = [_line("主要内容：开展调研，形成", 112, 512, 100), _line("规划纲要。", 80, 200, 130)]
    assert _texts(_doc([page1, page2])) == ["正文第一行文字很长很长很长很长接续文字。", "六、策划质量规划纲要",
                                          "主要内容：开展调研，形成规划纲要。"]


def test_short_slogan_lines_on_a_sparse_page_stay_apart() -> None:
    page1 = [_line("正文很长很长很长很长很长很长很长", 80, 512, 100 + 30 * i) for i in range(5)]
    page2 = [_line("质量第一，用户至上", 112, 320, 100), _line("创新驱动，品牌引领", 112, 384, 130),
             _line("诚信为本，追求卓越", 112, 352, 160)]
    assert _texts(_doc([page1, page1, page2]))[-3:] == ["质量第一，用户至上", "创新驱动，品牌引领", "诚信为本，追求卓越"]


def test_right_aligned_date_is_not_continued() -> None:
    page = [_line("正文很长很长很长很长很长很长很长", 80, 512, 100), _line("某县人民政府办公室", 330, 512, 130),
            _line("2018 年 6月 5 日", 400, 512, 160), _line("（此件公开发布）", 112, 240, 190)]
    assert _texts(_doc([page]))[-3:] == ["某县人民政府办公室", "2018 年 6月 5 日", "（此件公开发布）"]


def test_marker_like_start_after_a_full_line_is_inside_the_sentence() -> None:
    page = [_line("（一）加强宣传。根据有关部署，组织全县", 112, 512, 100), _line("2、3家企业开展交流；另按照第", 80, 512, 130),
            _line("（二）批名单推进。", 80, 240, 160), _line("（二）强化监管。", 112, 260, 190)]
    assert _texts(_doc([page])) == ["（一）加强宣传。根据有关部署，组织全县2、3家企业开展交流；另按照第（二）批名单推进。",
                                    "（二）强化监管。"]


def test_a_whole_municipal_notice_of_another_city_and_year() -> None:
    from extractors.structure.parse import parse_segment

    items = [blk("某市质量发展委员会办公室文件", 30, True), blk("某质委办发〔2019〕7号"),
             blk("关于开展2019年全市“质量月”", 22, True), blk("活动的通知", 22, True), blk("各县（市）、区质量发展委员会："),
             blk("根据《关于开展2019年全国“质量月”活动的通知》（国市监质〔2019〕160号）要求，现将有关工作通知如下："),
             blk("一、活动主题"), blk("“不忘初心 牢记使命 坚持高质量发展”。"), blk("二、主要活动"), blk("（一）开展质量宣传"),
             blk("1. 举办启动仪式。在市民广场举办。（牵头单位：市市场监管局）"),
             blk("2. 开展开放日活动。向公众开放。（市市场监管局、市科技局负责）"), blk("（二）开展质量提升"),
             blk("3. 推广质量管理方法。市工信局会同市总工会组织成果发布。"), blk("三、工作要求"), blk("（一）加强领导。要重视。"),
             blk("附件：1．2019年全市“质量月”重点活动安排表"), blk("2．2019年“质量月”宣传口号"),
             blk("某市质量发展委员会办公室"), blk("二〇一九年八月二十六日"), blk("附件2"), blk("2019年“质量月”宣传口号"),
             blk("1.质量第一 诚信为本"), blk("2.共建质量强市 共享品质生活"), blk("抄送：省市场监管局。"),
             blk("某市市场监督管理局办公室 2019年8月27日印发")]
    notice = parse_segment(list(items))
    m = notice.meta
    assert (m.title, m.doc_number, m.date, m.year) == ("关于开展2019年全市“质量月”活动的通知", "某质委办发〔2019〕7号",
                                                       "2019-08-26", 2019)
    assert m.theme == "不忘初心 牢记使命 坚持高质量发展" and m.references == ["国市监质〔2019〕160号"]
    assert m.attachments == ["2019年全市“质量月”重点活动安排表", "2019年“质量月”宣传口号"]
    assert m.slogans == ["质量第一 诚信为本", "共建质量强市 共享品质生活"] and m.issuers_raw == ["某市质量发展委员会办公室"]
    assert [o.path for o in notice.outline][-2:] == ["三", "三/（一）"]
    assert [(a.category_raw, a.organizers_raw) for a in notice.activities] == [
        ("开展质量宣传", "牵头单位：市市场监管局"), ("开展质量宣传", "市市场监管局、市科技局负责"),
        ("开展质量提升", "市工信局会同市总工会")]


def test_seal_note_on_the_signature() -> None:
    meta = meta_of("关于开展2015年“质量月”活动的通知", "一、要求", "正文。", "某县质量技术监督局（代章）", "2015年8月25日")
    assert meta.issuers_raw == ["某县质量技术监督局"]


def test_the_signed_date_wins_over_a_schedule_date() -> None:
    meta = meta_of("关于开展2021年“质量月”活动的通知", "一、活动安排", "2021年9月1日", "举行启动仪式。",
                   "某区市场监督管理局", "2021年8月20日")
    assert meta.date == "2021-08-20" and meta.issuers_raw == ["某区市场监督管理局"]


def test_notice_that_is_only_a_title_and_its_table_gets_title_year_and_no_signer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Generated title+table notices (tests/gen/tables_*, dev seeds), as DOCX."""
    from pathlib import Path

    from extractors import parse_notice, read_layout
    from tests.gen.tables_docx import render_docx
    from tests.gen.tables_spec import DEV_SEEDS, make_notice

    notices = [n for s in DEV_SEEDS if (n := make_notice(s)).traits.title_only][:3]
    assert notices
    for n in notices:
        path = render_docx(n, Path(tmp_path) / f"{n.name}.docx")
        got = parse_notice(read_layout(path).value).value  # type: ignore[arg-type]
        assert got is not None
        assert (got.meta.title, got.meta.year, got.meta.issuers_raw) == (n.title, n.year, [])


def test_undated_signature_must_end_the_text_after_a_finished_sentence() -> None:
    body = ["各单位要高度重视，确保活动取得实效。"]
    assert meta_of("关于开展2019年全市“质量月”活动的通知", *body, "某市质量协会").issuers_raw == ["某市质量协会"]
    assert meta_of("关于开展2019年全市“质量月”活动的通知", *body, "某市质量协会", "附件：活动安排表").issuers_raw == ["某市质量协会"]
    # a table's lines read as text: a cell line that reads as a name is no signer
    rows = ["开展质量宣传 9月中旬 某市文化广电和旅游局、某市公安", "局", "开展计量服务 9月 某市商务局", "某市教育局"]
    assert meta_of("某市2019年质量月重点活动安排表", *rows).issuers_raw == []


def test_theme_quoted_in_the_opening_but_not_inside_an_item() -> None:
    opening = "决定于2019年9月在全市组织开展以“建设质量强国”为主题的质量月活动。"
    assert meta_of("关于开展2019年全市“质量月”活动的通知", opening, "一、开展宣传。内容。").theme == "建设质量强国"
    item = "一、开展绿色食品宣传活动。以“绿色生产绿色消费”为主题，开展宣传。"
    assert meta_of("关于开展2019年全市“质量月”活动的通知", "现将有关事项通知如下：", item).theme is None
