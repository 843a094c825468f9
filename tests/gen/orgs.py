"""Organizer strings from all over China with their notice context and the expected bodies.

Written from the rules of naming official bodies, independently of ``normalizers``: the body is
region prefix + function + body type; districts are named with their city (长春市朝阳区…), counties,
county-level cities and autonomous units by their own name (诸暨市…, 延边朝鲜族自治州…); a relative
prefix (省/自治区/市/州/区/县/旗) means the notice's own unit of that rank; 政府 is the 人民政府.
The only shared input is the official division table (GB/T 2260, ``normalizers/data/gb2260.csv``).
Jiangsu and Tianjin (the corpus's regions) are left out.

One row per seed: seeds 0–299 are the development part, 1000–1199 the held-out part (fixed).
Seeds from 240 and from 1160 draw from the families added later (a bare same-named district after a
full name of another prefecture in the same cell, bodies written in full that no grammar builds —
associations, institutions, companies —, and the 住房和建设 slip); earlier seeds are unchanged.
``python -m tests.gen.orgs`` writes ``tests/data/orgs/dev.csv`` and ``heldout.csv``.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "normalizers" / "data" / "gb2260.csv"
OUT = ROOT / "tests" / "data" / "orgs"
DEV_SEEDS = range(0, 300)
HELDOUT_SEEDS = range(1000, 1200)
FIRST_LATER = (240, 1160)  # first seed of each part drawn from the later families
SKIP_PROVINCES = ("江苏省", "天津市", "台湾省", "香港特别行政区", "澳门特别行政区")
MUNICIPALITIES = ("北京市", "上海市", "重庆市", "天津市")
FIELDS = ["id", "split", "province", "region", "level", "year", "raw", "context", "expected", "status", "family"]

# written function → (full name, first year, last year) for local bodies below the province
LOCAL = [
    ("市场监管局", "市场监督管理局", 2016, 2020), ("质监局", "质量技术监督局", 2010, 2017),
    ("工商局", "工商行政管理局", 2010, 2017), ("食药监局", "食品药品监督管理局", 2013, 2017),
    ("发改委", "发展和改革委员会", 2010, 2020), ("经信委", "经济和信息化委员会", 2010, 2017),
    ("工信局", "工业和信息化局", 2019, 2020), ("住建局", "住房和城乡建设局", 2010, 2020),
    ("城乡建委", "城乡建设委员会", 2010, 2016), ("人社局", "人力资源和社会保障局", 2010, 2020),
    ("科技局", "科学技术局", 2010, 2020), ("教育局", "教育局", 2010, 2020), ("商务局", "商务局", 2010, 2020),
    ("卫健委", "卫生健康委员会", 2019, 2020), ("卫计委", "卫生和计划生育委员会", 2014, 2018),
    ("环保局", "环境保护局", 2010, 2018), ("生态环境局", "生态环境局", 2019, 2020),
    ("农业局", "农业局", 2010, 2018), ("农业农村局", "农业农村局", 2019, 2020),
    ("文广新局", "文化广电新闻出版局", 2010, 2017), ("文旅局", "文化和旅游局", 2019, 2020),
    ("安监局", "安全生产监督管理局", 2010, 2018), ("应急局", "应急管理局", 2019, 2020),
    ("统计局", "统计局", 2010, 2020), ("财政局", "财政局", 2010, 2020), ("公安局", "公安局", 2010, 2020),
    ("司法局", "司法局", 2010, 2020), ("民政局", "民政局", 2010, 2020), ("交通局", "交通运输局", 2010, 2020),
    ("水利局", "水利局", 2010, 2020), ("城管局", "城市管理局", 2012, 2020),
    ("国资委", "人民政府国有资产监督管理委员会", 2010, 2020), ("总工会", "总工会", 2010, 2020),
    ("妇联", "妇女联合会", 2010, 2020), ("科协", "科学技术协会", 2010, 2020),
    ("工商联", "工商业联合会", 2010, 2020), ("消协", "消费者协会", 2010, 2020), ("质协", "质量协会", 2010, 2020),
    ("政府", "人民政府", 2010, 2020), ("政府办", "人民政府办公室", 2010, 2020),
    ("医保局", "医疗保障局", 2019, 2020), ("退役军人事务局", "退役军人事务局", 2019, 2020),
]
# provincial bodies: 厅 where a province has one
PROVINCIAL = [
    ("教育厅", "教育厅", 2010, 2020), ("科技厅", "科学技术厅", 2010, 2020), ("住建厅", "住房和城乡建设厅", 2010, 2020),
    ("人社厅", "人力资源和社会保障厅", 2010, 2020), ("工信厅", "工业和信息化厅", 2019, 2020),
    ("财政厅", "财政厅", 2010, 2020), ("商务厅", "商务厅", 2010, 2020), ("交通运输厅", "交通运输厅", 2010, 2020),
    ("农业农村厅", "农业农村厅", 2019, 2020), ("生态环境厅", "生态环境厅", 2019, 2020),
    ("环保厅", "环境保护厅", 2010, 2017), ("市场监管局", "市场监督管理局", 2019, 2020),
    ("质监局", "质量技术监督局", 2010, 2017), ("食药监局", "食品药品监督管理局", 2013, 2017),
    ("工商局", "工商行政管理局", 2010, 2017), ("发改委", "发展和改革委员会", 2010, 2020),
    ("经信委", "经济和信息化委员会", 2010, 2017), ("卫健委", "卫生健康委员会", 2019, 2020),
    ("总工会", "总工会", 2010, 2020), ("妇联", "妇女联合会", 2010, 2020), ("科协", "科学技术协会", 2010, 2020),
    ("政府", "人民政府", 2010, 2020), ("政府办公厅", "人民政府办公厅", 2010, 2020),
]
# national bodies: written form → (canonical, first year, last year)
NATIONAL = [
    ("质检总局", "国家质量监督检验检疫总局", 2010, 2017), ("国家质检总局", "国家质量监督检验检疫总局", 2010, 2017),
    ("市场监管总局", "国家市场监督管理总局", 2018, 2020), ("国家发展改革委", "国家发展和改革委员会", 2010, 2020),
    ("工业和信息化部", "工业和信息化部", 2010, 2020), ("住房城乡建设部", "住房和城乡建设部", 2010, 2020),
    ("国家认监委", "国家认证认可监督管理委员会", 2010, 2020), ("国家标准委", "国家标准化管理委员会", 2010, 2020),
    ("中国质量协会", "中国质量协会", 2010, 2020), ("全国总工会", "中华全国总工会", 2010, 2020),
    ("共青团中央", "中国共产主义青年团中央委员会", 2010, 2020), ("全国妇联", "中华全国妇女联合会", 2010, 2020),
    ("中国科协", "中国科学技术协会", 2010, 2020), ("教育部", "教育部", 2010, 2020), ("科技部", "科学技术部", 2010, 2020),
    ("环境保护部", "环境保护部", 2010, 2017), ("生态环境部", "生态环境部", 2018, 2020),
    ("农业部", "农业部", 2010, 2017), ("农业农村部", "农业农村部", 2018, 2020), ("商务部", "商务部", 2010, 2020),
    ("中国石油和化学工业联合会", "中国石油和化学工业联合会", 2010, 2020),
    ("中国机械工业联合会", "中国机械工业联合会", 2010, 2020), ("中国轻工业联合会", "中国轻工业联合会", 2010, 2020),
    ("中国纺织工业联合会", "中国纺织工业联合会", 2010, 2020), ("中国建筑材料联合会", "中国建筑材料联合会", 2010, 2020),
    ("中国钢铁工业协会", "中国钢铁工业协会", 2010, 2020),
]
ZONES = [("高新区", "高新技术产业开发区"), ("经开区", "经济技术开发区"), ("经济技术开发区", "经济技术开发区")]
ZONE_BODIES = [("管委会", "管理委员会"), ("市场监管局", "市场监督管理局")]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # province / prefecture / county
    parent: str  # parent code
    start: int
    end: int | None

    def valid(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year < self.end)


@lru_cache(maxsize=1)
def units() -> dict[str, list[Unit]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        out: dict[str, list[Unit]] = {}
        for r in csv.DictReader(fh):
            u = Unit(r["code"], r["name"], r["level"], r["parent_code"], int(r["valid_from"]),
                     int(r["valid_to"]) if r["valid_to"] else None)
            out.setdefault(u.code, []).append(u)
        return out


def unit(code: str, year: int) -> Unit | None:
    return next((u for u in units().get(code, []) if u.valid(year)), None)


def chain(u: Unit, year: int) -> list[Unit]:
    """The unit and its parents, top first."""
    out = [u]
    while out[0].parent and (p := unit(out[0].parent, year)) is not None:
        out.insert(0, p)
    return out


def path(u: Unit, year: int) -> str:
    return "".join(x.name for x in chain(u, year))


def kind(u: Unit) -> str:
    if u.level != "county":
        return u.level
    if u.name.endswith("区") and not u.name.endswith("林区"):
        return "district"
    return "city" if u.name.endswith("市") else "county"


def prefix(u: Unit, year: int) -> str:
    """The region part of a body's official name."""
    ch = chain(u, year)
    parent = ch[-2] if len(ch) > 1 else None
    if u.level == "county" and parent is not None and (kind(u) == "district" or parent.name in MUNICIPALITIES):
        return parent.name + u.name
    return u.name


def marker(u: Unit) -> str:
    """The relative word a notice of ``u`` writes for its own unit."""
    if u.level == "province":
        return "自治区" if u.name.endswith("自治区") else ("市" if u.name in MUNICIPALITIES else "省")
    if u.level == "prefecture":
        return "州" if u.name.endswith("自治州") else ("盟" if u.name.endswith("盟") else
                                                  "地区" if u.name.endswith("地区") else "市")
    return {"district": "区", "city": "市"}.get(kind(u), "旗" if u.name.endswith("旗") else "县")


def level_of(u: Unit) -> str:
    return {"province": "provincial", "prefecture": "municipal"}.get(u.level, "district")


def pick_unit(rng: random.Random, year: int, level: str, pred=None) -> Unit:
    pool = [u for us in units().values() for u in us if u.level == level and u.valid(year)
            and not path(u, year).startswith(SKIP_PROVINCES) and (pred is None or pred(u))]
    return rng.choice(sorted(pool, key=lambda u: u.code))


def vocab(u: Unit, year: int) -> list[tuple[str, str, int, int]]:
    words = PROVINCIAL if u.level == "province" and u.name not in MUNICIPALITIES else LOCAL
    return [w for w in words if w[2] <= year <= w[3]]


def body(rng: random.Random, u: Unit, year: int, n: int) -> list[tuple[str, str]]:
    words = rng.sample(vocab(u, year), n)
    return [(w[0], w[1]) for w in words]


def _row(family: str, u: Unit | None, year: int, raw: str, expected: list[str], status: str = "resolved",
         context: str = "") -> dict[str, str]:
    region = path(u, year) if u else ""
    return {"region": region, "province": chain(u, year)[0].name if u else "", "level": level_of(u) if u else "national",
            "year": str(year), "raw": raw, "context": context, "expected": "|".join(expected), "status": status,
            "family": family}


def duplicated_districts(year: int) -> dict[str, list[Unit]]:
    names: dict[str, list[Unit]] = {}
    for us in units().values():
        for u in us:
            if u.level == "county" and kind(u) == "district" and u.valid(year) and len(u.name) >= 3:
                names.setdefault(u.name, []).append(u)
    return {k: v for k, v in names.items() if len(v) > 1}


def make(seed: int) -> dict[str, str]:
    if FIRST_LATER[0] <= seed < HELDOUT_SEEDS.start or seed >= FIRST_LATER[1]:
        return make_later(seed)
    rng = random.Random(seed)
    year = rng.randint(2010, 2020)
    family = rng.choice(["relative", "relative", "list", "list", "spaced", "same_name", "same_name", "autonomous",
                         "county_city", "county", "zone", "national", "party", "collective", "defined",
                         "ambiguous", "explicit", "conversion", "full_name", "short_chain", "second_plate",
                         "conjunction", "roles", "sub_collective", "national_collective", "parent_rank",
                         "autonomous_short", "full_spaced"])
    return {"id": str(seed), **FAMILIES[family](rng, year)}


def _relative(rng: random.Random, year: int) -> dict[str, str]:
    level = rng.choice(["province", "prefecture", "county"])
    u = pick_unit(rng, year, level)
    (w, full), = body(rng, u, year, 1)
    return _row("relative", u, year, marker(u) + w, [prefix(u, year) + full])


def _list(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county", "province"]))
    bodies = body(rng, u, year, rng.randint(2, 4))
    m = marker(u)
    written = [m + bodies[0][0]] + [b[0] if rng.random() < 0.5 else m + b[0] for b in bodies[1:]]
    tail = rng.choice(["", "牵头", "等部门", "负责"])
    return _row("list", u, year, "、".join(written) + tail, [prefix(u, year) + b[1] for b in bodies])


def _spaced(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "province", "county"]))
    bodies = body(rng, u, year, rng.randint(2, 3))
    m = marker(u)
    return _row("spaced", u, year, rng.choice([" ", "  ", "　"]).join(m + b[0] for b in bodies),
                [prefix(u, year) + b[1] for b in bodies])


def _same_name(rng: random.Random, year: int) -> dict[str, str]:
    dups = duplicated_districts(year)
    name = rng.choice(sorted(dups))
    choices = [u for u in dups[name] if not path(u, year).startswith(SKIP_PROVINCES)] or dups[name]
    u = rng.choice(sorted(choices, key=lambda x: x.code))
    city = chain(u, year)[-2]
    (w, full), = body(rng, u, year, 1)
    written = rng.choice([name + w, city.name + name + w, "区" + w])
    ctx = rng.choice([u, city]) if not written.startswith("区") else u
    return _row("same_name", ctx, year, written, [prefix(u, year) + full])


def _autonomous(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "province", "county"]),
                  lambda x: "自治" in x.name or x.name.endswith("旗"))
    bodies = body(rng, u, year, rng.randint(1, 2))
    return _row("autonomous", u, year, "、".join(marker(u) + b[0] for b in bodies), [prefix(u, year) + b[1] for b in bodies])


def _county_city(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, "county", lambda x: kind(x) == "city")
    bodies = body(rng, u, year, rng.randint(1, 2))
    return _row("county_city", u, year, "、".join("市" + b[0] for b in bodies), [prefix(u, year) + b[1] for b in bodies])


def _county(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, "county", lambda x: kind(x) == "county" and x.name.endswith("县"))
    bodies = body(rng, u, year, 2)
    return _row("county", u, year, f"县{bodies[0][0]}牵头，县{bodies[1][0]}配合", [prefix(u, year) + b[1] for b in bodies])


def _zone(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, "prefecture", lambda x: x.name.endswith("市") and len(x.name) >= 3)
    z, zfull = rng.choice(ZONES)
    b, bfull = rng.choice(ZONE_BODIES)
    written = rng.choice([z + b, u.name[:-1] + z + b])
    return _row("zone", u, year, written, [u.name[:-1] + zfull + bfull])


def _national(rng: random.Random, year: int) -> dict[str, str]:
    words = [w for w in NATIONAL if w[2] <= year <= w[3]]
    picked = rng.sample(words, rng.randint(1, 3))
    return _row("national", None, year, "、".join(w[0] for w in picked), [w[1] for w in picked])


def _party(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county"]))
    m, p = marker(u), prefix(u, year)
    forms = [(f"{m}委宣传部", f"中共{p}委员会宣传部"), (f"团{m}委", f"共青团{p}委员会"),
             (f"{m}人大常委会", f"{p}人民代表大会常务委员会"), (f"{m}政协", f"中国人民政治协商会议{p}委员会"),
             (f"{m}妇联", f"{p}妇女联合会"), (f"{m}总工会", f"{p}总工会")]
    picked = rng.sample(forms, rng.randint(1, 3))
    return _row("party", u, year, "、".join(f[0] for f in picked), [f[1] for f in picked])


def _collective(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county"]))
    (w, full), = body(rng, u, year, 1)
    m = marker(u)
    return _row("collective", u, year, f"{m}{w}牵头，各成员单位配合", [prefix(u, year) + full, f"*{prefix(u, year)}各成员单位"])


def _defined(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, "prefecture", lambda x: x.name.endswith("市"))
    p = prefix(u, year)
    full, short = rng.choice([(f"{p}质量强市工作领导小组办公室", "市质强办"), (f"{p}市场监督管理局", "市监局"),
                              (f"{p}质量发展委员会办公室", "市质发办")])
    context = f"为做好今年“质量月”活动，{full}（以下简称{short}）会同有关部门制定本方案。"
    return _row("defined", u, year, f"{short}牵头", [full], context=context)


def _ambiguous(rng: random.Random, year: int) -> dict[str, str]:
    dups = duplicated_districts(year)
    name = rng.choice(sorted(dups))
    (w, _full), = body(rng, dups[name][0], year, 1)
    return _row("ambiguous", None, year, name + w, [], status="ambiguous")


def _explicit(rng: random.Random, year: int) -> dict[str, str]:
    """A district of another city named in full in a provincial notice: the full chain decides."""
    u = pick_unit(rng, year, "county", lambda x: kind(x) == "district")
    prov = chain(u, year)[0]
    (w, full), = body(rng, u, year, 1)
    return _row("explicit", prov, year, prefix(u, year) + w, [prefix(u, year) + full])


def _conversion(rng: random.Random, year: int) -> dict[str, str]:
    """A unit converted or renamed in 2010–2020 (county → district …): the notice's year decides."""
    old = [u for us in units().values() for u in us if u.level == "county" and u.end and 2011 <= u.end <= 2020
           and not path(u, u.start).startswith(SKIP_PROVINCES) and u.start <= 2019]
    u = rng.choice(sorted(old, key=lambda x: x.code))
    year = rng.randint(max(2010, u.start), u.end - 1)
    (w, full), = body(rng, u, year, 1)
    return _row("conversion", u, year, marker(u) + w, [prefix(u, year) + full])


def _full_name(rng: random.Random, year: int) -> dict[str, str]:
    """The body written in full in its own notice, or in the notice of its province."""
    u = pick_unit(rng, year, rng.choice(["prefecture", "county", "province"]))
    (w, full), = body(rng, u, year, 1)
    ctx = rng.choice([u, chain(u, year)[0]])
    return _row("full_name", ctx, year, prefix(u, year) + full, [prefix(u, year) + full])


def _short_chain(rng: random.Random, year: int) -> dict[str, str]:
    """长春朝阳区市场监管局: the city's short name before its district."""
    u = pick_unit(rng, year, "county", lambda x: kind(x) == "district" and len(x.name) >= 3)
    city = chain(u, year)[-2]
    if not city.name.endswith("市") or city.name in MUNICIPALITIES:
        return _full_name(rng, year)
    (w, full), = body(rng, u, year, 1)
    return _row("short_chain", chain(u, year)[0], year, city.name[:-1] + u.name + w, [prefix(u, year) + full])


def _second_plate(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county"]))
    m = marker(u)
    if year >= 2016:
        raw, full = f"{m}市场监管局（知识产权局）", "市场监督管理局"
    else:
        raw, full = f"{m}质监局（标准化研究所）", "质量技术监督局"
    return _row("second_plate", u, year, raw, [prefix(u, year) + full])


def _conjunction(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county"]))
    bodies = body(rng, u, year, 2)
    m = marker(u)
    return _row("conjunction", u, year, f"{m}{bodies[0][0]}{rng.choice('和及与')}{m}{bodies[1][0]}",
                [prefix(u, year) + b[1] for b in bodies])


def _roles(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county", "province"]))
    bodies = body(rng, u, year, 3)
    m = marker(u)
    raw, n = rng.choice([(f"由{m}{bodies[0][0]}会同{m}{bodies[1][0]}、{m}{bodies[2][0]}", 3),
                         (f"{m}{bodies[0][0]}、{m}{bodies[1][0]}联合", 2),
                         (f"牵头单位：{m}{bodies[0][0]}；配合单位：{m}{bodies[1][0]}、{m}{bodies[2][0]}", 3)])
    used = bodies[:n]
    return _row("roles", u, year, raw, [prefix(u, year) + b[1] for b in used])


def _sub_collective(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, "prefecture", lambda x: x.name.endswith("市"))
    w, full = rng.choice([("市场监管局", "市场监督管理局")] if year >= 2016 else [("质监局", "质量技术监督局")])
    return _row("sub_collective", u, year, f"各县（市、区）{w}", [f"*{prefix(u, year)}各县（市、区）{full}"])


def _national_collective(rng: random.Random, year: int) -> dict[str, str]:
    w, full = ("市场监管局", "市场监督管理局") if year >= 2019 else ("质量技术监督局", "质量技术监督局")
    return _row("national_collective", None, year, f"各省、自治区、直辖市{w}", [f"*各省（自治区、直辖市）{full}"])


def _parent_rank(rng: random.Random, year: int) -> dict[str, str]:
    """市质监局 in a district or county notice: the city above it."""
    u = pick_unit(rng, year, "county", lambda x: kind(x) in ("district", "county"))
    city = chain(u, year)[-2]
    if city.level != "prefecture" or not city.name.endswith("市"):
        return _relative(rng, year)
    (w, full), = body(rng, city, year, 1)
    (w2, full2), = body(rng, u, year, 1)
    return _row("parent_rank", u, year, f"市{w}、{marker(u)}{w2}", [prefix(city, year) + full, prefix(u, year) + full2])


def _autonomous_short(rng: random.Random, year: int) -> dict[str, str]:
    """延边州市场监管局 in its province's notice: the prefecture's stem + 州."""
    u = pick_unit(rng, year, "prefecture", lambda x: x.name.endswith("自治州"))
    stem = next(u.name[:i] for i in range(2, len(u.name)) if u.name[i:].endswith("自治州")
                and any(u.name[i:].startswith(e) for e in ETHNIC_HEADS))
    (w, full), = body(rng, u, year, 1)
    return _row("autonomous_short", chain(u, year)[0], year, stem + "州" + w, [prefix(u, year) + full])


ETHNIC_HEADS = ("朝鲜", "土家", "苗", "布依", "藏", "彝", "傣", "白", "哈尼", "壮", "景颇", "傈僳", "回", "蒙古",
                "哈萨克", "柯尔克孜", "羌", "侗", "黎")


def _full_spaced(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["province", "prefecture"]))
    bodies = body(rng, u, year, 2)
    p = prefix(u, year)
    return _row("full_spaced", u, year, " ".join(p + b[1] for b in bodies), [p + b[1] for b in bodies])


def make_later(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    year = rng.randint(2010, 2020)
    family = rng.choice(["carried_same_name", "carried_same_name", "written_body", "written_body", "slip"])
    return {"id": str(seed), **LATER_FAMILIES[family](rng, year)}


def _carried_same_name(rng: random.Random, year: int) -> dict[str, str]:
    """包头市青山区X局、青山区Y局 in a notice of the other 青山区 (or its city): the cell's own city decides."""
    dups = duplicated_districts(year)
    name = rng.choice(sorted(dups))
    own, other = rng.sample(sorted(dups[name], key=lambda x: x.code), 2)
    city = chain(own, year)[-2]
    (w1, f1), (w2, f2) = body(rng, own, year, 2)
    sep = rng.choice(["、", " ", "；", "\n"])
    ctx = rng.choice([other, chain(other, year)[-2]])
    return _row("carried_same_name", ctx, year, f"{city.name}{name}{w1}{sep}{name}{w2}",
                [prefix(own, year) + f1, prefix(own, year) + f2])


# bodies no function grammar builds: taken as written when their region is written in front
WRITTEN = ["市政工程协会", "民营经济协会", "建筑业协会", "食品工业协会", "计量测试学会", "标准化协会",
           "产品质量监督检验所", "计量检定测试所", "建设工程质量监督站", "水利工程质量监督站", "特种设备检验研究院",
           "城市建设投资有限公司", "公共交通有限公司", "水务集团有限公司"]


def _written_body(rng: random.Random, year: int) -> dict[str, str]:
    u = pick_unit(rng, year, rng.choice(["prefecture", "county"]))
    p = prefix(u, year)
    named = rng.sample(WRITTEN, rng.randint(1, 2))
    ctx = rng.choice([u, chain(u, year)[0]])
    if ctx is u and rng.random() < 0.5:
        (w, full), = body(rng, u, year, 1)
        return _row("written_body", u, year, "、".join([marker(u) + w, *(p + n for n in named)]),
                    [p + full, *(p + n for n in named)])
    return _row("written_body", ctx, year, "、".join(p + n for n in named), [p + n for n in named])


def _slip(rng: random.Random, year: int) -> dict[str, str]:
    """住房和建设局 (城乡 left out) names the 住房和城乡建设局 (厅 of a province)."""
    u = pick_unit(rng, year, rng.choice(["province", "prefecture", "county"]))
    t = "厅" if u.level == "province" and u.name not in MUNICIPALITIES else "局"
    return _row("slip", u, year, f"{marker(u)}住房和建设{t}", [prefix(u, year) + "住房和城乡建设" + t])


LATER_FAMILIES = {"carried_same_name": _carried_same_name, "written_body": _written_body, "slip": _slip}


FAMILIES = {"relative": _relative, "list": _list, "spaced": _spaced, "same_name": _same_name,
            "autonomous": _autonomous, "county_city": _county_city, "county": _county, "zone": _zone,
            "national": _national, "party": _party, "collective": _collective, "defined": _defined,
            "ambiguous": _ambiguous, "explicit": _explicit, "conversion": _conversion, "full_name": _full_name,
            "short_chain": _short_chain, "second_plate": _second_plate, "conjunction": _conjunction,
            "roles": _roles, "sub_collective": _sub_collective, "national_collective": _national_collective,
            "parent_rank": _parent_rank, "autonomous_short": _autonomous_short, "full_spaced": _full_spaced}


def write() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, seeds in (("dev", DEV_SEEDS), ("heldout", HELDOUT_SEEDS)):
        with (OUT / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
            w.writeheader()
            for seed in seeds:
                w.writerow({**make(seed), "split": name})


if __name__ == "__main__":
    write()
