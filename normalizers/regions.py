"""Administrative divisions (GB/T 2260 names) and the region prefixes of organization names.

The data file ``normalizers/data/regions.csv`` lists provinces, prefecture-level cities and
(for some provinces) districts, counties, county-level cities and development zones, each
under its parent. Former names (吴江市 before 2012, 塘沽区 before 2009) stay with a flag so
older notices resolve. Development zones have no GB/T 2260 code: they sit under the city
that runs them and their bodies are named after the zone (苏州工业园区市场监督管理局).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

DATA = Path(__file__).parent / "data" / "regions.csv"

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

    @property
    def path(self) -> str:
        """Full path, e.g. 江苏省苏州市相城区 (天津市 alone for the municipality)."""
        return self.parent + self.name

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[self.kind]


@dataclass
class RegionIndex:
    by_path: dict[str, Region] = field(default_factory=dict)
    by_token: dict[str, list[Region]] = field(default_factory=dict)
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


def _read_rows(path: Path) -> list[Region]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Region(name=r["name"], kind=r["kind"], parent=r["parent"],
                   aliases=tuple(a for a in r["aliases"].split("|") if a), former=r["former"] == "1")
            for r in csv.DictReader(fh)
        ]


@lru_cache(maxsize=4)
def load_regions(path: Path = DATA) -> RegionIndex:
    index = RegionIndex()
    for region in _read_rows(path):
        index.by_path[region.path] = region
        for token in (region.name, *region.aliases):
            index.by_token.setdefault(token, []).append(region)
    for token in index.by_token:
        index.automaton.add_word(token, token)
    index.automaton.make_automaton()
    return index


def _under(region: Region, context: Region | None) -> bool:
    return context is not None and (region.path.startswith(context.path) or context.path.startswith(region.path))


def pick(candidates: list[Region], context: Region | None) -> Region | None:
    """One region among same-named candidates: the one related to the context, current before former."""
    if not candidates:
        return None
    related = [c for c in candidates if _under(c, context)]
    pool = related or candidates
    current = [c for c in pool if not c.former] or pool
    if len(current) == 1:
        return current[0]
    provincial = [c for c in current if c.kind in PROVINCIAL]
    return provincial[0] if len(provincial) == 1 else None


def _usable(token: str, region: Region, context: Region | None, chained: bool) -> bool:
    """Full names are always usable; short forms only inside a chain or the region's own context."""
    if token == region.name:
        return True
    if region.kind == "zone":
        return _under(region, context) or token.startswith(region.name[:2])
    return chained


def match_prefix(text: str, context: Region | None = None) -> tuple[Region | None, int]:
    """The region named at the start of ``text`` (chains like 江苏省苏州市 or 苏州相城区) and its length."""
    index = load_regions()
    found: Region | None = None
    pos = 0
    while pos < len(text):
        step = _match_one(index, text, pos, found or context, chained=found is not None)
        if step is None and found is not None and found.kind in ("prefecture", "municipality"):
            step = _unlisted_county(text, pos, found)
        if step is None:
            break
        found, pos = step
    return found, pos


_UNLISTED = re.compile(r"(?P<name>[\u4e00-\u9fa5]{1,3}?(?:新区|区|县))")
_NOT_COUNTY_START = set("市全各本该其辖小社景园片城郊地分山新县区")


def _unlisted_county(text: str, pos: int, city: Region) -> tuple[Region, int] | None:
    """A district/county the data file does not list, written right after its city (宁波市鄞州区…)."""
    m = _UNLISTED.match(text, pos)
    if m is None or text[pos] in _NOT_COUNTY_START or m.end() >= len(text):
        return None
    name = m.group("name")
    kind = "county" if name.endswith("县") else "district"
    return Region(name=name, kind=kind, parent=city.path), m.end()


def _match_one(index: RegionIndex, text: str, pos: int, context: Region | None,
               chained: bool) -> tuple[Region, int] | None:
    for end in range(min(len(text), pos + 12), pos, -1):
        token = text[pos:end]
        cands = [r for r in index.by_token.get(token, []) if _usable(token, r, context, chained)]
        region = pick(cands, context)
        if region is not None:
            return region, end
        if token in index.by_token and not chained and end < len(text):
            # a short form (苏州) counts only when another region follows (苏州相城区)
            follow = _match_one(index, text, end, None, chained=True)
            short = pick(list(index.by_token[token]), context)
            if follow is not None and short is not None and _under(follow[0], short):
                return short, end
    return None


def org_prefix(region: Region) -> str:
    """How bodies of ``region`` are named: 苏州市相城区…, 天津市和平区…, 张家港市… (no 苏州市), 苏州工业园区…"""
    if region.kind == "district":
        parent = load_regions().by_path.get(region.parent)
        return (parent.name if parent else "") + region.name
    return region.name


def nearest(region: Region | None, marker: str) -> Region | None:
    """The region a relative prefix means in a document of ``region``: 省, 市, 区 or 县."""
    if region is None:
        return None
    chain = load_regions().ancestors(region)
    wanted = {"省": PROVINCIAL, "市": CITY_LIKE, "区": {"district", "zone"}, "县": {"county"}}.get(marker, set())
    if marker == "区" and region.kind not in wanted:
        return None
    return next((r for r in chain if r.kind in wanted), None)


def by_path(path: str | None) -> Region | None:
    """The region of a full path; a path ending in an unlisted district/county of a listed city works too."""
    index = load_regions()
    found = index.by_path.get(path or "")
    if found is not None or not path:
        return found
    for cut in range(len(path) - 2, 1, -1):
        city = index.by_path.get(path[:cut])
        if city is not None and city.kind in ("prefecture", "municipality"):
            step = _unlisted_county(path + "…", cut, city)
            return step[0] if step is not None and step[1] == len(path) else None
    return None


def province_of(region: Region) -> Region:
    return load_regions().ancestors(region)[-1]


def mentions(text: str) -> dict[str, int]:
    """Region full names (and ≥2-char short forms of provinces and cities) counted in ``text``, by path."""
    index = load_regions()
    counts: dict[str, int] = {}
    for _end, token in index.automaton.iter_long(text):
        cands = [r for r in index.by_token[token]
                 if token == r.name or (len(token) >= 2 and r.kind in PROVINCIAL | {"prefecture"})]
        region = pick(cands, None)
        if region is not None:
            counts[region.path] = counts.get(region.path, 0) + 1
    return counts


def province_abbreviation(char: str) -> Region | None:
    """浙 → 浙江省, 沪 → 上海市: the one-character names of provincial-level regions."""
    return pick([r for r in load_regions().by_token.get(char, []) if r.kind in PROVINCIAL], None)
