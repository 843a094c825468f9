"""Category rules: source label by meaning, the activity's own words, weak priors (SPEC §2.5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.categories import Example, accuracy, decide, generated, leave_one_notice_out, truth_examples
from normalizers.categories import (
    CATEGORIES,
    categorize,
    category_table,
    classify,
    load_lexicon,
    shared_projects,
)
from normalizers.categories.lexicon import DATA_DIR, parse_lexicon, tokenizer
from normalizers.categories.scorer import (
    beneficiary,
    capped,
    drop_framing,
    head_cue,
    label_prior,
    normalize_label,
    zones,
)
from schemas import Activity

CODES = {"publicity", "improvement", "supervision", "consumer", "assistance", "mass_activity", "recognition"}


def test_taxonomy_has_the_seven_codes_with_spec_descriptions() -> None:
    assert set(CATEGORIES) == CODES
    table = category_table()
    assert table["consumer"][0] == "惠民维权"
    assert all(desc for _, desc in table.values()), "every code carries its SPEC 'covers' text"


@pytest.mark.parametrize("label, code", [
    ("质量宣传", "publicity"), ("二、质量 提升", "improvement"), ("（三）质量监管：", "supervision"),
    ("质量惠民", "consumer"), ("广泛开展社会宣传", "publicity"), ("质量宣传类", "publicity"),
    ("一、质量监管活动（12项）", "supervision"), ("群众性质量活动", "mass_activity"),
    ("（四）质量技术服务活动", "assistance"), ("二、QC小组活动", "mass_activity"), ("三、表彰奖励", "recognition"),
    ("弘扬质量文化，营造崇尚质量的社会氛围", "publicity"), ("严厉打击假冒伪劣，强化质量执法", "supervision"),
    ("实施品牌提升工程，打响“南京制造”品牌", "improvement"),
])
def test_labels_are_read_by_meaning(label: str, code: str) -> None:
    prior, mapped, words = label_prior(label, load_lexicon())
    assert mapped == code and max(prior, key=prior.__getitem__) == code and words


def test_label_numbering_and_punctuation_are_ignored() -> None:
    assert normalize_label("第三部分 质量宣传") == "质量宣传"
    assert normalize_label("4. 质量惠民") == "质量惠民"


@pytest.mark.parametrize("label", ["市市场监管委", "三、市住房城乡建设委", "区总工会", "活动内容", "重点活动"])
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


def test_methods_say_which_evidence_decided() -> None:
    assert categorize("质量监管", "开展电梯安全专项检查")[0] == "supervision"
    assert categorize("质量惠民", "开展相关工作") == ("consumer", "label")
    assert categorize("质量宣传", "组织首届质量奖颁奖") == ("recognition", "cues")
    assert categorize(None, "开展相关工作") == (load_lexicon().default, "default")
    assert categorize(None, "") == (load_lexicon().default, "default")
    d = classify(None, "开展相关工作", organizers=["市总工会"])
    assert (d.code, d.method) == ("mass_activity", "prior") and "organizer:总工会→mass_activity" in d.priors


def test_decision_keeps_its_evidence_and_a_confidence() -> None:
    clear, mixed = classify(None, "开展儿童玩具产品质量监督抽查"), classify(None, "开展质量宣传和监督抽查")
    assert clear.confidence > mixed.confidence > 0 and classify(None, "做好相关工作").confidence == 0
    assert "监督抽查" in clear.deciding_words() and clear.evidence()["scores"] == clear.scores
    assert classify("质量宣传", "举办质量论坛").deciding_words()[0] == "label:宣传"


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
    assert d.code == "publicity" and not any(w in h for h in d.hits for w in ("监督", "执法", "特种设备", "消费者")), d.hits


def test_framing_clauses_are_not_the_work() -> None:
    lx = load_lexicon()
    assert drop_framing("结合企业复工复产实际，开展计量器具专项检查", lx) == "开展计量器具专项检查"
    assert drop_framing("以“质量月”为契机，围绕民生领域，组织质量知识竞赛", lx) == "组织质量知识竞赛"
    assert drop_framing("针对电动自行车开展专项抽查，公布结果", lx).startswith("针对")  # its verb is inside
    d = classify(None, "结合疫情防控和企业复工复产实际，开展电梯安全隐患排查")
    assert d.code == "supervision" and not any("复工复产" in h for h in d.hits)


@pytest.mark.parametrize("content, code", [
    ("为社区居民免费检定血压计、电子秤", "consumer"),
    ("为个体工商户免费检定贸易结算用衡器", "assistance"),
    ("为中小企业免费校准计量器具", "assistance"),
    ("开展眼镜免费检测公益活动", "consumer"),  # no beneficiary named: the cue's own code
])
def test_a_service_counts_for_whom_it_serves(content: str, code: str) -> None:
    assert classify(None, content).code == code


def test_beneficiary_is_one_kind_or_none() -> None:
    lx = load_lexicon()
    assert beneficiary("为居民免费检定", lx) == "consumer" and beneficiary("为商户免费检定", lx) == "assistance"
    assert beneficiary("为居民和企业免费检定", lx) is None and beneficiary("开展免费检测", lx) is None
    # an aim in another clause is not whom the service is for
    assert beneficiary("为企业开展认证咨询服务，切实保障群众消费安全", lx) == "assistance"


def test_a_long_body_is_scaled_not_clipped() -> None:
    assert capped({"a": 10.0, "b": 5.0}, 5.0) == {"a": 5.0, "b": 2.5}
    assert capped({"a": 3.0}, 5.0) == {"a": 3.0}


def test_the_body_decides_when_the_title_says_nothing() -> None:
    content = ("开展年度论文征集。面向全市企业征集优秀论文，组织专家评审，评选优秀论文并给予奖励，"
               "推动企业创新和管理提升。")
    assert classify("发挥企业主体作用", content).code == "recognition"


def test_project_heading_is_a_weaker_prior_than_content() -> None:
    d = classify("质量提升", "开展冶金行业检验人员技能竞赛活动", project="树立质量标杆组织质量奖项评选")
    assert d.code == "mass_activity"
    d = classify(None, "开展企业现场交流", project="着力中小企业帮扶")  # weak content: the heading leans
    assert d.code == "assistance"


def test_shared_projects_are_sub_group_headings() -> None:
    acts = [Activity(seq=i, source="table", content="x", project=p) for i, p in enumerate(["举办科普活动", "举办科普活动", "质量论坛"])]
    assert shared_projects(acts) == {"举办科普活动"}
    alone = classify("质量宣传", "免费发放知识读本，现场讲解辨别真伪方法", "举办科普活动", project_is_heading=True)
    assert alone.code == "publicity" and alone.label_code == "publicity"


def test_a_short_first_sentence_is_a_title() -> None:
    # the title says 提升; a long body listing checks must not outvote it
    content = ("开展重点消费品质量提升行动。对涉及安全的产品开展专项监督检查、监督抽查和风险监测，"
               "严厉打击违法行为，开展执法检查。")
    assert categorize("强化质量监管", content)[0] == "improvement"


def test_joint_event_is_about_its_first_part() -> None:
    assert categorize(None, "举办质量发展论坛暨QC小组成果竞赛")[0] == "publicity"


def test_head_of_the_phrase() -> None:
    assert head_cue("组织标准化综合能力提升培训", load_lexicon())[:2] == ("培训", "assistance")


def test_domain_terms_tokenize_whole() -> None:
    tk = tokenizer(load_lexicon())
    assert "QC小组" in tk.lcut("组织QC小组成果发布")
    assert "市场监管局" in tk.lcut("由区市场监管局牵头")
    assert "publicity" not in classify(None, "开展学前教育督导评估").scores  # a sector, not 教育


def test_data_files_reject_unknown_codes() -> None:
    import tomllib

    def load(name: str) -> dict:
        return tomllib.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    files = [load(n) for n in ("categories.toml", "category_cues.toml", "category_labels.toml", "category_priors.toml")]
    files[1]["cues"]["propaganda"] = {"宣传": 1}
    with pytest.raises(ValueError, match="propaganda"):
        parse_lexicon(*files, source="test.toml")


def test_a_new_data_version_renormalizes(tmp_path: Path) -> None:
    """The data files' hash is part of NORMALIZER_VERSION; `qmetl renormalize` redoes every
    document normalized under another version, so bumping a cue file's version recomputes."""
    from normalizers.categories import data_hash
    from normalizers.normalize import NORMALIZER_VERSION

    assert data_hash() in NORMALIZER_VERSION and len(NORMALIZER_VERSION) <= 40  # the store's column width
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    assert data_hash(copy) == data_hash()
    cues = copy / "category_cues.toml"
    cues.write_text(cues.read_text(encoding="utf-8").replace('version = "cues-', 'version = "cues-x'), "utf-8")
    assert data_hash(copy) != data_hash()


def test_corpus_plain_and_leave_one_notice_out(corpus: Path) -> None:
    """Every truth activity; then each notice scored without the rule entries only it uses."""
    examples, lexicon = truth_examples(corpus / "truth"), load_lexicon()
    gold = [e.expected for e in examples]
    assert len(examples) >= 200
    assert accuracy(gold, [decide(e, lexicon).code for e in examples]) >= 0.97
    assert accuracy(gold, leave_one_notice_out(examples, lexicon, generated("dev"))) >= 0.92


def test_generated_held_out_notices() -> None:
    """Notices the rules were not written against (tests/gen/category_texts.py, held-out seeds)."""
    examples, lexicon = generated("heldout"), load_lexicon()
    assert len({e.doc for e in examples}) == 40
    assert accuracy([e.expected for e in examples], [decide(e, lexicon).code for e in examples]) >= 0.92


def test_bench_prints_the_confusion_matrix(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.categories import explain, report

    print(report("x", ["publicity", "consumer"], ["publicity", "publicity"], load_lexicon().codes))
    explain("组织首届质量奖颁奖", "质量宣传", None)
    out = capsys.readouterr().out
    assert "confusion (rows truth, columns predicted)" in out and "accuracy 0.500" in out
    assert "recognition (cues" in out and "颁奖→recognition" in out
    assert isinstance(Example("d", None, None, "x", "publicity"), Example)


def test_warming_up_builds_the_tokenizer_the_first_activity_uses() -> None:
    import normalizers

    tokenizer.cache_clear()
    normalizers.warm_up()
    built = tokenizer.cache_info()
    assert built.currsize == 1
    categorize("质量宣传", "开展质量宣传咨询活动")
    after = tokenizer.cache_info()
    assert after.misses == built.misses and after.hits > built.hits, "classification found it built"
