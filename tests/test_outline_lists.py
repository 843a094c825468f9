"""Outline regions, list activities and organizer clauses on variants written for these rules
(other cities, years, numbering), plus the real corpus DOCX files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import parse_notice, read_layout
from extractors.structure.blocks import Block
from extractors.structure.list_activities import list_activities
from extractors.structure.organizer_clauses import item_clause
from extractors.structure.outline import build_outline
from extractors.structure.parse import parse_segment
from extractors.structure.segments import attachment_entries, slogan_regions, split_embedded


def blk(text: str, page: int = 1) -> Block:
    return Block(text=text, pages=[page])


def blocks(*texts: str) -> list[Block]:
    return [blk(t) for t in texts]


# --- organizer clauses -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "section", "want"), [
    ("推进标准化。制定地方标准。（县市场监管局、县工信局牵头，各镇配合）", None, "县市场监管局、县工信局牵头，各镇配合"),
    ("举办发布会。根据协议，省市场监管局会同周边三省市场监管局于9月初在南京举行发布会。", None,
     "省市场监管局会同周边三省市场监管局"),
    ("开展诚信建设。省工信厅、省市场监管局会同有关部门，开展信用评价。省质量协会继续发布倡议。", None,
     "省工信厅、省市场监管局会同有关部门；省质量协会"),
    ("开展宣传。市文旅局、市市场监管局联合开展旅游质量宣传活动。", None, "市文旅局、市市场监管局联合"),
    ("配合区市场监管局开展联合执法。", "区公安分局", "配合区市场监管局"),
    ("联合区人社局、区妇联共同举办技能大赛，区团委将带队参赛。", "区团委", "联合区人社局、区妇联"),
    ("开放实验室。市计量所开放实验室，接待市民参观。", "市市场监管局", "市计量所"),
    ("推进品牌建设。由县工信局牵头，各乡镇配合，开展品牌培育。", None, "县工信局牵头，各乡镇配合"),
    ("开展质量攻关。中国质量协会继续组织QC小组发布会。", None, "中国质量协会"),
])
def test_item_clause_as_written(text: str, section: str | None, want: str) -> None:
    assert item_clause(text, section) == want


@pytest.mark.parametrize("text", [
    "按照省市场监管局的统一部署，开展抽查。",
    "认真组织参加由国家市场监管总局、工信部举办的全国会议。",
    "向有关部门、机构宣贯标准化法律法规。",
    "在省级质检中心开展免费复检活动。",
    "指导市旅游协会加强主题宣传。",
    "各相关单位进社区开展计量宣传。",
    "开展“质量月”宣传（2021-2023年）。",
])
def test_bodies_merely_mentioned_are_not_organizers(text: str) -> None:
    assert item_clause(text) is None


# --- which items are activities ----------------------------------------------------------

def test_activities_under_organizer_sections_take_the_section_as_organizer() -> None:
    outline = build_outline(blocks(
        "附件2", "2021年某市“质量月”主要活动",
        "一、市市场监管局开展的活动",
        "（一）举办启动仪式。现场宣传。", "（二）开展计量服务。市计量院开放实验室。",
        "二、市总工会开展的活动", "（三）组织技能竞赛。", "（四）配合市市场监管局开展宣传。"))
    acts = list_activities(outline)
    assert [a.content for a in acts] == ["举办启动仪式。现场宣传。", "开展计量服务。市计量院开放实验室。",
                                         "组织技能竞赛。", "配合市市场监管局开展宣传。"]
    assert [a.organizers_raw for a in acts] == ["市市场监管局", "市市场监管局；市计量院", "市总工会",
                                                "市总工会；配合市市场监管局"]
    assert all(a.category_raw is None for a in acts), "an organizer heading is not a category"


def test_activities_at_the_deepest_level_under_an_activity_section() -> None:
    outline = build_outline(blocks(
        "一、指导思想", "正文。", "二、活动内容", "（一）加强宣传", "1、开展联合宣传。内容。", "2、组织专题宣传。内容。",
        "（二）强化服务", "3、开展帮扶。内容。", "三、工作要求", "（一）精心安排活动内容。要求。"))
    acts = list_activities(outline)
    assert [(a.outline_path, a.category_raw) for a in acts] == [
        ("二/（一）/1", "加强宣传"), ("二/（一）/2", "加强宣传"), ("二/（二）/3", "强化服务")]


def test_items_after_a_lead_in_paragraph_are_activities() -> None:
    outline = build_outline(blocks(
        "各会员单位：", "现将有关事项通知如下。", "本会2022年“质量月”主要活动如下：",
        "一、开展QC小组交流活动", "主要内容：交流成果。", "二、开展质量奖评选", "实施日期：9-12月。"))
    acts = list_activities(outline)
    assert [a.content for a in acts] == ["开展QC小组交流活动", "开展质量奖评选"]
    assert all(a.category_raw is None and a.organizers_raw is None for a in acts)


def test_work_plan_items_with_assignment_clauses_are_activities() -> None:
    outline = build_outline(blocks(
        "一、完善工作机制", "（一）建立责任制。细化方案。（县市场监管局牵头，各成员单位配合）",
        "（二）开展指数测算。（县统计局牵头，各成员单位配合）", "二、加强宣传",
        "（三）推进质量教育。开展活动。（县教育局牵头）"))
    acts = list_activities(outline)
    assert [a.category_raw for a in acts] == ["完善工作机制", "完善工作机制", "加强宣传"]
    assert acts[2].organizers_raw == "县教育局牵头"


def test_a_plain_outline_has_no_activities() -> None:
    outline = build_outline(blocks("一、指导思想", "正文。", "二、工作要求", "（一）加强领导。要求。"))
    assert list_activities(outline) == []


# --- regions: attachments, slogans, embedded notices --------------------------------------

def test_attachment_list_and_slogans_are_not_outline() -> None:
    part = blocks(
        "一、活动主题", "2019年“质量月”活动的主题是：", "弘扬质量精神 建设质量强省", "二、有关要求", "（一）加强领导。要求。",
        "附件：", "1. 2019年主要活动安排", "2. 2019年“质量月”宣传口号", "某省市场监督管理局", "2019年8月20日",
        "附件2", "2019年“质量月”宣传口号", "1. 质量第一 用户至上", "2. 弘扬工匠精神 打造优质品牌")
    names, entries = attachment_entries(part)
    assert names == ["2019年主要活动安排", "2019年“质量月”宣传口号"]
    notice = parse_segment(list(part))
    assert [o.path for o in notice.outline] == ["一", "二", "二/（一）"]
    assert notice.meta.slogans == ["质量第一 用户至上", "弘扬工匠精神 打造优质品牌"]
    assert notice.meta.theme == "弘扬质量精神 建设质量强省"
    assert entries and slogan_regions(part, names)


def test_slogans_of_an_untitled_attachment_named_in_the_list() -> None:
    part = blocks("二、活动主题", "提升质量 促进发展。", "附件：2011年全市“质量月”宣传口号。", "某市质量技术监督局",
                  "附件：", "提升质量  促进发展", "质量诚信是企业的生命", "关注民生，重视质量")
    meta = parse_segment(list(part)).meta
    assert meta.slogans == ["质量诚信是企业的生命", "关注民生，重视质量"], "the theme line is not a slogan"
    assert meta.issuers_raw == ["某市质量技术监督局"]


def test_forwarded_notice_is_split_out() -> None:
    items = blocks(
        "某协〔2021〕7号", "关于转发“某部关于开展2021年全国‘质量月’活动的通知”的通知", "各会员单位：", "现转发给你们。",
        "附件：某部关于开展2021年全国“质量月”活动的通知", "附件：", "某部关于开展2021年全国“质量月”活动的通知",
        "某部质〔2021〕88号", "一、活动主题", "质量强国", "二、活动内容", "（一）开展宣传。内容。", "某部", "2021年8月10日")
    main, embedded = split_embedded(list(items))
    assert len(embedded) == 1 and embedded[0][0].text.startswith("某部关于")
    assert all("某部质" not in b.text for b in main if isinstance(b, Block))


def test_no_split_without_a_doc_number_line() -> None:
    items = blocks("一、要求", "附件：", "2021年活动安排表", "一、宣传活动")
    assert split_embedded(list(items))[1] == []


# --- the real corpus ---------------------------------------------------------------------

def _parse(raw_dir: Path, name: str):  # type: ignore[no-untyped-def]
    layout = read_layout(raw_dir / name)
    assert layout.ok and layout.value is not None
    parsed = parse_notice(layout.value)
    assert parsed.ok and parsed.value is not None
    return parsed.value


def test_corpus_forwarded_national_notice(raw_dir: Path) -> None:
    notice = _parse(raw_dir, "cmqa_2020_industry.docx")
    assert [a.content for a in notice.activities][:1] == ["开展机械行业的群众性质量管理交流活动"]
    assert len(notice.activities) == 8 and notice.meta.date is None
    child = notice.embedded[0]
    assert child.meta.doc_number == "国市监质〔2020〕133号" and child.meta.date == "2020-08-14"
    assert len(child.meta.issuers_raw) == 16 and len(child.meta.slogans) == 15
    assert [a.category_raw for a in child.activities] == ["活动内容"] * 5
    assert notice.meta.references == ["国市监质〔2020〕133号"]


def test_corpus_work_plan_clauses(raw_dir: Path) -> None:
    notice = _parse(raw_dir, "xiangcheng_2017_district.docx")
    assert len(notice.activities) == 16
    assert notice.activities[0].organizers_raw == "区市场监管局牵头，各成员单位配合"
    assert notice.meta.date == "2017-07-03" and notice.meta.title == "相城区质量强区工作2017年行动计划"


def test_numbered_slogan_section_keeps_its_heading_but_not_its_list() -> None:
    part = blocks("一、活动主题", "质量强县。", "二、宣传口号", "1. 质量第一 诚信为本", "2. 品质生活 共建共享",
                  "三、有关要求", "（一）加强领导。要求。")
    notice = parse_segment(list(part))
    assert [o.path for o in notice.outline] == ["一", "二", "三", "三/（一）"]
    assert notice.meta.slogans == ["质量第一 诚信为本", "品质生活 共建共享"]


def test_attachment_list_opening_on_the_heading_line() -> None:
    part = blocks("一、要求", "正文。", "附件：1.重点活动安排表", "2.活动总结表", "某市质量强市工作领导小组办公室")
    names, entries = attachment_entries(part)
    assert names == ["重点活动安排表", "活动总结表"] and entries == {3}
    assert [o.path for o in parse_segment(list(part)).outline] == ["一"]


def test_forwarded_notice_after_the_letter_date_without_attachment_heading() -> None:
    items = blocks("某局〔2019〕2号", "关于转发省局2019年“质量月”活动方案的通知", "各科室：", "现转发给你们。", "某局",
                   "2019年8月28日", "某省局2019年“质量月”活动方案", "某省局〔2019〕40号", "一、活动内容")
    main, embedded = split_embedded(list(items))
    assert len(main) == 6 and embedded and embedded[0][0].text.startswith("某省局2019年")


def test_notice_lead_in_does_not_make_the_outline_activities() -> None:
    outline = build_outline(blocks("现将有关工作通知如下：", "一、指导思想", "正文。", "二、工作要求", "（一）加强领导。"))
    assert list_activities(outline) == []


def test_responsibility_parentheticals_mark_work_plan_items() -> None:
    outline = build_outline(blocks("一、提升产品质量", "（一）开展抽查。内容。（责任单位：县市场监管局）",
                                   "（二）推进标准化。内容。（牵头单位：县市场监管局；配合单位：县工信局）"))
    assert [a.organizers_raw for a in list_activities(outline)] == [
        "责任单位：县市场监管局", "牵头单位：县市场监管局；配合单位：县工信局"]


def test_banner_lines_after_slogans_are_not_slogans() -> None:
    part = blocks("一、要求", "正文。", "附件", "2020年全区“质量月”宣传口号", "质量第一 安全至上", "某区市场监督管理局",
                  "抄送：区委办公室。", "某区人民政府办公室 2020年8月3日印发")
    assert parse_segment(list(part)).meta.slogans == ["质量第一 安全至上"]
