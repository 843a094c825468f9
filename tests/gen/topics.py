"""Generated notices for the topic rule (issue 24): is a file a quality-campaign notice at all?

``build(seed)`` draws one official notice — a place anywhere in China, its issuing office, a doc
number, a title, a cover paragraph and numbered items 一、二、… with （一）… sub-items — of one of two
kinds, and ``truth`` says which, by construction:

- ``off``: a campaign of another field (安全生产月, 消防宣传月, 爱国卫生月, 防汛, 全民健身, 禁毒, 普法,
  森林防火, 食品安全宣传周). Such notices mention 监督 and 检查 and even 高质量发展 — none of them is a
  quality campaign, and none may be counted as a notice of one;
- ``on``: a quality campaign that never says 质量月 (世界计量日, 世界标准日, 品牌日, 质量提升行动,
  质量强市 work plans, QC小组 activities): a notice of the corpus's subject, never flagged.

Rendered as DOCX (python-docx) and plain text (UTF-8). Seeds 0–23 are the development set,
1000–1015 the held-out set (fixed: never change).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

DEV_SEEDS = tuple(range(24))
HELD_OUT_SEEDS = tuple(range(1000, 1016))
_CN = "零一二三四五六七八九十"

# province, city, the city's one-character abbreviation
PLACES = [("四川省", "绵阳市", "绵"), ("河北省", "保定市", "保"), ("江西省", "赣州市", "赣"), ("山西省", "大同市", "同"),
          ("贵州省", "遵义市", "遵"), ("吉林省", "吉林市", "吉"), ("内蒙古自治区", "包头市", "包"),
          ("广东省", "佛山市", "佛"), ("辽宁省", "大连市", "大"), ("湖北省", "襄阳市", "襄"),
          ("新疆维吾尔自治区", "克拉玛依市", "克"), ("海南省", "三亚市", "三")]


@dataclass(frozen=True)
class Campaign:
    name: str             # as the title names it
    office: str           # issuing office after the city name
    code: str             # doc-number organ code after the city's abbreviation
    items: tuple[str, ...]


OFF = [
    Campaign("“安全生产月”活动", "安全生产委员会办公室", "安委办", (
        "开展安全生产隐患排查治理，督促企业落实安全生产主体责任", "组织危险化学品、矿山、建筑施工领域专项检查",
        "开展安全生产应急演练，提升应急处置能力", "开展安全宣传咨询日活动，普及安全知识", "推动安全生产高质量发展，强化监督检查")),
    Campaign("“119”消防宣传月活动", "消防安全委员会办公室", "消安委", (
        "开展消防安全进社区、进学校、进企业宣传", "组织高层建筑和人员密集场所消防演练", "开展电动车违规停放充电专项整治",
        "开放消防站，组织群众参观体验", "督促单位落实消防安全责任，开展监督检查")),
    Campaign("爱国卫生月活动", "爱国卫生运动委员会办公室", "爱卫办", (
        "开展城乡环境卫生整洁行动，清理卫生死角", "组织病媒生物防制，降低蚊蝇密度", "推进健康细胞建设，倡导文明健康生活方式",
        "开展农贸市场环境卫生专项整治", "加强督导检查，及时通报整改情况")),
    Campaign("防汛抗旱工作", "防汛抗旱指挥部办公室", "防指", (
        "落实防汛责任制，明确各级防汛责任人", "开展汛前检查，排查水库、堤防、山洪灾害隐患", "修订完善防汛应急预案",
        "储备防汛物资，组建抢险队伍", "严格执行汛期值班制度，做好信息报送")),
    Campaign("全民健身日活动", "体育局", "体发", (
        "举办全民健身日启动仪式和群众徒步活动", "开放公共体育场馆，免费或低收费服务群众", "组织社会体育指导员进社区指导健身",
        "举办广场舞、健身气功等群众体育展示", "开展国民体质监测服务")),
    Campaign("禁毒宣传月活动", "禁毒委员会办公室", "禁毒办", (
        "开展毒品预防教育进校园活动", "组织禁毒知识有奖竞答和图片展", "开展易制毒化学品企业监督检查",
        "利用新媒体平台推送禁毒宣传内容", "表彰禁毒工作先进集体和个人")),
    Campaign("“宪法宣传周”普法活动", "全面依法治市委员会办公室", "法治办", (
        "组织国家工作人员学习宪法，开展宪法宣誓", "开展宪法进机关、进乡村、进社区、进学校、进企业活动",
        "举办法治讲座和法律咨询", "开展以案释法，发布典型案例", "推动普法责任制落实，加强督促检查")),
    Campaign("森林防火工作", "森林防火指挥部办公室", "森防指", (
        "严格野外火源管控，加强重点时段巡护", "开展森林火灾隐患排查整治", "组织扑火队伍实战演练", "加强森林防火宣传教育",
        "落实防火期值班和火情报告制度")),
    Campaign("食品安全宣传周活动", "食品安全委员会办公室", "食安委", (
        "开展食品安全进农村、进学校宣传", "组织餐饮服务单位开放后厨", "开展校园及周边食品安全专项检查",
        "举办食品安全知识讲座", "畅通投诉举报渠道，及时处置食品安全问题")),
]
ON = [
    Campaign("“5·20世界计量日”活动", "市场监督管理局", "市监", (
        "开展计量器具免费检定进社区、进集贸市场活动", "开放计量技术机构实验室，组织市民参观", "组织企业计量保证能力提升培训",
        "开展加油机、出租车计价器计量专项监督检查", "宣传计量法律法规和计量科普知识")),
    Campaign("“世界标准日”活动", "市场监督管理局", "市监", (
        "举办标准化工作座谈会，交流企业标准化经验", "开展企业标准“领跑者”宣传", "组织标准化专题培训",
        "推动团体标准制定和实施", "宣传国家标准公开系统，方便企业查询标准")),
    Campaign("“中国品牌日”活动", "市场监督管理局", "市监", (
        "组织本地品牌企业参加品牌展示活动", "发布区域品牌建设成果", "开展品牌培育和品牌价值评价培训",
        "宣传地理标志产品和老字号企业", "推动企业实施商标品牌战略")),
    Campaign("质量提升行动", "质量发展委员会办公室", "质发委", (
        "开展重点产品质量攻关，组织企业对标达标", "推广先进质量管理方法，开展质量诊断", "实施小微企业质量管理体系认证提升行动",
        "加强产品质量监督抽查和结果运用", "组织质量标杆经验交流")),
    Campaign("QC小组活动", "总工会", "工发", (
        "组织企业开展QC小组活动，推广质量管理工具", "举办QC小组成果发表交流会", "评选优秀QC小组和质量信得过班组",
        "开展质量管理小组骨干培训", "组织群众性质量改进成果展示")),
]


@dataclass(frozen=True)
class TopicNotice:
    name: str
    kind: str             # off / on
    title: str
    doc_number: str
    office: str
    paragraphs: tuple[str, ...]


def build(seed: int) -> TopicNotice:
    rng = random.Random(f"topics-{seed}")
    kind = "on" if seed % 3 == 0 else "off"
    campaign = rng.choice(ON if kind == "on" else OFF)
    province, city, abbr = rng.choice(PLACES)
    year = rng.randrange(2010, 2021)
    office = f"{city}{campaign.office}"
    title = f"关于开展{year}年全市{campaign.name}的通知"
    number = f"{abbr}{campaign.code}〔{year}〕{rng.randrange(1, 90)}号"
    cover = (f"各县（市、区）{campaign.office.replace('办公室', '')}成员单位，市直有关部门：",
             f"为做好{year}年{campaign.name.strip('“”')}，经研究，现将有关事项通知如下。")
    items = list(campaign.items)
    rng.shuffle(items)
    body: list[str] = []
    for i, item in enumerate(items[:rng.randrange(3, 6)]):
        body.append(f"{_CN[i + 1]}、{item}。")
        body.append(f"（一）各地各部门要结合实际，制定具体方案，于{rng.randrange(3, 11)}月底前报送{office}。")
    sign = (office, f"{year}年{rng.randrange(1, 12)}月{rng.randrange(1, 28)}日")
    return TopicNotice(f"topic{seed:04d}", kind, title, number, office, (title, number, *cover, *body, *sign))


def truth(n: TopicNotice) -> dict[str, object]:
    return {"name": n.name, "off_topic": n.kind == "off"}


def render_docx(n: TopicNotice, path: Path) -> Path:
    import docx

    doc = docx.Document()
    for text in n.paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def render_text(n: TopicNotice, path: Path) -> Path:
    path.write_text("\n".join(n.paragraphs) + "\n", encoding="utf-8")
    return path


def render(seeds: tuple[int, ...], out: Path) -> list[tuple[Path, TopicNotice]]:
    """Every seed as DOCX and text in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    made: list[tuple[Path, TopicNotice]] = []
    for seed in seeds:
        n = build(seed)
        made += [(render_docx(n, out / f"{n.name}.docx"), n), (render_text(n, out / f"{n.name}.txt"), n)]
    return made
