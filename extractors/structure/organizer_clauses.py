"""Organizer text as written in a list item (SPEC §2.4), without resolving any name.

The clause forms live in data/clauses.toml. Precedence: a trailing parenthetical assignment
(（区市场监管局牵头，各成员单位配合）, （责任单位：X、Y）, （牵头单位：X；配合单位：Y）) is the item's
whole organizer clause; then label lines after the item (牵头单位：…；配合单位：…, 责任单位：…);
otherwise every prose clause — 由X会同Y组织, X牵头、Y配合, X联合Y, X、Y联合开展, 由X负责, 会同Y,
or a body that opens a clause as its subject (市计量院开放实验室) — is kept, '；'-joined, in the
grammar the organizer splitter reads. Bodies merely mentioned (按照X部署, 由X举办的会议, 向X宣贯)
open no clause.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from extractors.readers.furniture import is_label_line
from rules.bodies import ETC, ETC_END, endings

_CLAUSE_SEP = "，,"
_SENTENCES = re.compile(r"[。；;！？!?]")
_OPEN, _CLOSE = "（(", "）)"


@dataclass(frozen=True)
class Clause:
    raw: str
    form: str  # which pattern gave it (paren, labels, you_huitong, subject, …)


@dataclass(frozen=True)
class _Rules:
    name: str
    suffixes: tuple[str, ...]
    bad_start: str
    bad_words: tuple[str, ...]
    bad_openers: tuple[str, ...]
    collective_start: str
    role_words: tuple[str, ...]
    prose: tuple[tuple[str, re.Pattern[str], str, bool], ...]
    subject: re.Pattern[str]


def _load() -> dict[str, Any]:
    return tomllib.loads(resources.files("extractors").joinpath("data/clauses.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = _load()
    body = data["body"]
    suffixes = endings("clause")
    name = rf"(?:[\u4e00-\u9fa5（）()]{{0,28}}?(?:{'|'.join(suffixes)})|(?:各|有关|相关)[\u4e00-\u9fa5（）()]{{1,12}}?)"
    etc = rf"(?:{ETC})?"
    bodies = rf"{name}(?:、{name})*{etc}{body['end']}"
    prose = []
    for p in data["prose"]:
        pattern = p["pattern"].replace("{B}", bodies)
        prose.append((p["name"], re.compile(pattern), p["raw"], p.get("anchor") == "clause"))
    verbs = "|".join(sorted(data["subject"]["verbs"], key=len, reverse=True))
    return _Rules(
        name=name, suffixes=suffixes, bad_start=body["bad_start"], bad_words=tuple(body["bad_words"]),
        bad_openers=tuple(body["bad_openers"]),
        collective_start=body["collective_start"], role_words=tuple(data["paren"]["role_words"]),
        prose=tuple(prose),
        subject=re.compile(rf"^({name}(?:、{name})*)(?=(?:{verbs})|\d)"),
    )


def is_body(text: str) -> bool:
    """A plausible body name: ends like one, opens with no preposition, holds no activity word."""
    r = rules()
    text = ETC_END.sub("", text) or text
    if re.match(r"^(?:各|有关|相关)[\u4e00-\u9fa5（）()]{1,12}$", text):
        return not any(w in text for w in r.bad_words)
    return len(text) >= 2 and text[0] not in r.bad_start and text.endswith(r.suffixes) \
        and not text.startswith(r.bad_openers) \
        and not any(w in text for w in r.bad_words)


def _bodies_ok(group: str) -> bool:
    return all(is_body(part) for part in _split_names(group))


def _split_names(text: str) -> list[str]:
    parts, cur, depth = [], "", 0
    for ch in text:
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch == "、" and depth <= 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [p for p in [*parts, cur] if p]


def trailing_paren(text: str) -> str | None:
    """The content of a parenthetical closing the item, if it assigns bodies."""
    t = text.rstrip().rstrip("。；;")
    if not t or t[-1] not in _CLOSE:
        return None
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        depth += (t[i] in _CLOSE) - (t[i] in _OPEN)
        if depth == 0:
            inner = t[i + 1:-1].strip()
            return inner if any(w in inner for w in rules().role_words) else None
    return None


def label_lines(body: str) -> Clause | None:
    """Lines after the item that name its bodies (牵头单位：X；配合单位：Y), '；'-joined."""
    lines = [ln.strip().lstrip("（(").rstrip("）)") for ln in body.split("\n")]
    found = [ln for ln in lines if is_label_line(ln)]
    return Clause("；".join(found), "labels") if found else None


def _roles_apart(raw: str) -> str:
    """X牵头、Y配合 → X牵头，Y配合: the lead's role word closes its clause, as the splitter reads it."""
    return re.sub(r"(牵头|负责)、", r"\1，", raw)


def item_clause(text: str, section_org: str | None = None) -> str | None:
    clause = find_clause(text, section_org)
    return clause.raw if clause else None


def find_clause(text: str, section_org: str | None = None, body: str = "") -> Clause | None:
    """The organizers named by the item itself, or None."""
    paren = trailing_paren(text)
    if paren:
        return Clause(_roles_apart(paren), "paren")
    labelled = label_lines(body) if body else None
    if labelled:
        return labelled
    found: list[str] = []
    forms: list[str] = []
    for sentence in _SENTENCES.split(text):
        for form, raw in prose_clauses(sentence.strip()):
            if raw != section_org and raw not in found:
                found.append(raw)
                forms.append(form)
    return Clause("；".join(found), "+".join(dict.fromkeys(forms))) if found else None


def prose_clauses(sentence: str) -> list[tuple[str, str]]:
    """(form, raw) of every organizer clause in one sentence, in reading order."""
    r = rules()
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, str, str]] = []
    for form, pattern, template, anchored in r.prose:
        for m in pattern.finditer(sentence):
            if anchored and m.start() > 0 and sentence[m.start() - 1] not in _CLAUSE_SEP:
                continue
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            groups = [g for g in m.groups()]
            if not all(_bodies_ok(g) for g in groups if g and g not in ("会同", "联合", "配合", "协同")):
                continue
            taken.append((m.start(), m.end()))
            out.append((m.start(), form, _fill(template, groups)))
    start = 0
    for clause in re.split(f"[{_CLAUSE_SEP}]", sentence):
        span = (start, start + len(clause))
        start += len(clause) + 1
        if any(a < span[1] and span[0] < b for a, b in taken):
            continue
        subject = r.subject.match(clause)
        if subject and subject.group(1)[0] not in r.collective_start and _bodies_ok(subject.group(1)):
            out.append((span[0], "subject", subject.group(1)))
    return [(form, raw) for _, form, raw in sorted(out)]


def _fill(template: str, groups: list[str]) -> str:
    return re.sub(r"\{(\d)\}", lambda m: groups[int(m.group(1)) - 1] or "", template)
