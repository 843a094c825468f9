"""Document-level organization facts: canonical issuers, level and region.

Evidence, strongest first (the source is recorded): the issuers (their registry region or the
region written in their names), the doc-number prefix (发文机关代字: a registry body's 相政办, or
the province/city table of ``doc_prefixes.csv``: 苏质发 → 江苏省), the title (相城区质量强区工作…;
全省/全市/全区), then region names mentioned in the text. A later source only refines an earlier
one with a region inside it (江苏省 from 苏质发, 苏州市 from the title) or picks among the
same-named regions an issuer left open (朝阳区…局 with 长春 in the title).
National bodies make a national notice; national associations an industry notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from normalizers.orgs.prefixes import body_of_doc_prefix, region_of_doc_prefix
from normalizers.orgs.registry import load_registry
from normalizers.orgs.resolve import NATIONAL_ASSOCIATION, OrgContext, Resolution, resolve_mention
from normalizers.orgs.split import CONTINUATIONS
from normalizers.regions import (
    LEVEL_OF_KIND,
    Region,
    by_path,
    is_under,
    load_regions,
    match_region,
    mentions,
)
from rules.bodies import ending_pattern

_TOKEN_SPLIT = re.compile(r"[\s、，,；;]+")
_ORG_TAIL = re.compile(rf"{ending_pattern('issuer')}$")
_NOT_ORG = re.compile(r"[0-9０-９“”\"《》：:]|^(附件|关于|抄送|印发)")
_LEVEL_WORDS = (("全国", "national"), ("全省", "provincial"), ("全区", "district"), ("全县", "district"),
                ("全市", "municipal"))


@dataclass(frozen=True)
class DocFacts:
    issuers: list[str]
    level: str | None
    region: str | None
    region_source: str | None = None


def issuer_tokens(issuers_raw: Iterable[str]) -> list[str]:
    """Signature lines and red heads → one string per body; lines that are not names are dropped."""
    out: list[str] = []
    for line in issuers_raw:
        for token in _line_tokens(line):
            token = token.strip()
            if 2 <= len(token) <= 40 and not _NOT_ORG.search(token) and _ORG_TAIL.search(token):
                out.append(token)
    return out


def _line_tokens(line: str) -> list[str]:
    """Names on a signature line; a letter-spaced line (苏 州 市 质 量 …) is one name."""
    tokens = [t for t in _TOKEN_SPLIT.split(line.strip()) if t]
    if len(tokens) > 2 and all(len(t) == 1 for t in tokens):
        return ["".join(tokens)]
    joined: list[str] = []
    for t in tokens:  # 某市质量发展委员会 办公室: a wrapped or spaced name continues
        if joined and t in CONTINUATIONS:
            joined[-1] += t
        else:
            joined.append(t)
    return joined


def doc_prefix(doc_number: str | None) -> str:
    """The 发文机关代字 of a doc number: 鄂质发委办〔2019〕12号 → 鄂质发委办."""
    if not doc_number:
        return ""
    m = re.match(r"^([\u4e00-\u9fa5]+)", doc_number)
    return m.group(1) if m else ""


def resolve_issuers(tokens: list[str], context: OrgContext) -> list[Resolution]:
    out: list[Resolution] = []
    carry: Region | None = None
    for token in tokens:
        for r in resolve_mention(token, context, carry):
            if r.name not in {o.name for o in out} and not r.collective:
                out.append(r)
            carry = r.region or carry
    return out


def infer_facts(issuers_raw: list[str], doc_number: str | None, title: str | None, text: str,
                exclude: Iterable[str] = (), year: int | None = None) -> DocFacts:
    """Issuers, level and region of one notice (``exclude``: issuers of notices it forwards)."""
    tokens = issuer_tokens(issuers_raw)
    hint, source = _region_hint(tokens, doc_number, title, text, year)
    context = OrgContext(region=hint, year=year)
    skip = set(exclude)
    issuers = [r for r in resolve_issuers(tokens, context) if r.name not in skip]
    if not issuers:
        issuers = _doc_prefix_issuer(doc_prefix(doc_number), hint)
    level, region = _level_region(issuers, hint, title)
    if region is not None and hint is not None and region.path != hint.path:
        source = "issuer" if any(r.region is not None and r.region.path == region.path for r in issuers) else "title"
    return DocFacts([r.name for r in issuers], level, region.path if region else None,
                    source if region is not None else None)


def _doc_prefix_issuer(prefix: str, hint: Region | None) -> list[Resolution]:
    """The issuer a doc-number code names when no signature does: a registry body's own code
    (中机质协), else region code + body code by rule (浙市监 → 浙江省市场监督管理局) when that body's
    region is the notice's."""
    entry = load_registry().by_doc_prefix(prefix) if prefix else None
    if entry is not None:
        return [Resolution(entry.name, entry.name, True, "doc_prefix", region=by_path(entry.region),
                           evidence=(f"registry doc-number code {prefix}",))]
    found = body_of_doc_prefix(prefix, hint) if prefix else None
    if found is None or (hint is not None and found[1].path != hint.path):
        return []  # the notice's region says another body of that province issued it: none is guessed
    name, place = found
    return [Resolution(prefix, name, True, "doc_prefix", region=place,
                       evidence=(f"doc-number code {prefix}: region code + body code",))]


def _region_hint(tokens: list[str], doc_number: str | None, title: str | None, text: str,
                 year: int | None = None) -> tuple[Region | None, str | None]:
    """The notice's region and where it came from: issuer, doc_number, title or text."""
    open_choice: tuple[Region, ...] = ()
    found: Region | None = None
    source: str | None = None
    for token in tokens:
        m = match_region(token, None, year)
        if m.region is not None and m.end:
            found, source = m.region, "issuer"
            break
        entry = load_registry().entry(load_registry().canonical(token) or "")
        if entry is not None and entry.region:
            found, source = by_path(entry.region), "issuer"
            break
        open_choice = open_choice or m.candidates
    if found is None:
        found = _doc_number_region(doc_number)
        source = "doc_number" if found is not None else None
    titled = _from_mentions(title or "", year)
    if found is None and titled is None and not open_choice:
        mentioned = _from_mentions(text, year)
        return mentioned, "text" if mentioned else None
    later = titled or _from_mentions(text, year)
    if open_choice and later is not None:
        inside = [c for c in open_choice if c.path.startswith(later.path) or later.path.startswith(c.path)]
        if len(inside) == 1:
            return inside[0], "issuer"
    if found is None:
        return (titled, "title") if titled else (None, None)
    if titled is not None and is_under(titled, found):
        return titled, source  # 江苏省 from the doc number, 苏州市 from the title
    if source == "doc_number" and titled is not None and not found.path.startswith(titled.path):
        return titled, "title"  # a doc-number code is weaker than a region the title names
    return found, source


def _doc_number_region(doc_number: str | None) -> Region | None:
    prefix = doc_prefix(doc_number)
    entry = load_registry().by_doc_prefix(prefix)
    if entry is not None and entry.region:
        return by_path(entry.region)
    path = region_of_doc_prefix(prefix)
    return by_path(path) if path else None


def _from_mentions(text: str, year: int | None = None) -> Region | None:
    counts = mentions(text, year)
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))
    return by_path(best[0])


def _level_region(issuers: list[Resolution], hint: Region | None,
                  title: str | None) -> tuple[str | None, Region | None]:
    kinds = [_national_kind(r.name) for r in issuers]
    if issuers and all(kinds):
        return ("industry" if set(kinds) == {"association"} else "national"), None
    if not issuers and _title_level(title) == "national":
        return "national", None  # 全国… with no issuer named: regions in the text are addressees
    region = next((r.region for r in issuers if r.region is not None), None) or hint
    if region is None:
        return _title_level(title), None
    return _adjust_to_title(region, title)


def _national_kind(name: str) -> str | None:
    """'association' / another type for a national body (registry, or 中国…协会 / 国家… by form); else None."""
    entry = load_registry().entry(name)
    if entry is not None:
        return (entry.type or "government") if entry.level == "national" else None
    if NATIONAL_ASSOCIATION.match(name):
        return "association"
    return "government" if name.startswith(("国家", "国务院")) else None


def _title_level(title: str | None) -> str | None:
    return next((lvl for word, lvl in _LEVEL_WORDS if title and word in title), None)


def _adjust_to_title(region: Region, title: str | None) -> tuple[str | None, Region | None]:
    """全省 in the title of a notice whose only evidence is a city: the province is meant."""
    wanted = _title_level(title)
    if wanted in (None, "national", "district") or wanted == LEVEL_OF_KIND[region.kind]:
        return LEVEL_OF_KIND[region.kind], region
    for anc in load_regions().ancestors(region):
        if LEVEL_OF_KIND[anc.kind] == wanted:
            return wanted, anc
    return LEVEL_OF_KIND[region.kind], region

