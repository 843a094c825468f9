"""One body mention → its canonical name, in the context of the document's region.

Order of rules (each a small function): multi-province phrases (浙皖赣沪四省（市）质监局);
collectives (各成员单位 → '*苏州市相城区各成员单位'); registry aliases, as written and after
abbreviation expansion; patterns that put the region inside the name (团市委, 区委宣传部,
国土分局); then a region prefix — written (苏州市…, 苏州相城区…), relative (市/区/省/县 read
through the document region), carried over from the previous body of the same list, or
the document's own — in front of the expanded department name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from normalizers.orgs.bodytypes import tail_of
from normalizers.orgs.registry import Registry, load_registry
from normalizers.orgs.split import unwrap
from normalizers.regions import (
    RELATIVE_MARKERS,
    Region,
    RegionMatch,
    by_path,
    match_region,
    nearest,
    org_prefix,
    province_abbreviation,
)
from rules.bodies import BodyType

_PAREN_TAIL = re.compile(r"[（(][^（）()]*[）)]$")
_MULTI_PROVINCE = re.compile(
    r"^(?P<provs>[\u4e00-\u9fa5]{2,8}?)(?:[两二三四五六七八九十]|\d+)省(?:[（(](?:市|区|区、市|自治区)[）)])?(?P<dept>.+)$")
# words that start with a rank character without being a relative prefix (市场…, 市政工程…, 区域…)
_NOT_RELATIVE = re.compile(r"^(?:市场|市政(?!府)|市民(?!政|族|宗)|区域|县域|[省市区县州旗](?:级|属|内|外))")
NATIONAL_ASSOCIATION = re.compile(r"^(中国|中华|全国).*(协会|学会|联合会|商会|研究会|促进会|总会)$")
_PRC = re.compile(r"^中华人民共和国(?=.+(?:部|署|总局|委员会)$)")
_JOINED = re.compile(r"[和及与]")
_SCOPE_WORD = re.compile(r"^(?:[省市区县]内|全[省市区县])")
_NATIONAL_HEADS = ("中国", "中华", "中共中央", "中央", "国家", "国务院", "全国", "共青团中央")

Status = str  # "resolved" | "collective" | "ambiguous" | "unknown"


@dataclass(frozen=True)
class OrgContext:
    """What resolution knows about the notice: its region (full path), level, campaign year, and the
    abbreviations the notice defines itself (以下简称X → full name), which beat every general rule."""

    region: Region | None = None
    level: str | None = None
    year: int | None = None
    defined: tuple[tuple[str, str], ...] = ()
    region_source: str | None = None

    @classmethod
    def of(cls, region_path: str | None, level: str | None = None, year: int | None = None,
           defined: dict[str, str] | None = None, region_source: str | None = None) -> OrgContext:
        return cls(region=by_path(region_path, year), level=level, year=year,
                   defined=tuple((defined or {}).items()), region_source=region_source)

    def definition(self, text: str) -> str | None:
        return dict(self.defined).get(text)


@dataclass(frozen=True)
class Resolution:
    raw: str
    name: str
    resolved: bool
    method: str
    collective: bool = False
    region: Region | None = None
    candidates: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        if self.collective:
            return "collective"
        if self.resolved:
            return "resolved"
        return "ambiguous" if self.candidates else "unknown"


def clean(raw: str) -> str:
    """Whitespace, quotes and a trailing second plate (（知识产权局）, （旅委办）) removed."""
    text = _PRC.sub("", unwrap(re.sub(r"[\s“”\"‘’]+", "", raw)))
    while _PAREN_TAIL.search(text) and len(_PAREN_TAIL.sub("", text)) >= 2:
        text = _PAREN_TAIL.sub("", text)
    return text


def expand_abbreviations(text: str, reg: Registry | None = None) -> str:
    """Abbreviations → full forms in one longest-first pass (监管 → 监督管理, 住建 → 住房和城乡建设)."""
    reg = reg or load_registry()
    return reg.abbrev_regex.sub(lambda m: reg.abbreviations[m.group(0)], text) if reg.abbrev_regex else text


def expand(text: str, reg: Registry | None = None) -> str:
    """Abbreviations expanded, and a trailing 委 → 委员会 (经信委, 住建委, 市场监管委)."""
    out = expand_abbreviations(text, reg)
    if out.endswith("委") and not out.endswith("委员会"):
        out += "员会"
    return out


def resolve_mention(raw: str, ctx: OrgContext, carry: Region | None = None) -> list[Resolution]:
    """The bodies one mention names (usually one) with how each was resolved."""
    reg = load_registry()
    text = clean(raw)
    if not text:
        return []
    for rule in (_defined, _multi_province, _collective, _registry, _pattern, _zone):
        found = rule(raw, text, ctx, carry, reg)
        if found:
            return found
    return [_prefixed(raw, text, ctx, carry, reg)]


def _defined(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    """An abbreviation the notice defines itself (（以下简称市市场监管委）) names that body in this notice."""
    full = ctx.definition(text)
    if full is None or full == text:
        return []
    inner = resolve_mention(full, OrgContext(ctx.region, ctx.level, ctx.year), carry)
    if len(inner) != 1:
        return []
    r = inner[0]
    name = r.name if r.resolved else clean(full)
    return [Resolution(raw, name, True, "defined", region=r.region,
                       evidence=(f"defined in the notice: {text} = {full}", *r.evidence))]


def _registry(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    for cand in (text, expand(text, reg)):
        name = reg.canonical(cand)
        if name:
            entry = reg.entry(name)
            return [Resolution(raw, name, True, "registry", region=by_path(entry.region) if entry else None,
                               evidence=(f"registry: {cand}",))]
    return []


def _multi_province(raw: str, text: str, ctx: OrgContext, carry: Region | None,
                    reg: Registry) -> list[Resolution]:
    m = _MULTI_PROVINCE.match(text)
    if not m:
        return []
    provinces = [province_abbreviation(c) for c in m.group("provs")]
    if any(p is None for p in provinces):
        return []
    dept = expand(m.group("dept"), reg)
    known = dept in reg.departments
    return [Resolution(raw, p.name + dept, known, "multi_province", region=p,
                       evidence=(f"provinces {m.group('provs')}",)) for p in provinces if p]


def _collective(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    if not any(p.search(text) for p in reg.collectives):
        return []
    m = match_region(text, reading_context(ctx, carry), ctx.year)
    region, n = (m.region, m.end) if m.region is not None and m.end < len(text) else (None, 0)
    base = region or carry or ctx.region
    phrase = _SCOPE_WORD.sub("", expand_abbreviations(text[n:], reg))
    prefix = org_prefix(base) if base and not phrase.startswith(_NATIONAL_SCOPE) else ""
    return [Resolution(raw, "*" + prefix + phrase, True, "collective", collective=True, region=base,
                       evidence=("collective phrase",))]


_NATIONAL_SCOPE = ("各省", "各自治区", "各直辖市", "全国")


def _pattern(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    for pattern in reg.patterns:
        m = pattern.regex.match(text)
        if not m:
            continue
        values = _pattern_values(m, pattern.template, ctx, carry)
        if values is None:
            continue
        name = pattern.template.format(**values)
        canonical = reg.canonical(name)
        return [Resolution(raw, canonical or name, True, "registry" if canonical else "pattern",
                           region=values.get("_region"), evidence=(f"pattern {pattern.regex.pattern}",))]
    return []


def _pattern_values(m: re.Match[str], template: str, ctx: OrgContext,
                    carry: Region | None) -> dict[str, Any] | None:
    values: dict[str, Any] = {k: v or "" for k, v in m.groupdict().items()}
    base = carry or ctx.region
    if values.get("place"):
        found = match_region(values["place"], reading_context(ctx, carry), ctx.year)
        if found.region is None or found.end != len(values["place"]):
            return None
        values["place"], values["_region"] = org_prefix(found.region), found.region
    if "{R}" in template:
        region = _level_region(values.get("lvl", ""), ctx, base)
        if region is None:
            return None
        values["R"], values["_region"] = org_prefix(region), region
    if "{city}" in template:
        district = base if base is not None and base.kind in ("district", "county", "zone") else None
        city = nearest(district, "市") if district else None
        if district is None or city is None:
            return None
        values.update(city=org_prefix(city), dshort=district.name[:-1], _region=district)
    if values.get("short"):
        found = match_region(values["short"] + "市", ctx.region, ctx.year)
        region = found.region if found.end == len(values["short"]) + 1 else None
        region = region or _short_region(values["short"], ctx)
        if region is None:
            return None
        values["F"] = region.name
    return values


def _level_region(lvl: str, ctx: OrgContext, base: Region | None) -> Region | None:
    """The region of a pattern's level word: relative (市 → the notice's city) or written (长春市)."""
    if lvl in RELATIVE_MARKERS:
        return nearest(ctx.region, lvl) or nearest(base, lvl)
    found = match_region(lvl, reading_context(ctx, base), ctx.year)
    return found.region if found.region is not None and found.end == len(lvl) else None


def _short_region(short: str, ctx: OrgContext) -> Region | None:
    found = match_region(short + "省", None, ctx.year)
    return found.region if found.end == len(short) + 1 else None


def _zone(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    """A development zone's body (高新区管委会, 长春经开区市场监管局): the zone under its city."""
    from normalizers.orgs.zones import match_zone

    found = match_zone(text, reading_context(ctx, carry), ctx.year)
    if found is None:
        return []
    zone, n = found
    rest = text[n:]
    dept = expand(rest, reg) if rest else ""
    if rest and dept not in reg.departments:
        return [Resolution(raw, zone.name + dept, False, "zone", region=zone, evidence=(f"zone {zone.path}",))]
    name = zone.name + dept if dept else zone.name
    return [Resolution(raw, name, True, "zone+department" if dept else "zone", region=zone,
                       evidence=(f"zone {zone.path}",))]


def _prefixed(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> Resolution:
    region, rest, how, cands = _locate(text, ctx, carry, reg)
    dept = expand(rest, reg)
    known = dept in reg.departments
    evidence = (f"region {how}: {region.path}" if region else f"region {how}",
                f"department {dept}" if known else f"not a known department: {dept}")
    if cands:
        names = tuple(org_prefix(c) + dept for c in cands)
        return Resolution(raw, expand(text, reg), False, "ambiguous", candidates=names, evidence=evidence)
    if how == "national" and NATIONAL_ASSOCIATION.match(text):
        return Resolution(raw, text, True, "national_association", evidence=("national association by its name",))
    if how == "unplaced" or (how in ("carried", "document") and not known):
        return Resolution(raw, expand(text, reg), False, "unknown", evidence=evidence)
    prefix = org_prefix(region) if region else ""
    for cand in (prefix + rest, prefix + dept):
        canonical = reg.canonical(cand)
        if canonical:
            entry = reg.entry(canonical)
            return Resolution(raw, canonical, True, "registry", region=by_path(entry.region) if entry else region,
                              evidence=(*evidence, f"registry: {cand}"))
    if how == "explicit" and not known and (tail := written_body(dept)) is not None:
        return Resolution(raw, prefix + dept, True, "explicit+named", region=region,
                          evidence=(evidence[0], f"{tail.type} named as written (ending {tail.ending})"))
    return Resolution(raw, prefix + dept, known, f"{how}+department" if known else how, region=region,
                      evidence=evidence)


def written_body(name: str) -> BodyType | None:
    """The ending that makes ``name`` (after a written region) a body taken as written, if any: an
    association, institution or company; never a name holding 和/及/与 (two bodies may be joined)."""
    tail = tail_of(name)
    return tail if tail is not None and tail.as_written and not _JOINED.search(name) else None


def _chain_end(text: str, found: RegionMatch, reg: Registry) -> tuple[Region, int]:
    """Where a written region chain ends: its longest reading, unless that leaves no known department
    while a shorter one does — a department word may start with a region's short name (湖北省公安厅:
    公安 is also 公安县's short form, but 公安厅 is the department)."""
    assert found.region is not None
    if found.region.name == text[found.end - len(found.region.name):found.end] \
            or expand(text[found.end:], reg) in reg.departments:
        return found.region, found.end
    for region, end in reversed(found.shorter):
        if end < len(text) and expand(text[end:], reg) in reg.departments:
            return region, end
    return found.region, found.end


def reading_context(ctx: OrgContext, carry: Region | None) -> Region | None:
    """The region a written region name is read in: the notice's, unless the previous body of the same
    list named a region outside the notice's chain — then that one (包头市青山区市场监管局、青山区教育局
    in a Wuhan notice: 包头's 青山区, never Wuhan's)."""
    if carry is None or ctx.region is None:
        return ctx.region or carry
    here, there = ctx.region.path, carry.path
    return ctx.region if here.startswith(there) or there.startswith(here) else carry


def relative_marker(text: str) -> str | None:
    """The relative region word a name starts with (市, 区, 自治区, 州 …), if it is one."""
    if _NOT_RELATIVE.match(text) or len(text) <= 2:
        return None
    return next((m for m in RELATIVE_MARKERS if text.startswith(m) and len(text) > len(m) + 1), None)


def _locate(text: str, ctx: OrgContext, carry: Region | None,
            reg: Registry) -> tuple[Region | None, str, str, tuple[Region, ...]]:
    """Where the body sits: (region, the name after it, how it was found, candidates if ambiguous)."""
    found = match_region(text, reading_context(ctx, carry), ctx.year)
    if found.region is not None and found.end < len(text):
        region, end = _chain_end(text, found, reg)
        return region, text[end:], "explicit", ()
    if found.candidates:
        return None, text[found.ambiguous_end:], "ambiguous", found.candidates
    if (marker := relative_marker(text)) is not None:
        rel = nearest(ctx.region, marker) or (nearest(carry, marker) if ctx.region is None else None)
        return rel, text[len(marker):], "relative" if rel else "unplaced", ()
    if text.startswith(_NATIONAL_HEADS):
        return None, text, "national", ()
    if carry is not None:
        return carry, text, "carried", ()
    if ctx.region is not None:
        return ctx.region, text, "document", ()
    return None, text, "bare", ()
