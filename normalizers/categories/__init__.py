"""Activity categories: the SPEC §2.5 taxonomy, chosen from the source label and the text.

Rules are data (normalizers/data/categories.toml); the scorer combines the label prior with
jieba-tokenized cue evidence from the project and content (see scorer.py).
"""

from __future__ import annotations

import hashlib

from normalizers.categories.lexicon import DATA_FILE, Lexicon, load_lexicon, tokenizer
from normalizers.categories.scorer import Decision, score

__all__ = ["CATEGORIES", "Decision", "categorize", "category_table", "classify", "data_hash", "load_lexicon", "warm_up"]

CATEGORIES: dict[str, str] = {code: zh for code, (zh, _) in load_lexicon().names.items()}


def classify(label: str | None, content: str | None, project: str | None = None,
             lexicon: Lexicon | None = None) -> Decision:
    """The full decision (code, method, scores, cue hits) for one activity."""
    return score(label, project, content, lexicon or load_lexicon())


def categorize(label: str | None, content: str | None, project: str | None = None) -> tuple[str, str]:
    """(category code, method) with method one of label_map / classifier / default."""
    decision = classify(label, content, project)
    return decision.code, decision.method


def warm_up() -> None:
    """Build the jieba tokenizer with the domain dictionary now (~0.7 s, once a process) rather than
    at the first activity."""
    tokenizer(load_lexicon())


def category_table() -> dict[str, tuple[str, str]]:
    """code → (中文 name, description) for the store's categories table."""
    return dict(load_lexicon().names)


def data_hash() -> str:
    """Short hash of the category data file: part of NORMALIZER_VERSION, so an edit renormalizes."""
    return hashlib.sha256(DATA_FILE.read_bytes()).hexdigest()[:10]
