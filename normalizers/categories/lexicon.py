"""The category rule data (normalizers/data/categories.toml) as validated, frozen values."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "categories.toml"

Cues = dict[str, dict[str, float]]  # code → {cue word → weight}


@dataclass(frozen=True)
class Weights:
    """How much each zone of an activity counts (see the data file's header)."""

    label_map: float
    label_cue: float
    project: float
    lead: float
    title: float
    title_max_chars: int
    head: float
    body: float
    body_cap: float


@dataclass(frozen=True, eq=False)  # hashed by identity: one loaded file, one tokenizer
class Lexicon:
    """Taxonomy, source-label map and cue lists of one version of the data file."""

    version: str
    names: dict[str, tuple[str, str]]  # code → (中文, covers)
    labels: dict[str, str]  # normalized source label → code ("" = vague label, no prior)
    label_cues: Cues
    cues: Cues
    words: tuple[str, ...]  # extra dictionary words
    weights: Weights
    default: str
    order: tuple[str, ...]
    masks: tuple[re.Pattern[str], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.names)


def parse_lexicon(data: dict, source: str = "categories.toml") -> Lexicon:
    """Build a Lexicon from the parsed TOML, rejecting codes outside the taxonomy."""
    names = {code: (v["zh"], v["covers"]) for code, v in data["categories"].items()}
    lexicon = Lexicon(
        version=str(data.get("version", "")), names=names, labels=dict(data.get("labels", {})),
        label_cues=_cue_table(data.get("label_cues", {})), cues=_cue_table(data.get("cues", {})),
        words=tuple(data.get("dictionary", {}).get("words", ())), weights=Weights(**data["weights"]),
        default=data["defaults"]["code"], order=tuple(data["defaults"]["order"]),
        masks=tuple(_pattern(p, source) for p in data.get("masks", {}).get("organizations", ())),
    )
    _check_codes(lexicon, source)
    return lexicon


def _pattern(pattern: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{source}: [masks] pattern {pattern!r} is not a valid regex: {exc}") from exc


def _cue_table(raw: dict) -> Cues:
    return {code: {word: float(w) for word, w in words.items()} for code, words in raw.items()}


def _check_codes(lexicon: Lexicon, source: str) -> None:
    known = set(lexicon.codes)
    used = {c for c in lexicon.labels.values() if c} | set(lexicon.cues) | set(lexicon.label_cues)
    used |= {lexicon.default, *lexicon.order}
    unknown = sorted(used - known)
    if unknown:
        raise ValueError(f"{source}: unknown category code(s) {unknown}; expected one of {sorted(known)}")
    if set(lexicon.order) != known:
        raise ValueError(f"{source}: [defaults].order must list every code once; got {lexicon.order}")


@lru_cache(maxsize=1)
def load_lexicon(path: Path = DATA_FILE) -> Lexicon:
    with path.open("rb") as fh:
        return parse_lexicon(tomllib.load(fh), str(path))


def dictionary_words(lexicon: Lexicon) -> set[str]:
    """Every word jieba must keep whole: all cues, label cues and the extra dictionary words."""
    words = set(lexicon.words)
    for table in (lexicon.cues, lexicon.label_cues):
        for cues in table.values():
            words |= set(cues)
    return words


@lru_cache(maxsize=4)
def tokenizer(lexicon: Lexicon) -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one stays untouched) with the domain dictionary; cached
    per lexicon (it is asked for once a text zone, thousands of times a run)."""
    return _tokenizer(frozenset(dictionary_words(lexicon)))


@lru_cache(maxsize=4)
def _tokenizer(words: frozenset[str]) -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    for word in sorted(words):
        tk.add_word(word)  # jieba picks a frequency that keeps the word whole
    return tk
