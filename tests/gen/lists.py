"""Generator of list-style notices: one structure per notice, truth written by construction.

``build(seed)`` draws one notice — place anywhere in China, issuers (alone or a joint notice
with a red head), doc number, date, an outline 一、（一）1.（1） in one of five layouts, items
whose organizers are given by one of the clause forms offices use, non-activity siblings and
sub-points — and ``truth(notice)`` gives the answer in the corpus truth shape. The renderers
(lists_render.py) turn the same structure into DOCX, PDF, HTML and text.

Seeds 0–29 are the development set, 1000–1019 the held-out set (fixed: never change).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tests.gen.lists_data import (
    ACTIVITIES,
    DEPARTMENTS,
    GROUPS,
    GUIDANCE,
    NON_ACTIVITY,
    OFFICES,
    REGIONS,
    REQUIREMENTS,
    THEMES,
)

DEV_SEEDS = list(range(0, 30))
HELD_OUT_SEEDS = list(range(1000, 1020))
_CN = "零一二三四五六七八九"
_PROVINCE_ABBR = {"四川省": "川", "浙江省": "浙", "湖北省": "鄂", "河南省": "豫", "云南省": "云", "重庆市": "渝",
                  "福建省": "闽", "黑龙江省": "黑", "甘肃省": "甘", "广东省": "粤", "山东省": "鲁", "陕西省": "陕",
                  "湖南省": "湘", "安徽省": "皖", "广西壮族自治区": "桂"}
LAYOUTS = ("grouped", "siblings", "by_body", "work_plan", "subpoints")
CLAUSES = ("paren_lead_co", "paren_resp", "paren_labels", "line_labels", "line_resp", "you_huitong",
           "lead_co_prose", "lianhe", "joint_subject", "fuze", "subject", "mention", "none")


def cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@dataclass
class Body:
    """One organization: canonical name and the form the notice writes."""

    canonical: str
    written: str


@dataclass
class Node:
    kind: str  # cn_dun, cn_paren, arabic_dot, arabic_paren
    number: int
    text: str  # the numbered paragraph, marker removed
    body: list[str] = field(default_factory=list)  # unnumbered paragraphs after it
    children: list[Node] = field(default_factory=list)
    activity: dict[str, Any] | None = None


@dataclass
class ListNotice:
    name: str
    seed: int
    layout: str
    level: str
    region: str
    place: str  # what the notice calls its own area (全市 → 市)
    year: int
    issuers: list[Body]
    joint: bool
    doc_number: str | None
    title_lines: list[str]
    salutation: str
    opening: list[str]
    nodes: list[Node]
    date: str
    date_text: str
    theme: str | None
    references: list[str]
    arabic_sep: str  # "." or "、"
    closing: list[str] = field(default_factory=list)
    head_columns: int = 1  # a joint red head's names: one or two a line
    signed: bool = True  # False: stamps only, no signature text (the red head names the issuers)

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def marker(node: Node, arabic_sep: str) -> str:
    if node.kind == "cn_dun":
        return f"{cn_number(node.number)}、"
    if node.kind == "cn_paren":
        return f"（{cn_number(node.number)}）"
    if node.kind == "arabic_dot":
        return f"{node.number}{arabic_sep}"
    return f"（{node.number}）"


def label(node: Node) -> str:
    if node.kind == "cn_dun":
        return cn_number(node.number)
    if node.kind == "cn_paren":
        return f"（{cn_number(node.number)}）"
    if node.kind == "arabic_dot":
        return str(node.number)
    return f"（{node.number}）"


class _Draw:
    """All random choices of one notice, in one place."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        province, city, district, level = self.rng.choice(REGIONS)
        self.level = level
        self.region = province + city + district
        self.prefix = city + district if district else (city or province)
        if district and not city:
            self.prefix = province + district
        self.word = {"provincial": "省", "municipal": "市", "district": "区"}[level]
        if province == "重庆市" and level == "provincial":
            self.word = "市"
        self.short_place = (district or city or province)
        self.year = self.rng.randint(2012, 2020)
        self.quality_dept = ("市场监督管理局", "市场监管局") if self.year >= 2018 else ("质量技术监督局", "质监局")
        self.abbr = _PROVINCE_ABBR.get(province, province[0]) if level == "provincial" else self.short_place[:2 if district else 1]

    def body(self, dept: tuple[str, str, str | None], short_ok: bool = True) -> Body:
        name = dept[1] if self.level == "provincial" else dept[0]
        canonical = self.prefix + name
        written = canonical
        if short_ok and dept[2] and self.rng.random() < 0.2:
            short = dept[2][:-1] + "厅" if name.endswith("厅") and dept[2].endswith("局") else dept[2]
            written = self.word + short
        return Body(canonical, written)

    def departments(self) -> list[tuple[str, str, str | None]]:
        depts = [(self.quality_dept[0], self.quality_dept[0], self.quality_dept[1])]
        depts += [d for d in DEPARTMENTS if d[0] != "市场监督管理局"]
        return depts


def build(seed: int) -> ListNotice:
    d = _Draw(seed)
    rng = d.rng
    depts = d.departments()
    joint = rng.random() < 0.35
    if joint:
        others = rng.sample(depts[1:], rng.randint(2, 8))
        issuers = [d.body(x, short_ok=False) for x in [depts[0], *others]]
    elif rng.random() < 0.5:
        office = rng.choice(OFFICES)
        issuers = [Body(d.prefix + office, d.prefix + office)]
    else:
        issuers = [d.body(depts[0], short_ok=False)]
    layout = LAYOUTS[seed % len(LAYOUTS)]
    area = {"provincial": "全省", "municipal": "全市", "district": "全区"}[d.level]
    if d.word == "市" and d.level == "provincial":
        area = "全市"
    number = rng.randint(3, 160)
    kinds = ["市监发", "市监质", "质发办"] if d.year >= 2018 else ["质监发", "质发办", "质委办"]
    doc_number = f"{d.abbr}{rng.choice(kinds)}〔{d.year}〕{number}号" \
        if rng.random() < 0.85 else None
    title_lines = _title(d, area, layout, rng)
    month, day = rng.randint(7, 8), rng.randint(1, 28)
    date = f"{d.year}-{month:02d}-{day:02d}"
    date_text = f"{d.year}年{month}月{day}日"
    if rng.random() < 0.25:
        date_text = "".join("〇" if c == "0" else _CN[int(c)] for c in str(d.year)) + \
            f"年{cn_number(month)}月{cn_number(day)}日"
    references = []
    opening = []
    if rng.random() < 0.6:
        ref = f"国市监质〔{d.year}〕{rng.randint(90, 180)}号" if d.year >= 2018 else f"国质检质联〔{d.year}〕{rng.randint(200, 400)}号"
        references.append(ref)
        opening.append(f"根据《关于开展{d.year}年全国“质量月”活动的通知》（{ref}）要求，为进一步提高{area}质量意识，"
                       f"推动质量提升，经研究，决定在{area}组织开展{d.year}年“质量月”活动。现将有关事项通知如下：")
    else:
        opening.append(f"为深入实施质量强国战略，进一步营造{area}关注质量、重视质量的良好氛围，决定于{d.year}年9月"
                       f"在{area}开展“质量月”活动。现将有关事项通知如下：")
    theme = rng.choice(THEMES) if layout in ("grouped", "subpoints") else None
    notice = ListNotice(
        name=f"list{seed:04d}", seed=seed, layout=layout, level=d.level, region=d.region, place=area,
        year=d.year, issuers=issuers, joint=joint, doc_number=doc_number, title_lines=title_lines,
        salutation=_salutation(d), opening=opening, nodes=[], date=date, date_text=date_text, theme=theme,
        references=references, arabic_sep=rng.choice([".", "、", "．"]),
    )
    office = issuers[0].canonical if not joint else issuers[0].canonical + "办公室"
    notice.nodes = _LAYOUT_BUILDERS[layout](d, notice, office)
    head = random.Random(f"{seed}-head")  # its own stream: the other traits stay as they were drawn
    notice.head_columns = head.choice([1, 2]) if joint else 1
    notice.signed = head.random() < 0.7
    if rng.random() < 0.4:
        notice.closing.append(f"联系人：李{rng.choice('华明强军芳')}，电话：0{rng.randint(100, 999)}-{rng.randint(10000000, 99999999)}。")
    return notice


def _title(d: _Draw, area: str, layout: str, rng: random.Random) -> list[str]:
    if layout == "by_body":
        full = f"{d.prefix}{d.year}年“质量月”主要活动安排"
        return [full]
    forms = [f"关于开展{d.year}年{area}“质量月”活动的通知",
             f"关于印发《{d.prefix}{d.year}年“质量月”活动实施方案》的通知"]
    if layout == "work_plan":
        forms = [f"关于印发《{d.prefix}{d.year}年“质量月”活动工作方案》的通知"]
    full = rng.choice(forms)
    if len(full) > 24:  # wrapped over two lines, as printed
        cut = full.index("》") - 4 if "》" in full else len(full) // 2
        return [full[:cut], full[cut:]]
    return [full]


def _salutation(d: _Draw) -> str:
    if d.level == "provincial":
        return "各市（州）市场监管局，省直有关部门："
    if d.level == "municipal":
        return "各区（市）县人民政府，市级有关部门："
    return "各街道办事处，区级有关部门，各有关单位："


def _activity_texts(d: _Draw, n: int) -> list[tuple[str, str, str]]:
    pool = [(cat, h, t) for cat, items in ACTIVITIES.items() for h, t in items]
    picked = d.rng.sample(pool, n)
    return [(cat, h, t.format(place=d.short_place)) for cat, h, t in picked]


def _clause_bodies(d: _Draw, exclude: set[str]) -> list[Body]:
    depts = [x for x in d.departments() if d.prefix + (x[1] if d.level == "provincial" else x[0]) not in exclude]
    return [d.body(x) for x in d.rng.sample(depts, 3)]


def _item(d: _Draw, notice: ListNotice, cat: str, head: str, detail: str, group: str | None,
          section_org: Body | None, form: str | None = None) -> tuple[str, list[str], dict[str, Any]]:
    """The item's paragraph text, its unnumbered lines and its truth activity."""
    rng = d.rng
    if section_org is not None:
        form = form or rng.choice(["none", "none", "none", "huitong_only"])
    else:
        form = form or rng.choice(CLAUSES)
    a, b, c = _clause_bodies(d, {section_org.canonical} if section_org else set())
    lead: list[Body] = []
    co: list[Body] = []
    raw: str | None = None
    body: list[str] = []
    sep = "，" if rng.random() < 0.5 else "、"
    text = f"{head}。{detail}。"
    if form == "paren_lead_co":
        raw = f"{a.written}牵头{sep}{b.written}、{c.written}配合"
        text += f"（{raw}）"
        lead, co = [a], [b, c]
    elif form == "paren_resp":
        raw = f"责任单位：{a.written}、{b.written}"
        text += f"（{raw}）"
        lead = [a, b]
    elif form == "paren_labels":
        raw = f"牵头单位：{a.written}；配合单位：{b.written}、{c.written}"
        text += f"（{raw}）"
        lead, co = [a], [b, c]
    elif form == "line_labels":
        raw = f"牵头单位：{a.written}；配合单位：{b.written}"
        if rng.random() < 0.5:
            body = [raw]
        else:
            body = [f"牵头单位：{a.written}", f"配合单位：{b.written}"]
        lead, co = [a], [b]
    elif form == "line_resp":
        raw = f"责任单位：{a.written}、{b.written}"
        body = [raw]
        lead = [a, b]
    elif form == "you_huitong":
        raw = f"{a.written}会同{b.written}"
        text = f"{head}。由{a.written}会同{b.written}组织，{detail}。"
        lead, co = [a], [b]
    elif form == "lead_co_prose":
        raw = f"{a.written}牵头，{b.written}配合"
        text = f"{head}。{a.written}牵头，{b.written}配合，{detail}。"
        lead, co = [a], [b]
    elif form == "lianhe":
        raw = f"{a.written}联合{b.written}"
        text = f"{head}。{a.written}联合{b.written}，{detail}。"
        lead, co = [a], [b]
    elif form == "joint_subject":
        raw = f"{a.written}、{b.written}联合"
        text = f"{head}。{a.written}、{b.written}联合开展专项工作，{detail}。"
        lead = [a, b]
    elif form == "fuze":
        raw = f"{a.written}负责"
        text = f"{head}。{detail}，由{a.written}负责组织实施。"
        lead = [a]
    elif form == "subject":
        raw = a.written
        text = f"{head}。{a.written}{detail}。"
        lead = [a]
    elif form == "mention":
        text = f"{head}。按照{a.written}的统一部署，{detail}。"
    elif form == "huitong_only":
        raw = f"会同{a.written}"
        text = f"{head}。会同{a.written}，{detail}。"
        co = [a]
    if section_org is not None:
        lead = [section_org, *lead]
        raw = section_org.written + (f"；{raw}" if raw else "")
    if not lead and not co and not notice.joint:
        lead = [notice.issuers[0]]  # an issuer announcing its own activities organizes them
    activity = {
        "source": "list", "category_raw": group, "category": cat, "project": None, "content": text,
        "time": None, "place": None, "organizers_raw": raw,
        "organizers": [x.canonical for x in lead + co], "lead": [x.canonical for x in lead],
        "clause_form": form,
    }
    return text, body, activity


def _activity_node(d: _Draw, notice: ListNotice, kind: str, number: int, cat: str, head: str, detail: str,
                   group: str | None, section_org: Body | None = None) -> Node:
    text, body, activity = _item(d, notice, cat, head, detail, group, section_org)
    return Node(kind, number, text, body=body, activity=activity)


def _requirements(d: _Draw, kind: str, office: str) -> list[Node]:
    reqs = d.rng.sample(REQUIREMENTS, d.rng.randint(2, 4))
    return [Node(kind, i + 1, f"{h}。{t.format(office=office)}") for i, (h, t) in enumerate(reqs)]


def _non_activity(d: _Draw, kind: str, number: int, which: int, office: str) -> Node:
    head, text = NON_ACTIVITY[which]
    text = text.format(office=office).replace("2019年", f"{d.year}年")
    sep = "。" if d.rng.random() < 0.5 else "："
    return Node(kind, number, f"{head}{sep}{text}")


def _grouped(d: _Draw, notice: ListNotice, office: str) -> list[Node]:
    rng = d.rng
    cats = rng.sample(list(GROUPS), rng.randint(2, 4))
    continuous = rng.random() < 0.5
    groups: list[Node] = []
    n = 0
    for gi, cat in enumerate(cats):
        heading = rng.choice(GROUPS[cat])
        gtext = heading if rng.random() < 0.7 else f"{heading}。突出活动主题，重点开展以下活动："
        items = []
        pool = [(cat, h, t.format(place=d.short_place)) for h, t in ACTIVITIES[cat]]
        for k, (c, h, t) in enumerate(rng.sample(pool, rng.randint(2, min(3, len(pool))))):
            n = n + 1 if continuous else k + 1
            items.append(_activity_node(d, notice, "arabic_dot", n, c, h, t, heading))
        groups.append(Node("cn_paren", gi + 1, gtext, children=items))
    return [
        Node("cn_dun", 1, "指导思想", body=[GUIDANCE]),
        Node("cn_dun", 2, "活动主题", body=[notice.theme or ""]),
        Node("cn_dun", 3, rng.choice(["主要活动", "活动内容", "重点活动"]), children=groups),
        Node("cn_dun", 4, rng.choice(["工作要求", "有关要求"]), children=_requirements(d, "cn_paren", office)),
    ]


def _siblings(d: _Draw, notice: ListNotice, office: str) -> list[Node]:
    rng = d.rng
    kids = [_non_activity(d, "cn_paren", 1, 0, office)]
    section = rng.choice(["活动安排", "主要活动"])
    for cat, h, t in _activity_texts(d, rng.randint(4, 7)):
        kids.append(_activity_node(d, notice, "cn_paren", len(kids) + 1, cat, h, t, section))
    kids.append(_non_activity(d, "cn_paren", len(kids) + 1, rng.choice([1, 3]), office))
    return [
        Node("cn_dun", 1, "总体要求", body=[GUIDANCE]),
        Node("cn_dun", 2, section, children=kids),
        Node("cn_dun", 3, "有关要求", children=_requirements(d, "cn_paren", office)),
    ]


def _by_body(d: _Draw, notice: ListNotice, office: str) -> list[Node]:
    rng = d.rng
    bodies = [d.body(x) for x in rng.sample(d.departments(), rng.randint(2, 4))]
    continuous = rng.random() < 0.6
    sections: list[Node] = []
    n = 0
    texts = _activity_texts(d, 3 * len(bodies))
    for si, org in enumerate(bodies):
        items = []
        for k in range(rng.randint(1, 3)):
            cat, h, t = texts.pop()
            n = n + 1 if continuous else k + 1
            items.append(_activity_node(d, notice, "cn_paren", n, cat, h, t, None, section_org=org))
        sections.append(Node("cn_dun", si + 1, f"{org.written}开展的活动", children=items))
    return sections


def _work_plan(d: _Draw, notice: ListNotice, office: str) -> list[Node]:
    rng = d.rng
    tasks = []
    section = rng.choice(["重点任务", "主要任务"])
    for cat, h, t in _activity_texts(d, rng.randint(4, 8)):
        tasks.append(_activity_node(d, notice, "cn_paren", len(tasks) + 1, cat, h, t, section))
    return [
        Node("cn_dun", 1, "总体目标", body=[GUIDANCE]),
        Node("cn_dun", 2, section, children=tasks),
        Node("cn_dun", 3, "保障措施", children=_requirements(d, "cn_paren", office)),
    ]


def _subpoints(d: _Draw, notice: ListNotice, office: str) -> list[Node]:
    rng = d.rng
    items = []
    section = rng.choice(["活动内容", "主要活动"])
    for cat, h, t in _activity_texts(d, rng.randint(3, 6)):
        node = _activity_node(d, notice, "cn_paren", len(items) + 1, cat, h, t, section)
        style = rng.choice(["paren", "yishi", "plain"])
        if style == "paren":
            node.children = [Node("arabic_paren", k + 1, p) for k, p in enumerate(
                rng.sample(["在主要街道悬挂宣传标语。", "在媒体开设质量专栏。", "组织专家现场答疑。",
                            "发放宣传资料和质量知识读本。"], rng.randint(2, 3)))]
        elif style == "yishi":
            extra = "一是加强组织协调；二是突出工作重点；三是及时总结经验。"
            node.text = node.text + extra if not node.text.endswith("）") else node.text
            if node.activity is not None and node.text.endswith(extra):
                node.activity["content"] = node.text
        items.append(node)
    return [
        Node("cn_dun", 1, "指导思想", body=[GUIDANCE]),
        Node("cn_dun", 2, "活动主题", body=[notice.theme or ""]),
        Node("cn_dun", 3, section, children=items),
        Node("cn_dun", 4, "工作要求", children=_requirements(d, "cn_paren", office)),
    ]


_LAYOUT_BUILDERS = {"grouped": _grouped, "siblings": _siblings, "by_body": _by_body, "work_plan": _work_plan,
                    "subpoints": _subpoints}


def walk(nodes: list[Node], path: tuple[str, ...] = ()) -> list[tuple[Node, str, int]]:
    """(node, path, depth) in document order."""
    out: list[tuple[Node, str, int]] = []
    for node in nodes:
        p = (*path, label(node))
        out.append((node, "/".join(p), len(p)))
        out.extend(walk(node.children, p))
    return out


def heading_of(text: str) -> str | None:
    """SPEC §2.2: the text up to the first 。 when at most 40 characters."""
    first, dot, _ = text.partition("。")
    if not dot:
        return text if len(text) <= 40 else None
    return first if len(first) <= 40 else None


def truth(n: ListNotice) -> dict[str, Any]:
    outline = []
    activities = []
    for node, path, depth in walk(n.nodes):
        outline.append({"path": path, "marker": marker(node, n.arabic_sep), "depth": depth,
                        "heading": heading_of(node.text), "text": node.text})
        if node.activity is not None:
            act = {k: v for k, v in node.activity.items() if k != "clause_form"}
            activities.append({"seq": len(activities) + 1, **act})
    return {
        "document": {
            "title": n.title, "doc_number": n.doc_number, "issuers": [b.canonical for b in n.issuers],
            "date": n.date, "year": n.year, "level": n.level, "region": n.region, "theme": n.theme,
            "slogans": [], "references": n.references,
        },
        "outline": outline, "activities": activities, "embedded": [],
    }
