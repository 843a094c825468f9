"""Organizer normalization rules, each on names from other cities, years and layouts."""

from __future__ import annotations

import pytest

from normalizers.organizations import OrgContext, resolve_organizers
from normalizers.orgs import expand, split_mentions
from normalizers.orgs.docmeta import infer_facts, issuer_tokens
from normalizers.regions import by_path, match_prefix, mentions, nearest, org_prefix


def names(raw: str, region: str | None, level: str | None = None) -> list[tuple[str, str]]:
    return [(r.name, r.role) for r in resolve_organizers(raw, OrgContext.of(region, level))]


# --- abbreviation expansion -------------------------------------------------------------------

@pytest.mark.parametrize(("short", "full"), [
    ("市场监管局", "市场监督管理局"),
    ("住建局", "住房和城乡建设局"),
    ("发改委", "发展和改革委员会"),
    ("经信委", "经济和信息化委员会"),
    ("质监局", "质量技术监督局"),
    ("市场监管委", "市场监督管理委员会"),
    ("消协", "消费者协会"),
    ("人力社保局", "人力资源和社会保障局"),
    ("发展和改革委员会", "发展和改革委员会"),  # already full: unchanged
])
def test_abbreviations_expand_to_one_full_form(short: str, full: str) -> None:
    assert expand(short) == full


# --- splitting and roles ----------------------------------------------------------------------

def test_never_splits_on_he_inside_a_name() -> None:
    got = names("市发展和改革委员会、市人力资源和社会保障局", "江苏省无锡市")
    assert got == [("无锡市发展和改革委员会", "lead"), ("无锡市人力资源和社会保障局", "lead")]


def test_he_joining_two_known_bodies_splits() -> None:
    got = names("市市场监管局和市住建局", "江苏省南通市")
    assert [n for n, _ in got] == ["南通市市场监督管理局", "南通市住房和城乡建设局"]


def test_lead_and_co_from_qiantou_peihe_clause() -> None:
    got = names("区市场监管局、教育局牵头，各成员单位配合", "江苏省南京市鼓楼区")
    assert got == [("南京市鼓楼区市场监督管理局", "lead"), ("南京市鼓楼区教育局", "lead"),
                   ("*南京市鼓楼区各成员单位", "co")]


def test_huitong_makes_the_first_body_lead() -> None:
    got = names("省质监局会同省经信委", "浙江省", "provincial")
    assert got == [("浙江省质量技术监督局", "lead"), ("浙江省经济和信息化委员会", "co")]


def test_joint_lianhe_at_the_end_makes_all_lead() -> None:
    got = names("市总工会、市质协联合", "江苏省扬州市")
    assert got == [("扬州市总工会", "lead"), ("扬州市质量协会", "lead")]


def test_section_organizer_then_item_clause() -> None:
    got = names("市工信局；联合市消协", "天津市", "provincial")
    assert got == [("天津市工业和信息化局", "lead"), ("天津市消费者协会", "co")]


def test_split_keeps_admin_enumeration_of_a_collective_together() -> None:
    mentions_ = split_mentions("各县、区市场监管部门，市质检所")
    assert [m.text for m in mentions_] == ["各县（区）市场监管部门", "市质检所"]


# --- context resolution -----------------------------------------------------------------------

def test_nanjing_2012_zhijianju_keeps_its_pre_reform_name() -> None:
    assert names("南京市质监局", "江苏省南京市") == [("南京市质量技术监督局", "lead")]
    assert names("市质监局", "江苏省南京市") == [("南京市质量技术监督局", "lead")]


def test_district_prefix_in_a_pudong_2019_notice() -> None:
    assert names("区市场监管局", "上海市浦东新区") == [("上海市浦东新区市场监督管理局", "lead")]


def test_province_prefix_in_a_zhejiang_notice() -> None:
    assert names("省市场监管局、省质协", "浙江省") == [("浙江省市场监督管理局", "lead"), ("浙江省质量协会", "lead")]


def test_relative_shi_means_the_county_level_city_in_its_own_notice() -> None:
    assert names("市市场监管局", "江苏省苏州市昆山市") == [("昆山市市场监督管理局", "lead")]


def test_county_level_city_is_not_prefixed_but_a_district_is() -> None:
    got = names("江阴市市场监管局、梁溪区住建局", "江苏省无锡市")
    assert [n for n, _ in got] == ["江阴市市场监督管理局", "无锡市梁溪区住房和城乡建设局"]


def test_region_prefix_carries_over_to_bare_names() -> None:
    got = names("区发改局、统计局、人社局牵头", "天津市西青区")
    assert [n for n, _ in got] == ["天津市西青区发展和改革局", "天津市西青区统计局",
                                   "天津市西青区人力资源和社会保障局"]


def test_development_zone_is_named_after_the_zone() -> None:
    assert names("工业园区市场监管局", "江苏省苏州市") == [("苏州工业园区市场监督管理局", "lead")]


def test_second_plate_in_brackets_is_the_same_body() -> None:
    assert names("惠山区市场监管局（知识产权局）", "江苏省无锡市") == [("无锡市惠山区市场监督管理局", "lead")]


def test_youth_league_and_party_department_put_the_region_inside() -> None:
    assert names("团市委", "江苏省常州市") == [("共青团常州市委员会", "lead")]
    assert names("区委宣传部", "北京市海淀区") == [("中共北京市海淀区委员会宣传部", "lead")]


def test_several_provinces_in_one_phrase() -> None:
    got = names("苏鲁豫三省质监局", "江苏省")
    assert [n for n, _ in got] == ["江苏省质量技术监督局", "山东省质量技术监督局", "河南省质量技术监督局"]


def test_collective_takes_the_region_it_belongs_to() -> None:
    assert names("省质监局会同有关部门", "浙江省")[-1] == ("*浙江省有关部门", "co")
    assert names("各市、区住建部门", "江苏省南通市") == [("*南通市各市（区）住房和城乡建设部门", "lead")]


def test_national_bodies_resolve_without_region() -> None:
    got = names("市场监管总局、国家发展改革委、人民银行", None, "national")
    assert [n for n, _ in got] == ["国家市场监督管理总局", "国家发展和改革委员会", "中国人民银行"]


def test_unknown_body_is_kept_as_written_and_flagged() -> None:
    refs = resolve_organizers("某某科技有限公司", OrgContext.of("江苏省常州市"))
    assert [(r.name, r.resolved, r.raw) for r in refs] == [("某某科技有限公司", False, "某某科技有限公司")]


# --- regions ----------------------------------------------------------------------------------

def test_region_chain_with_a_short_city_name() -> None:
    region, n = match_prefix("无锡滨湖区人民政府")
    assert region is not None and region.path == "江苏省无锡市滨湖区" and n == 5


def test_ambiguous_district_is_picked_by_the_document_region() -> None:
    region, _ = match_prefix("鼓楼区市场监管局", by_path("江苏省徐州市"))
    assert region is not None and region.path == "江苏省徐州市鼓楼区"


def test_municipality_is_provincial_and_its_districts_are_prefixed() -> None:
    tj = by_path("天津市")
    assert tj is not None and tj.level == "provincial" and nearest(tj, "市") == tj
    hp = by_path("天津市和平区")
    assert hp is not None and org_prefix(hp) == "天津市和平区"


@pytest.mark.parametrize(("raw", "name"), [
    ("湖北省公安厅", "湖北省公安厅"),  # 公安 is 公安县's short form, but 公安厅 is the department
    ("省公安厅", "湖北省公安厅"),
    ("湖北省荆州市公安县市场监管局", "公安县市场监督管理局"),  # the county written in full stays
    ("湖北省公安县公安局", "公安县公安局"),
])
def test_a_department_word_is_not_read_as_a_regions_short_name(raw: str, name: str) -> None:
    assert names(raw, "湖北省武汉市") == [(name, "lead")]


def test_region_mentions_count_full_names() -> None:
    assert mentions("南京市质监局 南京市 江苏省")["江苏省南京市"] == 2


# --- document facts ---------------------------------------------------------------------------

def test_signature_tokens_drop_non_names() -> None:
    assert issuer_tokens(["附件：2012年活动安排表", "省质监局 省经信委"]) == ["省质监局", "省经信委"]


def test_national_joint_notice_is_national_without_region() -> None:
    facts = infer_facts(["市场监管总局 中央宣传部 工业和信息化部"], "国市监质〔2019〕1号", None, "")
    assert facts.level == "national" and facts.region is None
    assert facts.issuers == ["国家市场监督管理总局", "中共中央宣传部", "工业和信息化部"]


def test_industry_association_notice_from_its_doc_number() -> None:
    facts = infer_facts([], "中机质协〔2019〕12号", None, "")
    assert facts.issuers == ["中国机械工业质量管理协会"] and facts.level == "industry"


def test_district_notice_with_short_city_in_the_signature() -> None:
    facts = infer_facts(["无锡滨湖区人民政府办公室"], None, None, "")
    assert facts.issuers == ["无锡市滨湖区人民政府办公室"]
    assert (facts.level, facts.region) == ("district", "江苏省无锡市滨湖区")


def test_region_from_the_text_when_nothing_else_tells() -> None:
    facts = infer_facts([], None, None, "天津市质量协会 天津市总工会 天津海关")
    assert (facts.level, facts.region) == ("provincial", "天津市")


def test_provincial_signature_with_relative_prefix_uses_the_text_region() -> None:
    facts = infer_facts(["省质监局 省经信委"], None, "关于开展2012年全省质量月活动的通知", "浙江省各地")
    assert facts.issuers == ["浙江省质量技术监督局", "浙江省经济和信息化委员会"]
    assert facts.level == "provincial"


def test_brackets_are_never_split() -> None:
    assert names("各县（市、区）政府", "江苏省徐州市") == [("*徐州市各县（市、区）人民政府", "lead")]  # 政府 is the 人民政府


def test_scope_word_of_a_collective_is_not_doubled() -> None:
    assert names("省内各设区市质监局", "江苏省") == [("*江苏省各设区市质量技术监督局", "lead")]


def test_letter_spaced_signature_is_one_name() -> None:
    assert issuer_tokens(["南 京 市 质 量 技 术 监 督 局"]) == ["南京市质量技术监督局"]


def test_district_notice_with_relative_signature_and_region_in_the_text() -> None:
    facts = infer_facts(["区市场监管局"], None, "关于开展2019年全区“质量月”活动的通知",
                        "浦东新区各街镇、上海市浦东新区有关单位")
    assert facts.issuers == ["上海市浦东新区市场监督管理局"]
    assert (facts.level, facts.region) == ("district", "上海市浦东新区")


def test_title_scope_lifts_a_city_mention_to_its_province() -> None:
    facts = infer_facts([], None, "关于开展2011年全省质量月活动的通知", "南京市、苏州市、南京市开展")
    assert (facts.level, facts.region) == ("provincial", "江苏省")


def test_bracketed_clause_and_column_labels() -> None:
    assert names("（区市场监管局牵头，各成员单位配合）", "江苏省无锡市滨湖区") == [
        ("无锡市滨湖区市场监督管理局", "lead"), ("*无锡市滨湖区各成员单位", "co")]
    assert names("主办单位：市质监局；配合单位：市总工会、（团市委）", "江苏省镇江市") == [
        ("镇江市质量技术监督局", "lead"), ("镇江市总工会", "co"), ("共青团镇江市委员会", "co")]


def test_deng_and_you_around_a_list_of_bodies() -> None:
    assert names("由市质监局、市教育局等部门牵头", "江苏省泰州市") == [
        ("泰州市质量技术监督局", "lead"), ("泰州市教育局", "lead")]
    assert names("市场监管总局等16个部门", None) == [("国家市场监督管理总局", "lead")]


def test_unregistered_national_association_makes_an_industry_notice() -> None:
    facts = infer_facts(["中国电子质量管理协会"], None, None, "南京市")
    assert (facts.issuers, facts.level, facts.region) == (["中国电子质量管理协会"], "industry", None)


def test_ministries_are_named_without_the_state_prefix() -> None:
    assert names("中华人民共和国商务部、中华人民共和国海关总署", None) == [("商务部", "lead"), ("海关总署", "lead")]


def test_unlisted_district_after_its_city_is_still_a_district() -> None:
    facts = infer_facts(["嘉兴市南湖区市场监督管理局"], None, None, "")
    assert (facts.level, facts.region) == ("district", "浙江省嘉兴市南湖区")
    assert names("区市场监管局", "浙江省嘉兴市南湖区") == [("嘉兴市南湖区市场监督管理局", "lead")]
    region, n = match_prefix("嘉兴市区域质量中心")
    assert region is not None and region.name == "嘉兴市" and n == 3
    assert names("南湖区市场监管局、海宁市市场监管局", "浙江省嘉兴市") == [
        ("嘉兴市南湖区市场监督管理局", "lead"), ("海宁市市场监督管理局", "lead")]


def test_party_committee_written_in_full_gets_the_canonical_form() -> None:
    assert names("中共相城区委宣传部", "江苏省苏州市相城区") == [("中共苏州市相城区委员会宣传部", "lead")]
    assert names("中共常州市委", None) == [("中共常州市委员会", "lead")]


def test_national_title_without_issuers_is_national() -> None:
    facts = infer_facts([], None, "关于开展2015年全国“质量月”活动的通知", "江苏省、浙江省、上海市质监局")
    assert (facts.level, facts.region) == ("national", None)


def test_a_spaced_name_tail_joins_its_name() -> None:
    assert issuer_tokens(["无锡市质量发展委员会 办公室  公安部"]) == ["无锡市质量发展委员会办公室", "公安部"]


def test_more_short_forms_of_district_bodies() -> None:
    assert names("区政府办、区教体局、区文体旅局", "天津市西青区") == [
        ("天津市西青区人民政府办公室", "lead"), ("天津市西青区教育体育局", "lead"),
        ("天津市西青区文化体育和旅游局", "lead")]


def test_unlisted_district_named_by_the_title_alone() -> None:
    facts = infer_facts([], None, "南湖区2019年“质量月”活动方案", "嘉兴市质量强市领导小组；嘉兴市各区")
    assert (facts.level, facts.region) == ("district", "浙江省嘉兴市南湖区")
    facts = infer_facts([], None, "关于开展2019年全市“质量月”活动的通知", "嘉兴市各区、县（市）")
    assert (facts.level, facts.region) == ("municipal", "浙江省嘉兴市")
    facts = infer_facts([], None, "嘉兴市南湖区2019年“质量月”活动方案", "")
    assert (facts.level, facts.region) == ("district", "浙江省嘉兴市南湖区")


def test_listed_districts_of_other_big_cities() -> None:
    assert names("区市场监管局", "山东省青岛市市南区") == [("青岛市市南区市场监督管理局", "lead")]
    region, _ = match_prefix("和平区市场监管局", by_path("辽宁省沈阳市"))
    assert region is not None and region.path == "辽宁省沈阳市和平区"


def test_guiding_bodies_are_not_organizers() -> None:
    assert names("省质监局指导，省质协承办", "浙江省") == [("浙江省质量协会", "lead")]
    assert names("指导单位：市场监管总局；主办单位：市质协", "江苏省镇江市") == [("镇江市质量协会", "lead")]
