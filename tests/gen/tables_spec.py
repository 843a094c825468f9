"""One data structure per generated notice with an activity table, and its truth by construction.

``make_notice(seed)`` draws a notice at random (region, level, year, issuer, title that may
wrap, table columns from the header vocabulary, group rows or a category column, spans in
the category / lead / time columns, two-row headers, 主办 vs 承办, time/place cells) and the
layout traits the renderers read (rules, orientation, repeated header, 续表, span label
position, split rows). ``truth(notice)`` is the corpus truth shape. The split is fixed:
``DEV_SEEDS`` for writing rules, ``HELD_OUT_SEEDS`` for measuring only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tests.gen import tables_vocab as V

DEV_SEEDS = list(range(0, 60))
HELD_OUT_SEEDS = list(range(1000, 1040))
NUMERALS = "一二三四五六七八九十"


@dataclass
class Column:
    role: str  # seq category project content time place lead co remarks extra
    header: str
    parent: str | None = None  # upper header cell of a two-row header
    width: float = 1.0


@dataclass
class Act:
    seq: int
    category: str  # category code
    group: str | None  # category label (group row text without ordinal, or the category cell)
    cells: dict[str, str]  # role → printed text ("\n" = a line break inside the cell)
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)


@dataclass
class Traits:
    rules: str = "full"  # full | borderless (rules above/below the header, under the last row) | hrules
    landscape: bool = False
    repeat_header: bool = True
    continued_mark: bool = False  # 续表 line above continuation fragments
    span_label: str = "first"  # first | centre | repeat : where a merged cell's text is printed on a PDF page
    split_rows: bool = False  # a row may break across pages
    group_rows: bool = False
    title_only: bool = False  # the notice is only its title and the table
    font_size: float = 10.5
    name_only: bool = False  # the activity column names the activity (活动名称 with no content column)


@dataclass
class Notice:
    seed: int
    name: str
    title_lines: list[str]
    issuer: str
    doc_number: str | None
    date: str
    year: int
    level: str
    region: str
    place_word: str  # how the text names the region (全市 / 全省 / 全区)
    theme: str
    body: list[str]
    table_title: str
    columns: list[Column]
    acts: list[Act]
    traits: Traits
    spans: set[str] = field(default_factory=set)  # roles merged down consecutive equal cells

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    def groups(self) -> list[tuple[str, list[Act]]]:
        out: list[tuple[str, list[Act]]] = []
        for a in self.acts:
            if not out or out[-1][0] != a.group:
                out.append((a.group or "", []))
            out[-1][1].append(a)
        return out


def _region(rng: random.Random) -> tuple[str, str, str, str, str]:
    """(level, region path, prefix of its bodies, short place name, 全X word)."""
    prov, city, districts = rng.choice(V.REGIONS)
    level = rng.choice(["municipal", "municipal", "district", "provincial"])
    if level == "provincial":
        return level, prov, prov, prov, "全省"
    if level == "district":
        d = rng.choice(districts)
        return level, prov + city + d, city + d, d, "全区"
    return level, prov + city, city, city, "全市"


def _bodies(level: str, prefix: str, year: int) -> tuple[str, list[str]]:
    own = V.NEW_BODY if year >= 2019 else V.OLD_BODIES[0]
    depts = V.PROVINCE_DEPARTMENTS if level == "provincial" else V.DEPARTMENTS
    others = [prefix + d for d in depts]
    if year < 2019:
        others += [prefix + b for b in V.OLD_BODIES[1:]]
    return prefix + own, others


def _columns(rng: random.Random, traits: Traits) -> tuple[list[Column], set[str]]:
    pick = rng.choice
    cols = [Column("seq", pick(V.HEADERS["seq"]), width=0.5)] if rng.random() < 0.85 else []
    group_mode = rng.choice(["rows", "column", "column", "none"])
    traits.group_rows = group_mode == "rows"
    if group_mode == "column":
        cols.append(Column("category", pick(V.HEADERS["category"]), width=0.9))
    has_content = rng.random() < 0.75
    if has_content:
        if rng.random() < 0.6:
            cols.append(Column("project", pick(V.HEADERS["project"]), width=1.4))
        cols.append(Column("content", pick(V.HEADERS["content"]), width=3.2))
    else:
        traits.name_only = True
        cols.append(Column("content", pick(V.HEADERS["content_only"]), width=2.6))
    schedule_two_row = rng.random() < 0.2
    if rng.random() < 0.7:
        cols.append(Column("time", pick(V.HEADERS["time"]), width=1.0))
    if rng.random() < 0.5:
        cols.append(Column("place", pick(V.HEADERS["place"]), width=1.1))
    roles = [c.role for c in cols]
    if schedule_two_row and "time" in roles and "place" in roles:
        for c in cols:
            if c.role in ("time", "place"):
                c.parent, c.header = V.TWO_ROW["schedule"][0], V.TWO_ROW["schedule"][1 if c.role == "time" else 2]
    kind = rng.random()
    if kind < 0.3:
        cols.append(Column("lead", pick(V.ONLY_ORGANIZER), width=1.6))
    elif kind < 0.5:
        top, lead_h, co_h = V.TWO_ROW["organizers"]
        cols += [Column("lead", lead_h, top, 1.5), Column("co", co_h, top, 1.6)]
    else:
        lead_h = pick(["主办单位", "牵头单位", "责任单位", "负责单位"])
        co_h = "承办单位" if lead_h == "主办单位" and rng.random() < 0.6 else pick(V.HEADERS["co"][1:])
        cols += [Column("lead", lead_h, width=1.5), Column("co", co_h, width=1.6)]
    if rng.random() < 0.25:
        cols.append(Column("remarks", "备注", width=0.7))
    elif rng.random() < 0.15:
        cols.append(Column("extra", pick(V.HEADERS["extra"]), width=0.9))
    spans = {r for r in ("category", "lead", "time") if rng.random() < (0.9 if r == "category" else 0.4)}
    return cols, spans


def _acts(rng: random.Random, cols: list[Column], spans: set[str], traits: Traits, c: str, year: int,
          own: str, others: list[str], district_words: list[str]) -> list[Act]:
    roles = {col.role for col in cols}
    cats = rng.sample(list(V.GROUP_LABELS), rng.randint(2, 5))
    n_total = rng.randint(12, 34)
    sizes = _split(rng, n_total, len(cats))
    acts: list[Act] = []
    used: set[str] = set()
    for cat, n in zip(cats, sizes, strict=True):
        label = rng.choice(V.GROUP_LABELS[cat])
        lead_run: list[str] = []
        time_run = ""
        for _ in range(n):
            cells: dict[str, str] = {}
            k_obj = rng.randrange(len(V.OBJECTS[cat]))
            proj = V.PROJECTS[cat][k_obj % len(V.PROJECTS[cat])]
            content = _content(rng, cat, k_obj, c, year, used)
            if "project" in roles:
                cells["project"] = proj
            cells["content"] = _short(content) if traits.name_only else content
            if "lead" not in spans or not lead_run or rng.random() < 0.45:
                k = 1 if rng.random() < 0.65 else 2
                lead_run = [own] if rng.random() < 0.5 else []
                lead_run += rng.sample(others, k)
                lead_run = lead_run[:2]
            lead = list(lead_run)
            co = rng.sample([o for o in others if o not in lead], rng.randint(1, 3)) if "co" in roles else []
            if "time" in roles:
                if "time" not in spans or not time_run or rng.random() < 0.5:
                    time_run = rng.choice(V.TIMES).format(y=year)
                cells["time"] = time_run
            if "place" in roles:
                cells["place"] = rng.choice(V.PLACES_SUFFIX).format(c=c, d=rng.choice(district_words))
            if "remarks" in roles and rng.random() < 0.3:
                cells["remarks"] = rng.choice(["常态化开展", "另行通知", "线上进行"])
            if "extra" in roles:
                cells["extra"] = rng.choice(V.EXTRAS)
            sep = "\n" if rng.random() < 0.4 else "、"
            cells["lead"] = sep.join(lead)
            if co:
                cells["co"] = sep.join(co)
            if "category" in roles:
                cells["category"] = label
            group = label if traits.group_rows or "category" in roles else None
            acts.append(Act(seq=len(acts) + 1, category=cat, group=group, cells=cells, lead=lead, co=co))
    return acts


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _content(rng: random.Random, cat: str, k: int, c: str, year: int, used: set[str]) -> str:
    for i in range(50):
        obj = V.OBJECTS[cat][(k + i // 8) % len(V.OBJECTS[cat])].format(c=c, y=year)
        text = rng.choice(V.VERBS) + obj
        if rng.random() < 0.4:
            text += rng.choice(["，营造全社会重视质量的良好氛围", "，推动企业落实质量主体责任", "，切实保障群众消费安全",
                                "，帮助企业解决质量技术难题", "，提升全员质量意识"])
        key = text.split("，")[0]
        if text not in used and key not in used:
            used |= {text, key}
            return text
    text = f"{text.split('，')[0]}（第{len(used) + 1}场）"
    used.add(text)
    return text


def _short(content: str) -> str:
    """An activity name: the content up to its first comma."""
    return content.split("，")[0]


def make_notice(seed: int) -> Notice:
    rng = random.Random(seed)
    year = rng.randint(2010, 2020)
    level, region, prefix, short, word = _region(rng)
    own, others = _bodies(level, prefix, year)
    traits = Traits(rules=rng.choice(["full", "full", "borderless", "hrules"]), landscape=rng.random() < 0.5,
                    repeat_header=rng.random() < 0.6, continued_mark=rng.random() < 0.4,
                    span_label=rng.choice(["first", "centre", "repeat"]), split_rows=rng.random() < 0.4,
                    title_only=rng.random() < 0.2, font_size=rng.choice([10.0, 10.5, 12.0]))
    cols, spans = _columns(rng, traits)
    if traits.group_rows:
        spans.discard("category")
    districts = next(d for p, ci, d in V.REGIONS if p in region and (ci in region or level == "provincial"))
    acts = _acts(rng, cols, spans, traits, short, year, own, others, districts)
    theme = rng.choice(["提升质量", "建设质量强国", "质量第一 效益优先", "推进质量提升 建设质量强市"])
    quoted = "“质量月”" if rng.random() < 0.8 else "质量月"
    title = f"关于开展{year}年{word}{quoted}活动的通知"
    if rng.random() < 0.4:
        title = f"{prefix}{own[len(prefix):]}关于开展{year}年{quoted}活动的通知"
    cut = rng.randint(len(title) // 2 - 3, len(title) // 2 + 3) if len(title) > 22 or rng.random() < 0.3 else 0
    title_lines = [title[:cut], title[cut:]] if cut else [title]
    table_title = f"{short}{year}年{quoted}重点活动安排表"
    if traits.title_only:
        title_lines = [table_title] if len(table_title) < 22 else [table_title[:10], table_title[10:]]
    abbr = prefix[0] + ("市监" if year >= 2019 else "质监") + rng.choice(["发", "函", "办"])
    date = f"{year}-08-{rng.randint(10, 28):02d}"
    body = [
        f"为深入贯彻落实质量强国战略，进一步提升{word}质量水平，根据{year}年全国“质量月”活动部署，"
        f"决定于{year}年9月在{word}范围内组织开展以“{theme}”为主题的"
        f"质量月活动。现将重点活动安排印发给你们，请结合实际认真组织实施。",
        "各单位要高度重视，精心组织，加强协调配合，确保各项活动取得实效，并于10月15日前将活动总结报送"
        f"{own}。",
    ]
    return Notice(seed=seed, name=f"gen{seed:04d}", title_lines=title_lines, issuer=own,
                  doc_number=None if traits.title_only else f"{abbr}〔{year}〕{rng.randint(5, 160)}号",
                  date=date, year=year, level=level, region=region, place_word=word, theme=theme, body=body,
                  table_title=table_title, columns=cols, acts=acts, traits=traits, spans=spans)


def organizers_raw(a: Act) -> str | None:
    lead, co = "、".join(a.lead), "、".join(a.co)
    return (lead + (f"；配合{co}" if co else "")) or None


def truth(n: Notice) -> dict[str, Any]:
    acts = []
    for a in n.acts:
        acts.append({
            "seq": a.seq, "source": "table", "category_raw": a.group, "category": a.category,
            "project": a.cells.get("project"), "content": a.cells["content"],
            "time": a.cells.get("time"), "place": a.cells.get("place"),
            "organizers_raw": organizers_raw(a),
            "organizers": list(dict.fromkeys(a.lead + a.co)), "lead": list(a.lead),
        })
    t = n.traits
    return {
        "document": {
            "title": n.title, "doc_number": n.doc_number,
            "issuers": [] if t.title_only else [n.issuer],
            "date": None if t.title_only else n.date, "year": n.year, "level": n.level, "region": n.region,
            "theme": None if t.title_only else n.theme, "slogans": [], "references": [],
        },
        "outline": [],
        "activities": acts,
        "embedded": [],
    }


def chinese_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def ordinal(i: int) -> str:
    return (NUMERALS[i] if i < 10 else f"十{NUMERALS[i - 10]}") + "、"
