"""Document-level organization facts: canonical issuers, level and region.

Evidence, strongest first: the issuers (their registry region or the region written in
their names), the doc-number prefix (发文机关代字: 相政办 → 苏州市相城区人民政府办公室),
the title (相城区质量强区工作…; 全省/全市/全区), then region names mentioned in the text.
National bodies make a national notice; national associations an industry notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from normalizers.orgs.registry import load_registry
from normalizers.orgs.resolve import OrgContext, Resolution, resolve_mention
from normalizers.regions import LEVEL_OF_KIND, Region, by_path, load_regions, match_prefix, mentions

_TOKEN_SPLIT = re.compile(r"[\s、，,；;]+")
_ORG_TAIL = re.compile(r"(局|委员会|委|厅|部|办公室|办|署|院|会|所|站|中心|政府|公司|联|社|协|行|关|团)$")
_NOT_ORG = re.compile(r"[0-9０-９“”\"《》：:]|^(附件|关于|抄送|印发)")
_NATIONAL_ASSOCIATION = re.compile(r"^(中国|中华|全国).*(协会|学会|联合会|商会|研究会|促进会)$")
_LEVEL_WORDS = (("全国", "national"), ("全省", "provincial"), ("全区", "district"), ("全县", "district"),
                ("全市", "municipal"))


@dataclass(frozen=True)
class DocFacts:
    issuers: list[str]
    level: str | None
    region: str | None


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
    return tokens


def doc_prefix(doc_number: str | None) -> str:
    """The 发文机关代字 of a doc number: 苏质发委办〔2020〕25号 → 苏质发委办."""
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
                exclude: Iterable[str] = ()) -> DocFacts:
    """Issuers, level and region of one notice (``exclude``: issuers of notices it forwards)."""
    tokens = issuer_tokens(issuers_raw)
    hint = _region_hint(tokens, doc_number, title, text)
    context = OrgContext(region=hint)
    skip = set(exclude)
    issuers = [r for r in resolve_issuers(tokens, context) if r.name not in skip]
    if not issuers:
        entry = load_registry().by_doc_prefix(doc_prefix(doc_number))
        if entry is not None:
            issuers = [Resolution(entry.name, entry.name, True, "doc_prefix", region=by_path(entry.region))]
    level, region = _level_region(issuers, hint, title)
    return DocFacts([r.name for r in issuers], level, region.path if region else None)


def _region_hint(tokens: list[str], doc_number: str | None, title: str | None, text: str) -> Region | None:
    for token in tokens:
        region, n = match_prefix(token)
        if region is not None and n:
            return region
        entry = load_registry().entry(load_registry().canonical(token) or "")
        if entry is not None and entry.region:
            return by_path(entry.region)
    entry = load_registry().by_doc_prefix(doc_prefix(doc_number))
    if entry is not None and entry.region:
        return by_path(entry.region)
    return _from_mentions(title or "") or _from_mentions(text)


def _from_mentions(text: str) -> Region | None:
    counts = mentions(text)
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))
    return by_path(best[0])


def _level_region(issuers: list[Resolution], hint: Region | None,
                  title: str | None) -> tuple[str | None, Region | None]:
    kinds = [_national_kind(r.name) for r in issuers]
    if issuers and all(kinds):
        return ("industry" if set(kinds) == {"association"} else "national"), None
    region = next((r.region for r in issuers if r.region is not None), None) or hint
    if region is None:
        return _title_level(title), None
    return _adjust_to_title(region, title)


def _national_kind(name: str) -> str | None:
    """'association' / another type for a national body (registry, or 中国…协会 / 国家… by form); else None."""
    entry = load_registry().entry(name)
    if entry is not None:
        return (entry.type or "government") if entry.level == "national" else None
    if _NATIONAL_ASSOCIATION.match(name):
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

