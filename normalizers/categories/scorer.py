"""Score an activity against the category lexicon: label prior + weighted cue evidence.

The chain: normalize the label → label prior; clean the text (drop organizer clauses and
document titles) → split into project / lead sentence / rest → jieba tokens per zone →
cue weights per code → sum with the zone weights → pick the best code and say how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from normalizers.categories.lexicon import Cues, Lexicon, tokenizer

LABEL_NUMBERING = re.compile(r"^\s*(第[一二三四五六七八九十百]+(部分|[章节条项])?|[（(]?[一二三四五六七八九十\d]+[）)]?[、.．]?)\s*")
LABEL_COUNT = re.compile(r"[（(]?(共|计)?\d+(项|个|条)(活动)?[）)]?[：:]?$")
LABEL_TAIL = re.compile(r"(类|类活动|活动|工作|方面|板块|系列|专题)$")
PUNCT = re.compile(r"[\s，,、；;：:。.！!？?“”\"'‘’（）()《》【】\[\]—\-]+")
ORG_LABEL = re.compile(r"(局|委|委员会|办公室|办|院|厅|部|中心|协会|商会|联合会|工会|团委|团市委|妇联|公司|集团|所|站|队|政府)$")
ORG_CLAUSE = re.compile(r"[（(][^（）()]*(牵头|配合|负责|参与|协办|主办|承办)[^（）()]*[）)]")
DOC_TITLE = re.compile(r"《[^《》]*》")
CLAUSE_END = re.compile(r"[，,：:]")
SENTENCE_END = re.compile(r"[。！？；;!?\n]")

METHOD_LABEL = "label_map"
METHOD_CLASSIFIER = "classifier"
METHOD_DEFAULT = "default"


@dataclass(frozen=True)
class Decision:
    """The chosen code, how it was chosen, and the evidence behind it (for review and tests)."""

    code: str
    method: str
    scores: dict[str, float] = field(default_factory=dict)
    label_code: str | None = None
    hits: tuple[str, ...] = ()


def normalize_label(label: str | None) -> str:
    """The label without numbering, item counts, whitespace and punctuation
    ('二、质量 宣传（12项）：' → '质量宣传')."""
    text = LABEL_COUNT.sub("", LABEL_NUMBERING.sub("", label or "").strip())
    return PUNCT.sub("", text)


def label_keys(norm: str) -> list[str]:
    """The label, then the label without a generic tail (质量宣传类 / 质量宣传活动 → 质量宣传)."""
    bare = LABEL_TAIL.sub("", norm)
    return [norm, bare] if bare and bare != norm else [norm]


def label_prior(label: str | None, lexicon: Lexicon) -> tuple[dict[str, float], str | None]:
    """(code → prior, mapped code): exact label map first, else the strongest label cue."""
    norm = normalize_label(label)
    if not norm:
        return {}, None
    for key in label_keys(norm):
        if key in lexicon.labels:
            code = lexicon.labels[key] or None
            return ({code: lexicon.weights.label_map} if code else {}), code
    if ORG_LABEL.search(norm):  # a section named after its organizer says nothing about the kind
        return {}, None
    best = _best_cue(norm, lexicon.label_cues)
    if not best:
        return {}, None
    w = lexicon.weights  # a heading read by its words never outweighs a label from the table
    return {best[0]: min(w.label_cue * best[1], w.label_map)}, None


def _best_cue(label: str, table: Cues) -> tuple[str, float] | None:
    """The one code whose strongest label cue (a substring: headings are short) beats the others."""
    hits = [(code, w) for code, cues in table.items() for word, w in cues.items() if word in label]
    if not hits:
        return None
    top = max(w for _, w in hits)
    codes = {code for code, w in hits if w == top}
    return (codes.pop(), top) if len(codes) == 1 else None  # a tie between codes is no evidence


def clean_text(text: str | None, lexicon: Lexicon | None = None) -> str:
    """Drop organizer clauses （X局牵头，各成员单位配合）, document titles 《…》 and the
    lexicon's masked organization names: they name bodies and documents, not what is done."""
    out = DOC_TITLE.sub("文件", ORG_CLAUSE.sub("", text or ""))
    for mask in lexicon.masks if lexicon else ():
        out = mask.sub("单位", out)
    return out


def zones(project: str | None, content: str | None, lexicon: Lexicon | None = None) -> tuple[str, str, str]:
    """(project, lead sentence, rest) of the cleaned texts; in a lead "A暨B" only A leads."""
    body = clean_text(content, lexicon).strip()
    parts = [p for p in SENTENCE_END.split(body) if p.strip()]
    lead, _, joint = (parts[0] if parts else "").partition("暨")
    rest = [joint] if joint else []
    return clean_text(project, lexicon), lead, "。".join(rest + parts[1:])


def lead_weight(lead: str, rest: str, lexicon: Lexicon) -> float:
    """A short first sentence followed by more text is the item's own title: it counts more."""
    w = lexicon.weights
    return w.title if rest and len(lead) <= w.title_max_chars else w.lead


def cue_tokens(text: str, lexicon: Lexicon) -> set[str]:
    """The distinct jieba tokens of the text, plus the cue words inside longer tokens that are
    not cues themselves (竞赛活动 → 竞赛) or across two adjacent tokens when they end with the
    right one (民营企业|行 → 企业行, but not 开展|示范 → 展示) — never inside a protected
    dictionary word (监管局 is a body, not 监管)."""
    vocab, protected = cue_vocabulary(lexicon), protected_words(lexicon)
    tokens = tokenizer(lexicon).lcut(text)
    found = set(tokens)
    for t in tokens:
        if len(t) > 2 and t not in vocab and t not in protected:
            found |= {t[i:j] for i in range(len(t)) for j in range(i + 2, len(t) + 1) if t[i:j] in vocab}
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a not in protected and b not in protected:  # words that straddle the boundary and end
            pair = a + b                                # with the whole right token (its head)
            found |= {pair[i:] for i in range(len(a)) if pair[i:] in vocab}
    return found


@lru_cache(maxsize=4)
def cue_vocabulary(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(w for cues in lexicon.cues.values() for w in cues)


@lru_cache(maxsize=4)
def protected_words(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(lexicon.words)


def cue_scores(text: str, lexicon: Lexicon, best_only: bool = False) -> tuple[dict[str, float], list[str]]:
    """Per code, Σ weight of the distinct cue tokens found in the text (or only the strongest,
    for a heading, which states one theme), and the hits."""
    if not text:
        return {}, []
    tokens = cue_tokens(text, lexicon)
    scores: dict[str, float] = {}
    hits: list[str] = []
    for code, cues in lexicon.cues.items():
        found = sorted(tokens & cues.keys())
        if found:
            weights = [cues[w] for w in found]
            scores[code] = max(weights) if best_only else sum(weights)
            hits += [f"{w}→{code}" for w in found]
    return scores, hits


def score(label: str | None, project: str | None, content: str | None, lexicon: Lexicon) -> Decision:
    prior, label_code = label_prior(label, lexicon)
    total = dict(prior)
    hits: list[str] = []
    w = lexicon.weights
    project_text, lead, rest = zones(project, content, lexicon)
    weights = (w.project, lead_weight(lead, rest, lexicon), w.body)
    for i, (text, weight) in enumerate(zip((project_text, lead, rest), weights, strict=True)):
        zone_scores, zone_hits = cue_scores(text, lexicon, best_only=i == 0)
        if i == 2:
            zone_scores = {code: min(s, w.body_cap) for code, s in zone_scores.items()}
        hits += zone_hits
        for code, s in zone_scores.items():
            total[code] = total.get(code, 0.0) + weight * s
    head = head_cue(lead, lexicon)
    if head:
        total[head[1]] = total.get(head[1], 0.0) + w.head * lexicon.cues[head[1]][head[0]]
        hits.append(f"head:{head[0]}→{head[1]}")
    return _decide(total, label_code, tuple(hits), lexicon)


def head_cue(lead: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(cue, code) of the cue ending last in the lead's first clause (the longest on a tie) — the
    head of its verb phrase — if that cue belongs to one code only."""
    clause = CLAUSE_END.split(lead, maxsplit=1)[0]
    found = cue_tokens(clause, lexicon) & cue_vocabulary(lexicon)
    if not found:
        return None
    word = max(found, key=lambda c: (clause.rfind(c) + len(c), len(c)))
    codes = [code for code, cues in lexicon.cues.items() if word in cues]
    return (word, codes[0]) if len(codes) == 1 else None


def _decide(total: dict[str, float], label_code: str | None, hits: tuple[str, ...], lexicon: Lexicon) -> Decision:
    scores = {code: round(s, 3) for code, s in total.items() if s > 0}
    if not scores:
        return Decision(lexicon.default, METHOD_DEFAULT, scores, label_code, hits)
    rank = {code: i for i, code in enumerate(lexicon.order)}
    best = max(scores, key=lambda c: (scores[c], c == label_code, -rank[c]))
    method = METHOD_LABEL if best == label_code else METHOD_CLASSIFIER
    return Decision(best, method, scores, label_code, hits)
