"""Labelled activity texts for the seven categories, written from SPEC §2.5's definitions.

One generated notice = a city or province from anywhere in China (none of the corpus's), a
year, an issuer, and groups of activities under source labels the way offices print them: a
类别 cell or group row naming a category (一、质量监管执法活动), a vague label (重点活动), an
organizer-named section (市总工会开展的活动), or none. Groups mostly hold their label's kind of
work but not only (a 质量提升 group can hold an award selection or enterprise training). Each
activity's category is set by construction: it is the category of the template it came from.

The split is fixed in code: seeds 0–59 are the development set (rules may be written against
it), seeds 1000–1039 the held-out set (only measured).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DEV_SEEDS = range(0, 60)
HELDOUT_SEEDS = range(1000, 1040)

# (province, city, district) — every region of the mainland, none of the corpus's
PLACES = [
    ("黑龙江省", "哈尔滨市", "道里区"), ("吉林省", "长春市", "朝阳区"), ("辽宁省", "大连市", "甘井子区"),
    ("内蒙古自治区", "呼和浩特市", "赛罕区"), ("山西省", "太原市", "小店区"), ("河北省", "石家庄市", "长安区"),
    ("河南省", "洛阳市", "涧西区"), ("山东省", "青岛市", "黄岛区"), ("安徽省", "芜湖市", "鸠江区"),
    ("湖北省", "宜昌市", "西陵区"), ("湖南省", "株洲市", "天元区"), ("江西省", "赣州市", "章贡区"),
    ("福建省", "泉州市", "丰泽区"), ("广东省", "佛山市", "顺德区"), ("广西壮族自治区", "柳州市", "鱼峰区"),
    ("海南省", "海口市", "美兰区"), ("四川省", "绵阳市", "涪城区"), ("贵州省", "遵义市", "汇川区"),
    ("云南省", "曲靖市", "麒麟区"), ("陕西省", "宝鸡市", "渭滨区"), ("甘肃省", "兰州市", "城关区"),
    ("青海省", "西宁市", "城西区"), ("宁夏回族自治区", "银川市", "金凤区"), ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
    ("浙江省", "温州市", "鹿城区"), ("西藏自治区", "拉萨市", "城关区"), ("重庆市", "", "渝北区"),
]
PRODUCTS = ["电线电缆", "儿童玩具", "电动自行车", "燃气灶具", "化肥", "建筑用钢筋", "食用植物油", "童装", "小家电",
            "眼镜", "插座开关", "学生文具", "防护口罩", "液化石油气钢瓶", "汽车配件", "陶瓷砖", "乳制品", "农药",
            "消毒用品", "家具", "水泥", "安全帽", "锂电池", "服装鞋帽"]
INDUSTRIES = ["装备制造", "纺织服装", "电子信息", "食品加工", "建材", "石油化工", "汽车零部件", "家具制造", "生物医药",
              "新能源", "现代物流", "特色农业", "陶瓷", "有色金属", "茶叶", "中药材", "文化旅游", "餐饮服务"]
VENUES = ["人民广场", "市民中心", "文化广场", "步行街", "体育中心", "科技馆", "会展中心", "城市公园"]
MEDIA = ["日报", "电视台", "广播电台", "政府网站", "微信公众号"]
TRADES = ["焊工", "电工", "数控车工", "钳工", "汽车维修工", "化学检验员", "茶艺师", "中式烹调师", "电梯安装维修工"]

# Per category: activity titles with slots, and sentences a body may add.
TEMPLATES: dict[str, list[str]] = {
    "publicity": [
        "举办{year}年“质量月”活动启动仪式", "在{city}{media}开设“质量月”专栏，集中宣传质量工作成效",
        "开展质量知识进校园活动，为中小学生讲授质量安全常识", "组织检验检测机构开放日活动，邀请市民参观实验室",
        "举办{city}质量发展论坛", "利用电视、广播、网络等媒体开展质量主题系列报道",
        "在{venue}开展“质量月”广场宣传活动，发放质量知识宣传资料", "组织拍摄质量公益宣传片，在城市公共屏幕滚动播放",
        "开展“质量月”网络有奖知识问答", "举办质量科普讲座，普及{product}选购和使用常识",
        "开展质量故事征集和巡回演讲活动", "开展特种设备安全宣传进社区活动", "在公交站台、地铁站投放“质量月”公益广告",
        "组织新闻媒体深入企业，采访报道质量提升典型经验", "开展新修订《产品质量法》宣贯活动",
        "举办“品质生活”主题图片展览", "开展标准化知识科普宣传周活动", "组织质量专家做客广播电台“质量热线”访谈节目",
        "开展“计量日”主题宣传活动", "向全市企业发出质量诚信倡议书",
    ],
    "improvement": [
        "实施{industry}产业质量提升行动", "组织企业开展对标达标活动，推动重点企业与行业标杆开展质量比对",
        "推广卓越绩效、六西格玛、精益生产等先进质量管理方法", "主导或参与制修订国家标准、行业标准{n}项",
        "制定发布{product}团体标准", "实施品牌培育工程，培育一批区域公用品牌", "召开全市质量工作推进会",
        "出台《关于加快建设质量强市的实施意见》", "建立{product}质量追溯体系，实现生产经营全过程可追溯",
        "开展企业质量信用分类管理", "开展首席质量官制度试点", "召开{industry}行业质量管理现场观摩会",
        "开展制造业质量竞争力指数统计分析", "推进服务业质量提升，开展服务质量监测", "组织企业开展质量管理体系升级",
        "召开{industry}产业高质量发展座谈会", "开展质量技术基础能力建设，完善社会公用计量标准体系",
        "推进质量强县建设，健全质量工作长效机制", "开展工程质量提升行动，落实建设单位首要责任",
        "开展{industry}企业技术改造和产品升级",
    ],
    "supervision": [
        "开展{product}产品质量监督抽查", "开展{product}质量安全专项整治", "开展农村市场假冒伪劣商品专项打击行动",
        "开展加油站、集贸市场计量专项检查", "开展电梯、锅炉、气瓶等特种设备安全隐患排查",
        "开展建筑工程质量安全执法检查", "对食品生产企业开展“双随机、一公开”监督检查", "开展校园周边食品安全专项整治",
        "开展{product}质量安全风险监测", "严厉查处制售假冒伪劣商品违法行为", "开展特种设备事故应急救援演练",
        "开展网络交易商品质量抽检", "开展检验检测机构专项监督检查", "开展药品、医疗器械经营环节飞行检查",
        "开展农资打假专项治理行动", "开展{product}生产企业巡查", "开展节日市场食品安全专项检查",
        "开展成品油质量抽样检验", "开展工业产品生产许可获证企业监督检查", "依法查办侵权假冒案件",
    ],
    "consumer": [
        "开展“计量惠民”进社区活动，为居民免费检定血压计、电子秤", "开展消费维权咨询活动，现场受理消费者投诉",
        "推行线下实体店无理由退货承诺", "开展眼镜、珠宝首饰免费检测公益活动", "发布{product}比较试验结果，引导理性消费",
        "畅通12315投诉举报渠道，及时调解消费纠纷", "开展放心消费创建活动，改善消费环境",
        "发布{product}消费警示和消费提示", "为居民家庭免费检定燃气表、水表", "开展农资下乡质量服务，帮助农民辨别真假农资",
        "开展公共服务质量满意度测评", "设立消费维权服务站，推行先行赔付", "为市民免费检测家装甲醛",
        "开展“质量惠民”服务进乡村活动", "开展老年人消费教育和防骗宣传", "开展汽车“三包”政策咨询和售后服务投诉处理",
        "开展质量惠民便民服务，为群众免费检测饮用水", "组织消费者代表参与{product}质量体验评议",
    ],
    "assistance": [
        "开展“计量服务中小企业行”活动，帮助企业解决计量技术难题", "组织质量专家深入企业开展质量诊断和技术咨询",
        "举办{industry}企业质量管理培训班", "开展标准化服务进园区活动，为企业提供标准信息咨询",
        "开展认证服务企业活动，指导企业建立管理体系", "为小微企业减免检验检测费用",
        "搭建检验检测公共服务平台，开通企业送检绿色通道", "举办企业首席质量官培训", "组织技术机构与{industry}企业开展技术对接",
        "开展“一企一策”精准帮扶，帮助企业破解质量难题", "为出口企业提供技术性贸易措施咨询服务",
        "开展知识产权服务进企业活动", "组织特种设备作业人员培训", "举办内审员和质量工程师培训班",
        "开展送标准、送技术进企业活动", "为复工复产企业提供计量校准上门服务", "组织{industry}企业开展质量管理线上辅导",
    ],
    "mass_activity": [
        "开展QC小组活动成果发表赛", "组织全市职工{trade}职业技能竞赛", "开展职工合理化建议征集活动",
        "开展“质量信得过班组”创建活动", "组织青年质量安全示范岗创建活动", "开展群众性“五小”技术创新活动",
        "组织{industry}行业岗位练兵和技术比武", "开展“青年文明号”质量承诺活动", "组织参加全国质量管理小组代表会议",
        "开展巾帼建功质量岗活动", "开展群众性质量改进活动", "组织企业职工开展质量知识竞赛",
        "举办{trade}技能大赛", "开展劳动竞赛，引导职工争当质量能手", "组织一线员工开展质量攻关活动",
    ],
    "recognition": [
        "开展{year}年度市长质量奖评审", "组织评选“质量标杆企业”", "召开质量工作表彰大会，表彰先进集体和先进个人",
        "发布{city}品牌价值榜", "开展名牌产品评价认定", "开展优质工程评选", "组织“用户满意企业”评价活动",
        "开展“十佳质量标兵”选树活动", "组织推荐申报中国质量奖", "开展优秀QC小组评比",
        "开展质量诚信示范企业评定", "为获得政府质量奖的企业授牌", "开展标准化示范项目遴选",
        "评选表彰一批质量工作先进单位", "组织企业申报省级质量标杆", "公布年度质量品牌示范企业名单",
    ],
}
BODIES: dict[str, list[str]] = {
    "publicity": ["营造全社会重视质量、追求质量的浓厚氛围", "提高公众的质量意识", "通过现场讲解、发放资料等方式普及质量知识"],
    "improvement": ["推动企业提升质量管理水平", "形成一批可复制推广的经验", "促进产业高质量发展"],
    "supervision": ["对发现的问题依法处理", "抽查结果向社会公布", "消除质量安全隐患"],
    "consumer": ["切实维护消费者合法权益", "让群众得到实惠", "增强群众的质量获得感"],
    "assistance": ["帮助企业解决实际困难", "提升企业技术人员能力", "为企业发展提供技术支撑"],
    "mass_activity": ["激发广大职工参与质量活动的热情", "推动群众性质量活动深入开展"],
    "recognition": ["树立一批质量先进典型", "发挥示范引领作用"],
}
NEUTRAL = ["各县（市、区）结合实际组织开展", "活动时间为9月", "做好活动组织和总结工作", "确保活动取得实效"]

LABELS: dict[str, list[str]] = {
    "publicity": ["质量宣传", "宣传教育类", "一、质量宣传教育活动", "营造质量氛围", "广泛开展宣传发动", "质量文化建设"],
    "improvement": ["质量提升", "质量提升行动", "二、质量品牌提升活动", "标准化建设", "推进质量强省建设"],
    "supervision": ["质量监管", "监管执法", "执法打假", "三、质量安全监管活动", "守住质量安全底线"],
    "consumer": ["质量惠民", "惠民维权", "消费维权", "四、质量惠民服务活动", "保护消费者权益"],
    "assistance": ["帮扶服务", "质量技术帮扶", "服务企业发展", "技术服务", "五、质量帮扶活动"],
    "mass_activity": ["群众性质量活动", "职工质量活动", "六、群众性质量管理活动"],
    "recognition": ["评价表彰", "质量评价与表彰", "评选表彰", "七、树立质量标杆"],
}
VAGUE = ["重点活动", "主要活动", "活动内容", "其他活动"]
SECTION_BODIES = [("市总工会", "mass_activity"), ("团市委", "mass_activity"), ("市消费者协会", "consumer"),
                  ("市市场监管局", None), ("市住房城乡建设局", None), ("市工业和信息化局", None)]


@dataclass(frozen=True)
class Item:
    label: str | None
    project: str | None
    content: str
    category: str
    organizers: tuple[str, ...]


def _fill(rng: random.Random, text: str, city: str, year: int) -> str:
    return text.format(year=year, city=city.removesuffix("市"), product=rng.choice(PRODUCTS),
                       industry=rng.choice(INDUSTRIES), venue=rng.choice(VENUES), media=rng.choice(MEDIA),
                       trade=rng.choice(TRADES), n=rng.randint(3, 30))


def _activity(rng: random.Random, code: str, city: str, year: int, body: bool) -> str:
    title = _fill(rng, rng.choice(TEMPLATES[code]), city, year)
    if not body:
        return title
    extra = [rng.choice(BODIES[code])] + ([rng.choice(NEUTRAL)] if rng.random() < 0.5 else [])
    return title + "。" + "，".join(extra) + "。"


def notice(seed: int) -> dict:
    """One generated notice: its metadata and labelled activities."""
    rng = random.Random(seed)
    province, city, district = rng.choice(PLACES)
    year = rng.randint(2010, 2020)
    place = city or province
    codes = list(TEMPLATES)
    items: list[Item] = []
    style = rng.choice(["label", "label", "vague", "section", "none"])
    for _ in range(rng.randint(3, 6)):
        main = rng.choice(codes)
        if style == "label":
            label, section = rng.choice(LABELS[main]), None
        elif style == "vague":
            label, section = rng.choice(VAGUE), None
        elif style == "section":
            section = rng.choice(SECTION_BODIES)
            label, main = f"{section[0]}开展的活动", section[1] or main
        else:
            label, section = None, None
        body = rng.random() < 0.5
        for _ in range(rng.randint(2, 6)):
            code = main if rng.random() < 0.75 else rng.choice(codes)
            organizers = (section[0],) if section else ()
            items.append(Item(label, None, _activity(rng, code, place, year, body), code, organizers))
    issuer = f"{place}质量发展委员会办公室" if rng.random() < 0.7 else f"{place}市场监督管理局"
    return {"doc": f"gen{seed:04d}", "region": province + city + (district if rng.random() < 0.2 else ""),
            "year": year, "issuers": [issuer], "items": items}


def labelled_examples(split: str) -> list[dict]:
    """The examples of one split as bench.categories.Example keyword arguments."""
    seeds = {"dev": DEV_SEEDS, "heldout": HELDOUT_SEEDS}[split]
    out = []
    for seed in seeds:
        n = notice(seed)
        out += [{"doc": n["doc"], "label": it.label, "project": it.project, "content": it.content,
                 "expected": it.category, "organizers": it.organizers, "issuers": tuple(n["issuers"])}
                for it in n["items"]]
    return out
