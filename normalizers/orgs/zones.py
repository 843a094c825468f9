"""Development zones by rule: 高新区 / 经开区 / 工业园区 … under the city (or county) of the notice.

A zone is named after its city's stem and its full type (长春 + 高新技术产业开发区); the types
and their short forms are data (``normalizers/data/zones.csv``). Listed zones and national new
areas (``regions.csv``, kind zone) are found by the region matcher itself.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from normalizers.orgs.registry import DATA_DIR
from normalizers.region_names import stem
from normalizers.regions import Region, choose, load_regions, match_region, nearest

_CITY_KINDS = ("prefecture", "county_city", "county", "municipality")


@lru_cache(maxsize=1)
def zone_types() -> dict[str, str]:
    with (DATA_DIR / "zones.csv").open(encoding="utf-8", newline="") as fh:
        return {r["short"]: r["full"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _type_regex() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in sorted(zone_types(), key=len, reverse=True)))


def match_zone(text: str, context: Region | None, year: int | None = None) -> tuple[Region, int] | None:
    """The zone named at the start of ``text`` and the length of its name, or None."""
    listed = match_region(text, context, year)
    if listed.region is not None and listed.region.kind == "zone":
        return listed.region, listed.end
    m = _type_regex().search(text)
    if m is None:
        return None
    city = _city(text[: m.start()], context, year)
    if city is None:
        return None
    name = stem(city.name) + zone_types()[m.group(0)]
    zone = load_regions().by_path.get(city.path + name) or Region(name=name, kind="zone", parent=city.path)
    return zone, m.end()


def _city(prefix: str, context: Region | None, year: int | None) -> Region | None:
    """The city a zone belongs to: written before it (长春, 长春市, 市), else the notice's own."""
    if prefix == "" and context is not None and context.kind in ("county", "county_city"):
        return context
    if prefix in ("", "市"):
        return nearest(context, "市") if context is not None else None
    if prefix == "县":
        return nearest(context, "县")
    found = match_region(prefix, context, year)
    if found.region is not None and found.end == len(prefix) and found.region.kind in _CITY_KINDS:
        return found.region
    cands = [r for r in load_regions().by_token.get(prefix, []) if r.kind in _CITY_KINDS]
    return choose(cands, context, year)[0]
