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

from normalizers.orgs.registry import Registry, load_registry
from normalizers.orgs.split import unwrap
from normalizers.regions import (
    Region,
    by_path,
    match_prefix,
    nearest,
    org_prefix,
    province_abbreviation,
)

_PAREN_TAIL = re.compile(r"[（(][^（）()]*[）)]$")
_MULTI_PROVINCE = re.compile(
    r"^(?P<provs>[\u4e00-\u9fa5]{2,8}?)(?:[两二三四五六七八九十]|\d+)省(?:[（(](?:市|区|区、市|自治区)[）)])?(?P<dept>.+)$")
_NOT_RELATIVE = ("市场", "市政", "市民", "区域", "县域", "省级", "市级", "区级", "县级", "市属", "区属", "省属")
_PRC = re.compile(r"^中华人民共和国(?=.+(?:部|署|总局|委员会)$)")
_SCOPE_WORD = re.compile(r"^(?:[省市区县]内|全[省市区县])")
_NATIONAL_HEADS = ("中国", "中华", "中共", "中央", "国家", "国务院", "全国", "共青团")


@dataclass(frozen=True)
class OrgContext:
    """What resolution knows about the document: its region (full path) and level."""

    region: Region | None = None
    level: str | None = None

    @classmethod
    def of(cls, region_path: str | None, level: str | None = None) -> OrgContext:
        return cls(region=by_path(region_path), level=level)


@dataclass(frozen=True)
class Resolution:
    raw: str
    name: str
    resolved: bool
    method: str
    collective: bool = False
    region: Region | None = None


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
    for rule in (_multi_province, _collective, _registry, _pattern):
        found = rule(raw, text, ctx, carry, reg)
        if found:
            return found
    return [_prefixed(raw, text, ctx, carry, reg)]


def _registry(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    for cand in (text, expand(text, reg)):
        name = reg.canonical(cand)
        if name:
            entry = reg.entry(name)
            return [Resolution(raw, name, True, "registry", region=by_path(entry.region) if entry else None)]
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
    return [Resolution(raw, p.name + dept, known, "multi_province", region=p) for p in provinces if p]


def _collective(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> list[Resolution]:
    if not any(p.search(text) for p in reg.collectives):
        return []
    region, n = match_prefix(text, ctx.region)
    base = region or carry or ctx.region
    phrase = _SCOPE_WORD.sub("", expand_abbreviations(text[n:], reg))
    prefix = org_prefix(base) if base else ""
    return [Resolution(raw, "*" + prefix + phrase, True, "collective", collective=True, region=base)]


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
                           region=values.get("_region"))]
    return []


def _pattern_values(m: re.Match[str], template: str, ctx: OrgContext,
                    carry: Region | None) -> dict[str, Any] | None:
    values: dict[str, Any] = {k: v for k, v in m.groupdict().items() if v}
    base = carry or ctx.region
    if "{R}" in template:
        region = nearest(ctx.region, values.get("lvl", "")) or nearest(base, values.get("lvl", ""))
        if region is None:
            return None
        values["R"], values["_region"] = org_prefix(region), region
    if "{city}" in template:
        district = base if base is not None and base.kind in ("district", "county", "zone") else None
        city = nearest(district, "市") if district else None
        if district is None or city is None:
            return None
        values.update(city=org_prefix(city), dshort=district.name[:-1], _region=district)
    if "short" in values:
        region, n = match_prefix(values["short"] + "市", ctx.region)
        if region is None or n != len(values["short"]) + 1:
            region = _short_region(values["short"])
        if region is None:
            return None
        values["F"] = region.name
    return values


def _short_region(short: str) -> Region | None:
    region, n = match_prefix(short + "省")
    return region if region is not None and n == len(short) + 1 else None


def _prefixed(raw: str, text: str, ctx: OrgContext, carry: Region | None, reg: Registry) -> Resolution:
    region, rest, how = _locate(text, ctx, carry)
    dept = expand(rest, reg)
    known = dept in reg.departments
    if how == "unplaced" or (how in ("carried", "document") and not known):
        return Resolution(raw, expand(text, reg), False, "unknown")
    prefix = org_prefix(region) if region else ""
    for cand in (prefix + rest, prefix + dept):
        canonical = reg.canonical(cand)
        if canonical:
            entry = reg.entry(canonical)
            return Resolution(raw, canonical, True, "registry", region=by_path(entry.region) if entry else region)
    return Resolution(raw, prefix + dept, known, f"{how}+department" if known else how, region=region)


def _locate(text: str, ctx: OrgContext, carry: Region | None) -> tuple[Region | None, str, str]:
    """Where the body sits: (region, the name after the region, how the region was found)."""
    region, n = match_prefix(text, ctx.region or carry)
    if region is not None and n < len(text):
        return region, text[n:], "explicit"
    if text[0] in "省市区县" and not text.startswith(_NOT_RELATIVE) and len(text) > 2:
        rel = nearest(ctx.region, text[0])
        return rel, text[1:], "relative" if rel else "unplaced"
    if text.startswith(_NATIONAL_HEADS):
        return None, text, "national"
    if carry is not None:
        return carry, text, "carried"
    if ctx.region is not None:
        return ctx.region, text, "document"
    return None, text, "bare"
