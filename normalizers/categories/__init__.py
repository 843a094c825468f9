"""Activity categories: the SPEC §2.5 taxonomy, chosen from the source label and the text.

Rules are data (normalizers/data/categories.toml); the scorer combines the label prior with
jieba-tokenized cue evidence from the project and content (see scorer.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from normalizers.categories.lexicon import DATA_FILE, Lexicon, load_lexicon, tokenizer
from normalizers.categories.scorer import Decision, score
from schemas import Activity

__all__ = ["CATEGORIES", "Decision", "activity_key", "categorize", "categorize_activity", "confidence", "category_table", "classify", "data_hash", "load_lexicon", "warm_up"]

CATEGORIES: dict[str, str] = {code: zh for code, (zh, _) in load_lexicon().names.items()}


def classify(label: str | None, content: str | None, project: str | None = None,
             lexicon: Lexicon | None = None) -> Decision:
    """The full decision (code, method, scores, cue hits) for one activity."""
    return score(label, project, content, lexicon or load_lexicon())


def categorize(label: str | None, content: str | None, project: str | None = None) -> tuple[str, str]:
    """(category code, method) with method one of label_map / classifier / default."""
    decision = classify(label, content, project)
    return decision.code, decision.method


SPACE = re.compile(r"\s+")
CONFIDENT_SCORE = 4.0  # a winning score this high is full evidence


def confidence(decision: Decision) -> float:
    """(best − second) / best, scaled down while the best score is weak; 0 without any evidence."""
    ranked = sorted(decision.scores.values(), reverse=True)
    if not ranked or ranked[0] <= 0:
        return 0.0
    second = ranked[1] if len(ranked) > 1 else 0.0
    return round((ranked[0] - second) / ranked[0] * min(1.0, ranked[0] / CONFIDENT_SCORE), 3)


def evidence(decision: Decision) -> dict[str, object]:
    """The stored record of a decision (activities.category_evidence): the label's code, the cue
    words, the scores, and the deciding words (the cues of the chosen code)."""
    deciding = [h.split("→")[0].removeprefix("head:") for h in decision.hits if h.endswith("→" + decision.code)]
    return {"method": decision.method, "code": decision.code, "label_code": decision.label_code,
            "cues": list(decision.hits), "scores": dict(decision.scores),
            "deciding": (["label"] if decision.label_code == decision.code else []) + list(dict.fromkeys(deciding))}


def activity_key(label: str | None, project: str | None, content: str | None) -> str:
    """A stable key of an activity's text (label, project, content without whitespace): the same
    activity in the PDF and the DOCX of a notice, or after a rerun, has the same key, so an
    analyst's override of its category (table category_overrides) holds wherever it appears."""
    text = "\x1f".join(SPACE.sub("", t or "") for t in (label, project, content))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def categorize_activity(activity: Activity) -> Decision:
    """Set the activity's category, method, confidence, evidence and key; returns the decision."""
    d = classify(activity.category_raw, activity.content, activity.project)
    activity.category, activity.category_method = d.code, d.method
    activity.category_confidence, activity.category_evidence = confidence(d), evidence(d)
    activity.category_key = activity_key(activity.category_raw, activity.project, activity.content)
    return d


def warm_up() -> None:
    """Build the jieba tokenizer with the domain dictionary now (~0.7 s, once a process) rather than
    at the first activity."""
    tokenizer(load_lexicon())


def category_table() -> dict[str, tuple[str, str]]:
    """code → (中文 name, description) for the store's categories table."""
    return dict(load_lexicon().names)


def data_hash() -> str:
    """Short hash of the category data file and of this package's code: part of NORMALIZER_VERSION,
    so an edit of the rules or of the scorer renormalizes."""
    digest = hashlib.sha256(DATA_FILE.read_bytes())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]
