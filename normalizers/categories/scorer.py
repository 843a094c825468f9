"""Score an activity against the category lexicon: label prior + cue evidence + weak priors.

The chain: read the source label by meaning → label prior; clean the text (drop organizer
clauses, document titles, organization names) → split into project / lead sentence / rest →
jieba tokens per zone → cue weights per code → add the organizer / issuer / theme priors →
pick the best code, say which evidence decided it and how sure it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from normalizers.categories.lexicon import Lexicon, tokenizer
from rules.bodies import ending_pattern
from rules.markers import LABEL_NUMBERING

LABEL_COUNT = re.compile(r"[（(]?(共|计)?\d+(项|个|条)(活动)?[）)]?[：:]?$")
LABEL_TAIL = re.compile(r"(类|类活动|活动|工作|方面|板块|系列|专题)$")
PUNCT = re.compile(r"[\s，,、；;：:。.！!？?“”\"'‘’（）()《》【】\[\]—\-]+")
ORG_LABEL = re.compile(rf"{ending_pattern('label')}"
                       r"(开展|组织|举办|承办|主办)?(的)?(活动|工作|项目)?$")
ORG_CLAUSE = re.compile(r"[（(][^（）()]*(牵头|配合|负责|参与|协办|主办|承办)[^（）()]*[）)]")
DOC_TITLE = re.compile(r"《[^《》]*》")
CLAUSE_END = re.compile(r"[，,：:]")
SENTENCE_END = re.compile(r"[。！？；;!?\n]")

# how a category was decided (Activity.category_method)
METHOD_LABEL = "label"        # the source label's code, the words agreeing or silent
METHOD_CUES = "cues"          # the activity's own words
METHOD_PRIOR = "prior"        # only who organizes it / the notice's issuer or theme
METHOD_DEFAULT = "default"    # no evidence at all
METHOD_OVERRIDE = "override"  # an analyst's correction (applied by the store)


@dataclass(frozen=True)
class Decision:
    """The chosen code, how it was chosen, how sure, and the evidence behind it."""

    code: str
    method: str
    confidence: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    label_code: str | None = None
    label_words: tuple[str, ...] = ()
    hits: tuple[str, ...] = ()      # 'word→code' cue hits of the text zones; 'head:word→code'
    priors: tuple[str, ...] = ()    # 'organizer:stem→code', 'issuer:stem→code', 'theme:word→code'

    def deciding_words(self) -> list[str]:
        """The evidence for the chosen code, strongest kind first (what a reviewer reads)."""
        cues = [h.split("→")[0] for h in self.hits if h.endswith("→" + self.code)]
        label = [f"label:{w}" for w in self.label_words] if self.label_code == self.code else []
        priors = [p.split("→")[0] for p in self.priors if p.endswith("→" + self.code)]
        return list(dict.fromkeys(label + cues + priors))

    def evidence(self) -> dict[str, object]:
        """The stored record of the decision (activities.category_evidence)."""
        return {"method": self.method, "code": self.code, "label_code": self.label_code,
                "label_words": list(self.label_words), "cues": list(self.hits), "priors": list(self.priors),
                "scores": dict(sorted(self.scores.items()))}  # one order in every process


def normalize_label(label: str | None) -> str:
    """The label without numbering, item counts, whitespace and punctuation
    ('二、质量 宣传（12项）：' → '质量宣传')."""
    text = LABEL_COUNT.sub("", LABEL_NUMBERING.sub("", label or "").strip())
    return PUNCT.sub("", text)


def is_vague(norm: str, lexicon: Lexicon) -> bool:
    return norm in lexicon.vague or LABEL_TAIL.sub("", norm) in lexicon.vague


def label_words(label: str | None, lexicon: Lexicon) -> dict[str, list[str]]:
    """code → the label words of that code found in the label (substrings: labels are short);
    a word inside a longer found word of another code does not count (监管执法 is not 执法 twice)."""
    norm = normalize_label(label)
    if not norm or is_vague(norm, lexicon) or ORG_LABEL.search(norm):
        return {}  # a section named after its organizer says nothing about the kind of work
    norm = _mask(norm, lexicon)
    found = {(code, w) for code, words in lexicon.label_cues.items() for w in words if w in norm}
    longest = {w for _, w in found}
    kept = {(c, w) for c, w in found if not any(w != o and w in o for o in longest)}
    out: dict[str, list[str]] = {}
    for code, w in sorted(kept):
        out.setdefault(code, []).append(w)
    return out


PHRASE_SPLIT = re.compile(r"[\n，,；;：:]+")


def label_prior(label: str | None, lexicon: Lexicon) -> tuple[dict[str, float], str | None, tuple[str, ...]]:
    """(code → prior, the label's code, its words): the code whose label words weigh most, if it
    leads the others; strength grows with the words' weight up to weights.label_full. A heading
    of two phrases (着力中小企业帮扶，夯实质量提升基础) is about its first: the others count half."""
    phrases = [p for p in PHRASE_SPLIT.split((label or "").strip()) if normalize_label(p)] or [label]
    sums: dict[str, float] = {}
    words: dict[str, list[str]] = {}
    for i, phrase in enumerate(phrases):
        for code, ws in label_words(phrase, lexicon).items():
            sums[code] = sums.get(code, 0.0) + (1.0 if i == 0 else 0.5) * sum(lexicon.label_cues[code][w] for w in ws)
            words.setdefault(code, []).extend(ws)
    if not sums:
        return {}, None, ()
    ranked = sorted(sums.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return {}, None, ()  # a tie between codes is no evidence
    code, total = ranked[0]
    w = lexicon.weights
    return {code: w.label * min(1.0, total / w.label_full)}, code, tuple(words[code])


def _mask(text: str, lexicon: Lexicon) -> str:
    for mask in lexicon.masks:
        text = mask.sub("单位", text)
    return text


def clean_text(text: str | None, lexicon: Lexicon | None = None) -> str:
    """Drop organizer clauses （X局牵头，各成员单位配合）, document titles 《…》 and the
    lexicon's masked organization names: they name bodies and documents, not what is done."""
    out = DOC_TITLE.sub("文件", ORG_CLAUSE.sub("", text or ""))
    return _mask(out, lexicon) if lexicon else out


def drop_framing(sentence: str, lexicon: Lexicon | None) -> str:
    """The sentence without its opening framing clauses (结合…实际，/ 围绕…，/ 以…为契机，): they
    say in which context the work is done, not what it is."""
    while lexicon and lexicon.framing:
        m = lexicon.framing.match(sentence)
        if not m or not sentence[m.end():].strip():
            return sentence
        sentence = sentence[m.end():]
    return sentence


def zones(project: str | None, content: str | None, lexicon: Lexicon | None = None) -> tuple[str, str, str]:
    """(project, lead sentence, rest) of the cleaned texts, every sentence without its framing
    clauses; in a lead "A暨B" only A leads."""
    body = clean_text(content, lexicon).strip()
    parts = [drop_framing(p, lexicon) for p in SENTENCE_END.split(body) if p.strip()]
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
            found |= {t[i:j] for i in range(len(t)) for j in range(i + 1, len(t) + 1)
                      if t[i:j] in vocab and (j - i > 1 or t[i:j] in single_char_cues(lexicon))}
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a not in protected and b not in protected:  # words that straddle the boundary and end
            pair = a + b                                # with the whole right token (its head)
            found |= {pair[i:] for i in range(len(a)) if pair[i:] in vocab}
    return found


@lru_cache(maxsize=4)
def cue_vocabulary(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(w for cues in lexicon.cues.values() for w in cues)


@lru_cache(maxsize=4)
def single_char_cues(lexicon: Lexicon) -> frozenset[str]:
    """One-character cues (奖, 榜): found inside longer tokens too (质量奖 → 奖)."""
    return frozenset(w for w in cue_vocabulary(lexicon) if len(w) == 1)


@lru_cache(maxsize=4)
def protected_words(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(lexicon.words)


SERVICE_CLAUSE = re.compile(r"[，,；;。！？!?\n]+")


def beneficiary(text: str, lexicon: Lexicon) -> str | None:
    """The code of whom a service serves, when the clauses that offer one (为居民免费检定…)
    name one kind of beneficiary only ([beneficiaries]: residents → consumer, enterprises →
    assistance); None when they name none or both. An aim in another clause (切实保障群众消费
    安全) says nothing about who is served."""
    clauses = [c for c in SERVICE_CLAUSE.split(text) if any(w in c for w in lexicon.services)]
    found = {code for code, words in lexicon.beneficiaries.items() for c in clauses if any(w in c for w in words)}
    return found.pop() if len(found) == 1 else None


def _credit(word: str, code: str, lexicon: Lexicon, served: str | None) -> str:
    """The code a cue counts for: a service cue (免费检定) counts for whom it serves, if known."""
    return served if served and word in lexicon.services else code


def cue_scores(text: str, lexicon: Lexicon, best_only: bool = False,
               served: str | None = None) -> tuple[dict[str, float], list[str]]:
    """Per code, Σ weight of the distinct cue tokens found in the text (or only the strongest,
    for a heading, which states one theme), and the hits. ``served``: see beneficiary()."""
    if not text:
        return {}, []
    tokens = cue_tokens(text, lexicon)
    found: dict[str, list[float]] = {}
    hits: list[str] = []
    for code, cues in lexicon.cues.items():
        for w in sorted(tokens & cues.keys()):
            target = _credit(w, code, lexicon, served)
            found.setdefault(target, []).append(cues[w])
            hits.append(f"{w}→{target}")
    return {code: max(ws) if best_only else sum(ws) for code, ws in found.items()}, hits


def head_cue(lead: str, lexicon: Lexicon, served: str | None = None) -> tuple[str, str, float] | None:
    """(cue, code, weight) of the cue ending last in the lead's first clause (the longest on a
    tie) — the head of its verb phrase — if that cue belongs to one code only."""
    clause = CLAUSE_END.split(lead, maxsplit=1)[0]
    found = cue_tokens(clause, lexicon) & cue_vocabulary(lexicon)
    if not found:
        return None
    word = max(found, key=lambda c: (clause.rfind(c) + len(c), len(c)))
    codes = [code for code, cues in lexicon.cues.items() if word in cues]
    if len(codes) != 1:
        return None
    return word, _credit(word, codes[0], lexicon, served), lexicon.cues[codes[0]][word]


def body_prior(names: Sequence[str], lexicon: Lexicon, kind: str) -> tuple[dict[str, float], list[str]]:
    """Per code, the strongest stem of that code found in any of the bodies' names."""
    scores: dict[str, float] = {}
    hits: list[str] = []
    for code, stems in lexicon.organizers.items():
        found = sorted({s for s in stems for n in names if s in n})
        if found:
            scores[code] = max(stems[s] for s in found)
            hits += [f"{kind}:{s}→{code}" for s in found]
    return scores, hits


def source_prior(label: str | None, heading: str | None,
                 lexicon: Lexicon) -> tuple[dict[str, float], str | None, tuple[str, ...]]:
    """The label prior of the group label and of a 项目 heading shared by several activities (a
    sub-group label): per code the stronger of the two; the label's code is the stronger's."""
    first, second = label_prior(label, lexicon), label_prior(heading, lexicon)
    damp = 0.6 if second[1] else 1.0  # the sub-group heading is the more specific of the two
    prior = {c: max(damp * first[0].get(c, 0.0), second[0].get(c, 0.0)) for c in {*first[0], *second[0]}}
    if first[1] and first[1] == second[1]:  # group label and sub-heading agree: more sure
        prior[first[1]] += lexicon.weights.label_agree * damp * first[0][first[1]]
    if not prior:
        return {}, None, ()
    code = max(prior, key=lambda c: (prior[c], c == second[1]))
    words = tuple(dict.fromkeys((first[2] if first[1] == code else ()) + (second[2] if second[1] == code else ())))
    return prior, code, words


def score(label: str | None, project: str | None, content: str | None, lexicon: Lexicon, *,
          organizers: Sequence[str] = (), issuers: Sequence[str] = (), theme: str | None = None,
          project_is_heading: bool = False) -> Decision:
    """``project_is_heading``: the 项目 cell spans several activities, so it is a sub-group label,
    not this activity's own title."""
    prior, label_code, words = source_prior(label, project if project_is_heading else None, lexicon)
    w = lexicon.weights
    parts: dict[str, dict[str, float]] = {"label": dict(prior), "cues": {}, "prior": {}}
    hits: list[str] = []
    project_text, lead, rest = zones(None if project_is_heading else project, content, lexicon)
    zone_weights = (w.project, lead_weight(lead, rest, lexicon), w.body)
    served = beneficiary("。".join((project_text, lead, rest)), lexicon)
    titled = False  # whether the project or the lead sentence carries any cue
    for i, (text, weight) in enumerate(zip((project_text, lead, rest), zone_weights, strict=True)):
        zone_scores, zone_hits = cue_scores(text, lexicon, best_only=i == 0, served=served)
        if i == 2:  # a body under a title is its detail; with no cue in the title it is the description
            zone_scores = capped(zone_scores, w.body_cap if titled else w.body_cap_untitled)
        titled = titled or bool(zone_scores)
        hits += zone_hits
        _add(parts["cues"], zone_scores, weight)
    head = head_cue(lead, lexicon, served)
    if head:
        _add(parts["cues"], {head[1]: head[2]}, w.head)
        hits.append(f"head:{head[0]}→{head[1]}")
    priors: list[str] = []
    for kind, names, weight in (("organizer", organizers, w.organizer), ("issuer", issuers[:1] if len(issuers) == 1
                                                                          else (), w.issuer)):
        p, p_hits = body_prior(names, lexicon, kind)
        _add(parts["prior"], p, weight)
        priors += p_hits
    if theme:
        t_scores, t_hits = cue_scores(clean_text(theme, lexicon), lexicon, best_only=True)
        _add(parts["prior"], t_scores, w.theme)
        priors += ["theme:" + h for h in t_hits]
    return _decide(parts, label_code, words, tuple(hits), tuple(priors), lexicon)


def capped(scores: dict[str, float], cap: float) -> dict[str, float]:
    """The body's scores scaled down together so that the strongest is at most ``cap``: a long
    body cannot outweigh the title and the label, but it still says which code it is about."""
    top = max(scores.values(), default=0.0)
    return {code: s * cap / top for code, s in scores.items()} if top > cap else scores


def _add(into: dict[str, float], scores: dict[str, float], weight: float) -> None:
    for code, s in scores.items():
        into[code] = into.get(code, 0.0) + weight * s


def _decide(parts: dict[str, dict[str, float]], label_code: str | None, words: tuple[str, ...],
            hits: tuple[str, ...], priors: tuple[str, ...], lexicon: Lexicon) -> Decision:
    total: dict[str, float] = {}
    for p in parts.values():
        _add(total, p, 1.0)
    scores = {code: round(s, 3) for code, s in total.items() if s > 0}
    if not scores:
        return Decision(lexicon.default, METHOD_DEFAULT, 0.0, scores, label_code, words, hits, priors)
    rank = {code: i for i, code in enumerate(lexicon.order)}
    ranked = sorted(scores, key=lambda c: (-scores[c], c != label_code, rank[c]))
    best = ranked[0]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    confidence = round((scores[best] - second) / scores[best] * min(1.0, scores[best] / lexicon.weights.confident_score), 3)
    return Decision(best, _method(parts, best, label_code), confidence, scores, label_code, words, hits, priors)


def _method(parts: dict[str, dict[str, float]], best: str, label_code: str | None) -> str:
    """Which kind of evidence gave the winner most: the label (when it is the label's code and
    outweighs the words), the words, or only the priors."""
    label, cues, prior = (parts[k].get(best, 0.0) for k in ("label", "cues", "prior"))
    if best == label_code and label >= cues:
        return METHOD_LABEL
    if cues > 0 and cues >= prior:
        return METHOD_CUES
    return METHOD_LABEL if best == label_code else METHOD_PRIOR
