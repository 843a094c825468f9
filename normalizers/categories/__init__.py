"""Activity categories: the SPEC §2.5 taxonomy, chosen from the source label, the activity's own
words and weak priors (who organizes it, the notice's issuer and theme).

Rules are data (normalizers/data/categories.toml, category_labels.toml, category_cues.toml,
category_priors.toml, category_dict.txt); the scorer combines them (see scorer.py). Every
decision keeps its evidence and a confidence; analysts' corrections are overrides keyed by
``activity_key``, kept in the store and applied at load.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from normalizers.categories.lexicon import DATA_FILES, Lexicon, load_lexicon, tokenizer
from normalizers.categories.scorer import Decision, score
from schemas import Activity, DocumentMeta

__all__ = ["CATEGORIES", "Decision", "activity_key", "categorize", "categorize_activity", "category_table", "shared_projects",
           "classify", "data_hash", "load_lexicon", "warm_up"]

CATEGORIES: dict[str, str] = {code: zh for code, (zh, _) in load_lexicon().names.items()}
CODE_FILES = tuple(sorted(Path(__file__).resolve().parent.glob("*.py")))
SPACE = re.compile(r"\s+")


def classify(label: str | None, content: str | None, project: str | None = None, lexicon: Lexicon | None = None,
             *, organizers: Sequence[str] = (), issuers: Sequence[str] = (), theme: str | None = None,
             project_is_heading: bool = False) -> Decision:
    """The full decision (code, method, confidence, scores, evidence) for one activity."""
    return score(label, project, content, lexicon or load_lexicon(), organizers=organizers, issuers=issuers,
                 theme=theme, project_is_heading=project_is_heading)


def categorize(label: str | None, content: str | None, project: str | None = None) -> tuple[str, str]:
    """(category code, method) with method one of label / cues / prior / default."""
    decision = classify(label, content, project)
    return decision.code, decision.method


def shared_projects(activities: Sequence[Activity]) -> set[str]:
    """项目 texts that several activities share: sub-group headings, not an activity's own title."""
    seen = Counter(SPACE.sub("", a.project) for a in activities if a.project)
    return {p for p, n in seen.items() if n > 1}


def categorize_activity(activity: Activity, meta: DocumentMeta, headings: set[str] | frozenset[str] = frozenset()) -> Decision:
    """Set the activity's category, method, confidence, evidence and key; returns the decision.
    ``headings``: the notice's shared 项目 texts (see shared_projects)."""
    # the bodies the notice assigns it to (an issuer filled in for want of any is not evidence)
    organizers = [o.raw for o in activity.organizer_refs if o.method != "issuer"]
    d = classify(activity.category_raw, activity.content, activity.project, organizers=organizers,
                 issuers=meta.issuers or meta.issuers_raw, theme=meta.theme,
                 project_is_heading=SPACE.sub("", activity.project or "") in headings)
    activity.category, activity.category_method = d.code, d.method
    activity.category_confidence = d.confidence
    activity.category_evidence = d.evidence() | {"deciding": d.deciding_words()}
    activity.category_key = activity_key(activity.category_raw, activity.project, activity.content)
    return d


def activity_key(label: str | None, project: str | None, content: str | None) -> str:
    """A stable key of an activity's text (label, project, content without whitespace): the same
    activity in the PDF and the DOCX of a notice, or after a rerun, has the same key, so an
    analyst's override of its category holds wherever it appears."""
    text = "\x1f".join(SPACE.sub("", t or "") for t in (label, project, content))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def warm_up() -> None:
    """Build the jieba tokenizer with the domain dictionary now (~0.7 s, once a process) rather than
    at the first activity."""
    tokenizer(load_lexicon())


def category_table() -> dict[str, tuple[str, str]]:
    """code → (中文 name, description) for the store's categories table."""
    return dict(load_lexicon().names)


def data_hash(data_dir: Path | None = None) -> str:
    """Short hash of every category data file (in ``data_dir``, default the shipped ones) and of
    this package's code: part of NORMALIZER_VERSION, so an edit of a cue list, a label word, a
    file's version or the scorer makes `qmetl renormalize` recompute every category."""
    digest = hashlib.sha256()
    files = [data_dir / p.name for p in DATA_FILES] if data_dir else list(DATA_FILES)
    for path in (*files, *CODE_FILES):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]
