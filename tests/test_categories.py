"""Category rules: the label map, the cue classifier and how they combine (SPEC §2.5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizers.categories import CATEGORIES, categorize, category_table, classify, load_lexicon
from normalizers.categories.evaluate import (
    ablation_out,
    accuracy,
    leave_one_out,
    per_document,
    truth_examples,
)
from normalizers.categories.lexicon import parse_lexicon, tokenizer
from normalizers.categories.scorer import head_cue, label_prior, normalize_label, zones

CODES = {"publicity", "improvement", "supervision", "consumer", "assistance", "mass_activity", "recognition"}


def test_taxonomy_has_the_seven_codes_with_spec_descriptions() -> None:
    assert set(CATEGORIES) == CODES
    table = category_table()
    assert table["consumer"][0] == "惠民维权"
    assert all(desc for _, desc in table.values()), "every code carries its SPEC 'covers' text"


@pytest.mark.parametrize("label, code", [
    ("质量宣传", "publicity"), ("二、质量 提升", "improvement"), ("（三）质量监管：", "supervision"),
    ("质量惠民", "consumer"), ("广泛开展社会宣传", "publicity"), ("发挥企业主体作用", "improvement"),
    ("质量宣传类", "publicity"), ("一、质量监管活动（12项）", "supervision"), ("群众性质量活动", "mass_activity"),
    ("（四）质量技术服务活动", "assistance"), ("二、QC小组活动", "mass_activity"), ("三、表彰奖励", "recognition"),
])
def test_known_labels_map_through_the_table(label: str, code: str) -> None:
    prior, mapped = label_prior(label, load_lexicon())
    assert mapped == code and prior == {code: load_lexicon().weights.label_map}


def test_label_numbering_and_punctuation_are_ignored() -> None:
    assert normalize_label("第三部分 质量宣传") == "质量宣传"
    assert normalize_label("4. 质量惠民") == "质量惠民"


@pytest.mark.parametrize("label, code", [
    ("弘扬质量文化，营造崇尚质量的社会氛围", "publicity"),   # a free heading, not in the table
    ("严厉打击假冒伪劣，强化质量执法", "supervision"),
    ("实施品牌提升工程，打响“南京制造”品牌", "improvement"),
])
def test_free_headings_lean_by_their_words_but_are_not_label_map(label: str, code: str) -> None:
    prior, mapped = label_prior(label, load_lexicon())
    assert mapped is None and max(prior, key=prior.__getitem__) == code


@pytest.mark.parametrize("label", ["市市场监管委", "三、市住房城乡建设委", "区总工会", "活动内容"])
def test_organizer_sections_and_vague_labels_give_no_prior(label: str) -> None:
    assert label_prior(label, load_lexicon())[0] == {}


@pytest.mark.parametrize("label, content, code", [
    # the label says 宣传 but the act is an award / a contest
    ("质量宣传", "组织2012年度“南京市十佳质量标兵”评选及颁奖", "recognition"),
    ("质量宣传", "组织全市焊工职业技能竞赛", "mass_activity"),
    # the label says 提升 but the act is training for enterprises
    ("质量提升", "组织中小企业卓越绩效培训班", "assistance"),
    ("质量提升", "开展企业计量技术帮扶", "assistance"),
    # the label says 惠民 but the act is a spot check
    ("质量惠民", "开展儿童玩具质量监督抽查", "supervision"),
    # no label at all
    (None, "开展消费者权益保护宣传咨询，受理消费者投诉", "consumer"),
    (None, "举办2015年“质量月”启动仪式暨质量论坛", "publicity"),
    (None, "组织开展QC小组成果发布和合理化建议活动", "mass_activity"),
    (None, "开展电线电缆专项整治，严厉打击制售假冒伪劣行为", "supervision"),
    (None, "开展质量标杆对标活动，推广先进质量管理方法", "improvement"),
])
def test_content_evidence_decides(label: str | None, content: str, code: str) -> None:
    assert categorize(label, content)[0] == code


# Items written for this test in the style of other cities' and years' notices (not corpus text).
OTHER_NOTICES = [
    (None, '开展“质量兴市”成果巡回展览', 'publicity'),
    (None, '在《南京日报》开设质量月专栏，宣传质量工作成效', 'publicity'),
    (None, '组织开展全市质量工作现场经验交流会', 'improvement'),
    (None, '开展计量惠民进社区活动，为居民免费检定血压计', 'consumer'),
    (None, '开展加油站计量专项检查', 'supervision'),
    (None, '组织企业参加全国质量管理小组代表会议', 'mass_activity'),
    (None, '开展出口企业质量提升帮扶活动', 'assistance'),
    (None, '开展“万家企业质量诚信承诺”活动', 'improvement'),
    ('质量监管', '对流通领域商品质量进行抽样检验', 'supervision'),
    (None, '开展眼镜制配场所计量监督检查', 'supervision'),
    (None, '组织质量专家深入中小企业开展质量诊断', 'assistance'),
    (None, '举办卓越绩效模式培训班', 'assistance'),
    (None, '推行首席质量官制度，推动企业建立质量责任体系', 'improvement'),
    (None, '开展全国“质量月”企业质量诚信倡议活动', 'publicity'),
    (None, '组织2014年度市长质量奖申报和评审', 'recognition'),
    (None, '开展用户满意服务明星企业评选', 'recognition'),
    (None, '开展“青年质量安全示范岗”创建活动', 'mass_activity'),
    (None, '组织开展“12365”质量投诉热线宣传，受理群众质量投诉', 'consumer'),
    (None, '开展农村市场假冒伪劣商品专项整治', 'supervision'),
    (None, '举办质量发展论坛', 'publicity'),
    (None, '开展职工合理化建议征集活动', 'mass_activity'),
    (None, '为小微企业免费提供检验检测服务', 'assistance'),
    (None, '组织开展全省技术标准创新奖评审', 'recognition'),
    ('质量宣传', '在市民广场举办2013年“质量月”活动启动仪式', 'publicity'),
    ('质量宣传', '利用电视、广播、报纸等媒体开展质量月系列报道', 'publicity'),
    (None, '开展“质量开放日”活动，组织市民参观检验检测实验室', 'publicity'),
    (None, '开展质量知识进社区、进学校宣传活动', 'publicity'),
    ('质量提升', '组织开展卓越绩效管理模式推广活动', 'improvement'),
    ('质量提升', '开展企业标准“领跑者”对标达标活动', 'improvement'),
    (None, '实施质量品牌提升工程，培育一批区域品牌', 'improvement'),
    ('质量监管', '开展农资产品质量专项执法检查', 'supervision'),
    (None, '开展节日市场食品安全专项检查，严厉查处制售假冒伪劣食品行为', 'supervision'),
    ('质量监管', '开展电梯安全隐患排查治理', 'supervision'),
    (None, '对儿童用品、电线电缆开展产品质量监督抽查并公布结果', 'supervision'),
    ('质量惠民', '开展免费为市民检测眼镜、血压计活动', 'consumer'),
    (None, '设立消费维权服务站，受理12315投诉举报', 'consumer'),
    (None, '开展“3·15”消费者权益保护宣传咨询活动', 'consumer'),
    ('质量提升', '组织计量技术人员深入企业开展计量检测服务', 'assistance'),
    (None, '开展“标准化+”进企业服务活动，为中小企业提供标准咨询', 'assistance'),
    (None, '举办质量管理培训班，为企业培训质量管理人员200人次', 'assistance'),
    (None, '组织开展全市职工质量知识竞赛', 'mass_activity'),
    (None, '召开QC小组成果发表会', 'mass_activity'),
    (None, '开展“质量信得过班组”创建活动', 'mass_activity'),
    (None, '开展市长质量奖评审及表彰工作', 'recognition'),
    (None, '组织评选“质量诚信企业”', 'recognition'),
    (None, '发布本市名牌产品名单并授牌', 'recognition'),
    ('质量宣传', '召开全市质量工作表彰大会', 'recognition'),
]


@pytest.mark.parametrize("label, content, code", OTHER_NOTICES)
def test_items_from_other_notices(label: str | None, content: str, code: str) -> None:
    assert classify(label, content).code == code


def test_label_decides_when_content_agrees_or_is_silent() -> None:
    assert categorize("质量监管", "开展电梯安全专项检查") == ("supervision", "label_map")
    assert categorize("质量惠民", "开展相关工作") == ("consumer", "label_map")


def test_methods() -> None:
    assert categorize("质量宣传", "组织首届质量奖颁奖")[1] == "classifier"
    assert categorize(None, "开展相关工作") == (load_lexicon().default, "default")
    assert categorize(None, "") == (load_lexicon().default, "default")


def test_organizer_clauses_and_document_titles_are_not_evidence() -> None:
    # 市场监管局 / 《…监督管理条例》 name a body and a document: no supervision evidence
    d = classify(None, "开展质量科普进校园活动。（区市场监管局牵头，各成员单位配合）")
    assert d.code == "publicity" and "supervision" not in d.scores
    assert "监督" not in zones(None, "加强《化妆品监督管理条例》宣贯")[1]


@pytest.mark.parametrize("text", [
    "由区市场监督管理局、市食品药品监督管理局联合开展质量知识宣传",
    "市特种设备监督检验研究院开展电梯安全宣传",
    "市市场监管综合执法支队开展质量宣传",
    "市消费者权益保护委员会开展质量宣传",
])
def test_organization_names_are_masked(text: str) -> None:
    d = classify(None, text)
    assert d.code == "publicity" and set(d.scores) == {"publicity"}, d.hits


def test_project_heading_is_a_weaker_prior_than_content() -> None:
    d = classify("质量提升", "开展冶金行业检验人员技能竞赛活动", project="树立质量标杆组织质量奖项评选")
    assert d.code == "mass_activity"
    d = classify(None, "开展企业现场交流", project="着力中小企业帮扶")  # weak content: the heading leans
    assert d.code == "assistance"


def test_a_short_first_sentence_is_a_title() -> None:
    # the title says 提升; a long body listing checks must not outvote it
    content = ("开展重点消费品质量提升行动。对涉及安全的产品开展专项监督检查、监督抽查和风险监测，"
               "严厉打击违法行为，开展执法检查。")
    assert categorize("强化质量监管", content)[0] == "improvement"


def test_joint_event_is_about_its_first_part() -> None:
    assert categorize(None, "举办质量发展论坛暨QC小组成果竞赛")[0] == "publicity"


def test_head_of_the_phrase() -> None:
    assert head_cue("组织标准化综合能力提升培训", load_lexicon()) == ("培训", "assistance")


def test_domain_terms_tokenize_whole() -> None:
    tk = tokenizer(load_lexicon())
    assert "QC小组" in tk.lcut("组织QC小组成果发布")
    assert "市场监管局" in tk.lcut("由区市场监管局牵头")


def test_data_file_rejects_unknown_codes() -> None:
    import tomllib

    from normalizers.categories.lexicon import DATA_FILE
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["labels"]["质量宣传"] = "propaganda"
    with pytest.raises(ValueError, match="propaganda"):
        parse_lexicon(data, "test.toml")


def test_truth_activities(corpus: Path) -> None:
    """The classifier alone on every truth activity (label + project + content → category)."""
    examples = truth_examples(corpus / "truth")
    lexicon = load_lexicon()
    assert len(examples) >= 200
    assert accuracy(examples, lexicon) >= 0.95
    assert min(per_document(examples, lexicon).values()) >= 0.9


def test_leave_one_document_out_ablation(corpus: Path) -> None:
    """Without the labels and cue words only the held-out notice supports, each notice is still
    mostly right: the rules are not a transcript of the truth files."""
    examples = truth_examples(corpus / "truth")
    loo = ablation_out(examples, load_lexicon())
    pooled = sum(acc * sum(e.doc == d for e in examples) for d, acc in loo.items()) / len(examples)
    assert pooled >= 0.85 and min(loo.values()) >= 0.75


@pytest.mark.slow
def test_leave_one_document_out_refit(corpus: Path) -> None:
    """Weights refitted from zero on four documents still beat chance on the fifth."""
    loo = leave_one_out(truth_examples(corpus / "truth"), load_lexicon())
    assert min(loo.values()) > 1 / 7


def test_category_data_is_part_of_the_normalizer_version() -> None:
    from normalizers.categories import data_hash
    from normalizers.normalize import NORMALIZER_VERSION

    assert data_hash() in NORMALIZER_VERSION and len(NORMALIZER_VERSION) <= 40  # the store's column width


def test_categories_table_carries_the_spec_descriptions(sqlite_url: str) -> None:
    from sqlalchemy.orm import Session

    from loaders.db import get_engine, upgrade
    from loaders.models import Category
    from loaders.store import sync_categories

    upgrade(sqlite_url)
    sync_categories(get_engine(sqlite_url), category_table())
    with Session(get_engine(sqlite_url)) as s:
        rows = {c.code: (c.name_zh, c.description) for c in s.query(Category)}
    assert set(rows) == CODES
    assert rows["mass_activity"] == ("群众性质量活动", "QC groups, skill contests, worker campaigns, 合理化建议, youth programmes")


def test_explain_shows_the_cues(capsys: pytest.CaptureFixture[str]) -> None:
    from normalizers.categories.evaluate import explain

    explain("组织首届质量奖颁奖", "质量宣传", None)
    out = capsys.readouterr().out
    assert out.startswith("recognition (classifier); label → publicity") and "颁奖→recognition" in out


def test_warming_up_builds_the_tokenizer_the_first_activity_uses() -> None:
    import normalizers

    tokenizer.cache_clear()
    normalizers.warm_up()
    built = tokenizer.cache_info()
    assert built.currsize == 1
    categorize("质量宣传", "开展质量宣传咨询活动")
    after = tokenizer.cache_info()
    assert after.misses == built.misses and after.hits > built.hits, "classification found it built"
