"""Administrative divisions (GB/T 2260, 2010–2020) and the region prefixes of organization names.

``normalizers/data/gb2260.csv`` is the complete code table (provinces, prefectures, counties)
of every division in use at some time in 2010–2020, with its validity years (vendored from
the areacodes dataset, see ``vendor_gb2260.py``): 崇文区/宣武区 end in 2010, 闸北区 in 2015,
吴江市 becomes 吴江区 in 2012. ``normalizers/data/regions.csv`` adds what the code table has
not: one-character province names (苏, 浙, 川|蜀) and development zones and new areas, each
under the city or province that runs it (they have no GB/T 2260 code). Short forms (苏州,
延边, 长阳) are built by rule (:mod:`normalizers.region_names`).

A name resolves only inside a notice's own region chain: the notice region, its parents and
their subtrees, nearest first; elsewhere only a name that is unique in the country (or a
provincial-level name) is taken. A same-named unit of another province is never chosen.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import ahocorasick

from normalizers.region_names import short_forms, standalone_forms, weak_name

DATA_DIR = Path(__file__).parent / "data"
GB2260 = DATA_DIR / "gb2260.csv"
DATA = DATA_DIR / "regions.csv"

PROVINCIAL = {"province", "municipality", "sar"}
CITY_LIKE = {"prefecture", "county_city", "municipality"}
LEVEL_OF_KIND = {
    "province": "provincial", "municipality": "provincial", "sar": "provincial",
    "prefecture": "municipal", "district": "district", "county": "district", "county_city": "district",
    "zone": "district",
}


@dataclass(frozen=True)
class Region:
    name: str
    kind: str
    parent: str = ""
    aliases: tuple[str, ...] = ()
    former: bool = False
    code: str = ""
    valid_from: int = 0
    valid_to: int | None = None  # the year it was abolished or renamed (in use before that year's end)

    @property
    def path(self) -> str:
        """Full path, e.g. 江苏省苏州市相城区 (天津市 alone for the municipality)."""
        return self.parent + self.name

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[self.kind]

    def valid(self, year: int | None, strict: bool = False) -> bool:
        """In use in ``year`` (``strict``: for the whole year; a year of change counts otherwise)."""
        if year is None:
            return not self.former
        if year < self.valid_from:
            return False
        return self.valid_to is None or year < self.valid_to or (not strict and year == self.valid_to)


@dataclass
class RegionIndex:
    by_path: dict[str, Region] = field(default_factory=dict)
    by_token: dict[str, list[Region]] = field(default_factory=dict)
    standalone: dict[str, set[str]] = field(default_factory=dict)  # token → paths it names on its own
    automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)

    def parent_of(self, region: Region) -> Region | None:
        return self.by_path.get(region.parent)

    def ancestors(self, region: Region) -> list[Region]:
        """The region and its parents, nearest first."""
        chain: list[Region] = []
        cur: Region | None = region
        while cur is not None:
            chain.append(cur)
            cur = self.parent_of(cur)
        return chain

    def is_standalone(self, token: str, region: Region) -> bool:
        return region.path in self.standalone.get(token, ())


def _int(value: str) -> int | None:
    return int(value) if value else None


def _gb2260_rows(path: Path) -> list[Region]:
    """Code-table rows → regions with full parent paths (the parent in use when the row was)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_code: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_code.setdefault(r["code"], []).append(r)

    def parent_path(r: dict[str, str]) -> str:
        if not r["parent_code"]:
            return ""
        parents = by_code.get(r["parent_code"], [])
        end = _int(r["valid_to"]) or 9999
        fitting = [p for p in parents if int(p["valid_from"]) < end and (_int(p["valid_to"]) or 9999) > int(r["valid_from"])]
        best = max(fitting or parents, key=lambda p: _int(p["valid_to"]) or 9999)
        return parent_path(best) + best["name"]

    out: list[Region] = []
    for r in rows:
        valid_to = _int(r["valid_to"])
        out.append(Region(name=r["name"], kind=r["kind"], parent=parent_path(r), code=r["code"],
                          valid_from=int(r["valid_from"]), valid_to=valid_to, former=valid_to is not None))
    return out


def _overlay_rows(path: Path) -> list[Region]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Region(name=r["name"], kind=r["kind"], parent=r["parent"],
                   aliases=tuple(a for a in r["aliases"].split("|") if a), former=bool(r.get("valid_to")),
                   valid_from=int(r.get("valid_from") or 0), valid_to=_int(r.get("valid_to") or ""))
            for r in csv.DictReader(fh)
        ]


def _merge(old: Region, new: Region) -> Region:
    """One path met twice (a code change, or an overlay row adding aliases): one region."""
    to = None if old.valid_to is None or new.valid_to is None else max(old.valid_to, new.valid_to)
    aliases = tuple(dict.fromkeys(old.aliases + new.aliases))
    return replace(old, aliases=aliases, valid_from=min(old.valid_from or 9999, new.valid_from or 9999) % 9999,
                   valid_to=to, former=to is not None, code=old.code or new.code)


@lru_cache(maxsize=4)
def load_regions(path: Path = DATA, table: Path = GB2260) -> RegionIndex:
    index = RegionIndex()
    for region in [*_gb2260_rows(table), *_overlay_rows(path)]:
        old = index.by_path.get(region.path)
        index.by_path[region.path] = _merge(old, region) if old else region
    for path_, region in list(index.by_path.items()):
        region = replace(region, aliases=tuple(dict.fromkeys(region.aliases + short_forms(region.name, region.kind))))
        index.by_path[path_] = region
    for region in index.by_path.values():
        for token in (region.name, *region.aliases):
            index.by_token.setdefault(token, []).append(region)
        for token in standalone_forms(region.name, region.kind):
            index.standalone.setdefault(token, set()).add(region.path)
    for token in index.by_token:
        index.automaton.add_word(token, token)
    index.automaton.make_automaton()
    return index


def is_under(region: Region, ancestor: Region) -> bool:
    return region.path != ancestor.path and region.path.startswith(ancestor.path)


def _under(region: Region, context: Region | None) -> bool:
    return context is not None and (region.path.startswith(context.path) or context.path.startswith(region.path))


def chain_rank(region: Region, context: Region | None) -> int | None:
    """How near ``region`` is to the notice's chain: 0 the context or one of its parents, 1 inside the
    context, k+1 inside its k-th parent; None outside the context's province (or no context)."""
    if context is None:
        return None
    if context.path.startswith(region.path):
        return 0
    for k, anc in enumerate(load_regions().ancestors(context)):
        if region.path.startswith(anc.path):
            return k + 1
    return None


def choose(candidates: list[Region], context: Region | None, year: int | None = None,
           token: str = "") -> tuple[Region | None, list[Region]]:
    """One region among same-named candidates, inside the notice's chain; else (None, candidates).

    Nearest in the chain first, then the one in use in the notice's year. Outside the chain
    only a provincial-level region or a name unique in the country is taken.
    """
    if not candidates:
        return None, []
    ranked = [(chain_rank(c, context), c) for c in candidates]
    related = [c for r, c in ranked if r is not None]
    if related:
        best = min(r for r, _c in ranked if r is not None)
        pool = [c for r, c in ranked if r == best]
    else:
        pool = candidates
    pool = _in_year(pool, year)
    if len(pool) == 1:
        region = pool[0]
        if related or region.kind in PROVINCIAL or len(_in_year(candidates, year)) == 1:
            return region, []
    provincial = [c for c in pool if c.kind in PROVINCIAL]
    if len(provincial) == 1:
        return provincial[0], []
    return None, pool


def _in_year(pool: list[Region], year: int | None) -> list[Region]:
    for strict in (True, False):
        now = [c for c in pool if c.valid(year, strict)]
        if now:
            return now
    return pool


def pick(candidates: list[Region], context: Region | None, year: int | None = None) -> Region | None:
    return choose(candidates, context, year)[0]


@dataclass(frozen=True)
class RegionMatch:
    region: Region | None
    end: int
    candidates: tuple[Region, ...] = ()  # same-named regions that could not be told apart
    ambiguous_end: int = 0  # where the ambiguous name ends
    shorter: tuple[tuple[Region, int], ...] = ()  # the chain's earlier steps (region, end), shortest first


def match_region(text: str, context: Region | None = None, year: int | None = None) -> RegionMatch:
    """The region named at the start of ``text`` (chains like 江苏省苏州市 or 苏州相城区) and its length."""
    index = load_regions()
    found: Region | None = None
    pos = 0
    steps: list[tuple[Region, int]] = []
    while pos < len(text):
        step = _match_one(index, text, pos, found, context, year)
        if step is None:
            break
        region, end, cands = step
        if region is None:
            if found is None:
                return RegionMatch(found, pos, cands, end)
            break
        if found is not None:
            steps.append((found, pos))
        found, pos = region, end
    return RegionMatch(found, pos, shorter=tuple(steps))


def match_prefix(text: str, context: Region | None = None, year: int | None = None) -> tuple[Region | None, int]:
    m = match_region(text, context, year)
    return m.region, m.end


def _match_one(index: RegionIndex, text: str, pos: int, parent: Region | None, context: Region | None,
               year: int | None) -> tuple[Region | None, int, tuple[Region, ...]] | None:
    """The longest region token at ``pos``: a child of ``parent`` when chained, else in the context."""
    for end in range(min(len(text), pos + 14), pos, -1):
        token = text[pos:end]
        cands = index.by_token.get(token)
        if not cands:
            continue
        if parent is not None:
            region, _ = choose([c for c in cands if is_under(c, parent)], parent, year, token)
            if region is not None:
                return region, end, ()
            continue
        full = [c for c in cands if (token == c.name and not weak_name(c.name, c.kind)) or index.is_standalone(token, c)]
        if full:
            region, pool = choose(full, context, year, token)
            return region, end, tuple(pool)
        if end < len(text):  # a short form (苏州) counts only when its own child follows (苏州相城区)
            for c in _in_year(cands, year):
                follow = _match_one(index, text, end, c, None, year)
                if follow is not None and follow[0] is not None:
                    return c, end, ()
    return None


def org_prefix(region: Region) -> str:
    """How bodies of ``region`` are named: 长春市朝阳区…, 北京市密云县…, 诸暨市… (no 绍兴市), 苏州工业园区…"""
    parent = load_regions().by_path.get(region.parent)
    if region.kind == "district" or (region.kind in ("county", "county_city") and parent is not None
                                     and parent.kind == "municipality"):
        return (parent.name if parent else "") + region.name
    return region.name


_MARKER_KINDS: dict[str, tuple[set[str], str]] = {
    # marker → (kinds it may mean, name ending required ("" = any))
    "省": (PROVINCIAL, ""), "自治区": ({"province"}, "自治区"), "市": (CITY_LIKE, "市"),
    "州": ({"prefecture"}, "州"), "自治州": ({"prefecture"}, "自治州"), "地区": ({"prefecture"}, "地区"),
    "盟": ({"prefecture"}, "盟"), "区": ({"district", "zone"}, ""), "县": ({"county"}, "县"),
    "自治县": ({"county"}, "自治县"), "旗": ({"county"}, "旗"),
}
RELATIVE_MARKERS = tuple(sorted(_MARKER_KINDS, key=len, reverse=True))


def nearest(region: Region | None, marker: str) -> Region | None:
    """The region a relative prefix means in a notice of ``region``: 省, 市, 区, 县, 州, 自治区, 旗 …"""
    if region is None or marker not in _MARKER_KINDS:
        return None
    kinds, ending = _MARKER_KINDS[marker]
    chain = load_regions().ancestors(region)
    if marker == "区":
        if region.kind in kinds:
            return region
        # 区 in a notice of an autonomous region itself means that region (区市场监管局 in 宁夏)
        return region if region.kind == "province" and region.name.endswith("自治区") else None
    if marker == "市" and region.kind == "municipality":
        return region
    return next((r for r in chain if r.kind in kinds and r.name.endswith(ending)), None)


def by_path(path: str | None, year: int | None = None) -> Region | None:
    """The region of a full path (江苏省苏州市相城区), or of a chain that names it (长春市朝阳区)."""
    index = load_regions()
    found = index.by_path.get(path or "")
    if found is not None or not path:
        return found
    m = match_region(path, None, year)
    return m.region if m.region is not None and m.end == len(path) else None


def province_of(region: Region) -> Region:
    return load_regions().ancestors(region)[-1]


def mentions(text: str, year: int | None = None) -> dict[str, int]:
    """Region full names (and ≥2-char short forms of provinces and cities) counted in ``text``, by path.

    A chain (嘉兴市南湖区) counts for its last region only; a name several regions share (朝阳区)
    counts for the one inside the region the text names most, else not at all.
    """
    index = load_regions()
    counts: dict[str, int] = {}
    open_names: list[list[Region]] = []
    prev: tuple[int, Region] | None = None
    for end, token in index.automaton.iter_long(text):
        cands = [r for r in index.by_token[token]
                 if (token == r.name and not weak_name(r.name, r.kind))
                 or (len(token) >= 2 and r.kind in PROVINCIAL | {"prefecture"})]
        start = end - len(token) + 1
        if prev is not None and prev[0] == start:
            children = [r for r in index.by_token[token] if is_under(r, prev[1])]
            if children:
                cands = children
                counts[prev[1].path] -= 1
        region, pool = choose(cands, None, year)
        if region is None and len(pool) > 1:
            open_names.append(pool)
        if region is not None:
            counts[region.path] = counts.get(region.path, 0) + 1
        prev = (end + 1, region) if region is not None else None
    top = max(counts.items(), key=lambda kv: kv[1])[0] if counts else None
    for pool in open_names:
        inside = [r for r in pool if top and r.path.startswith(top)]
        if len(inside) == 1:
            counts[inside[0].path] = counts.get(inside[0].path, 0) + 1
    return {k: v for k, v in counts.items() if v > 0}


def province_abbreviation(char: str) -> Region | None:
    """浙 → 浙江省, 沪 → 上海市: the one-character names of provincial-level regions."""
    return pick([r for r in load_regions().by_token.get(char, []) if r.kind in PROVINCIAL], None)
