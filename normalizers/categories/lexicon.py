"""The category rule data (normalizers/data/categor*.toml, category_dict.txt) as validated, frozen values."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DATA_FILE = DATA_DIR / "categories.toml"  # taxonomy, weights, defaults, masks
CUES_FILE = DATA_DIR / "category_cues.toml"
LABELS_FILE = DATA_DIR / "category_labels.toml"
PRIORS_FILE = DATA_DIR / "category_priors.toml"
DICT_FILE = DATA_DIR / "category_dict.txt"
DATA_FILES = (DATA_FILE, CUES_FILE, LABELS_FILE, PRIORS_FILE, DICT_FILE)

Cues = dict[str, dict[str, float]]  # code → {word → weight}


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts (see categories.toml's header)."""

    label: float
    label_full: float
    project: float
    lead: float
    title: float
    title_max_chars: int
    head: float
    body: float
    body_cap: float
    organizer: float
    issuer: float
    theme: float
    confident_score: float
    label_agree: float = 0.5
    body_cap_untitled: float = 10.0


@dataclass(frozen=True, eq=False)  # hashed by identity: one loaded set of files, one tokenizer
class Lexicon:
    """Taxonomy, label words, cue lists and priors of one version of the data files."""

    version: str
    names: dict[str, tuple[str, str]]  # code → (中文, covers)
    vague: frozenset[str]  # labels that name no kind of work
    label_cues: Cues
    cues: Cues
    organizers: Cues  # code → {body-name stem → weight}
    words: tuple[str, ...]  # dictionary words kept whole that are not cues
    weights: Weights
    default: str
    order: tuple[str, ...]
    review_below: float = 0.35
    masks: tuple[re.Pattern[str], ...] = ()
    framing: re.Pattern[str] | None = None  # opening clauses that frame the work (drop_framing)
    beneficiaries: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code → words of whom it serves
    services: frozenset[str] = frozenset()  # cues that count for whom they serve

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.names)


def parse_lexicon(data: dict, cues: dict, labels: dict, priors: dict, words: tuple[str, ...] = (),
                  source: str = "categories.toml") -> Lexicon:
    """Build a Lexicon from the parsed files, rejecting codes outside the taxonomy."""
    names = {code: (v["zh"], v["covers"]) for code, v in data["categories"].items()}
    version = "/".join(str(d.get("version", "")) for d in (data, cues, labels, priors))
    lexicon = Lexicon(
        version=version, names=names, vague=frozenset(labels.get("vague", ())),
        label_cues=_cue_table(labels.get("label_cues", {}), source), cues=_cue_table(cues.get("cues", {}), source),
        organizers=_cue_table(priors.get("organizers", {}), source), words=words,
        weights=Weights(**data["weights"]), default=data["defaults"]["code"],
        order=tuple(data["defaults"]["order"]), review_below=float(data["defaults"].get("review_below", 0.35)),
        masks=tuple(_pattern(p, source) for p in data.get("masks", {}).get("organizations", ())),
        framing=_framing(data.get("grammar", {}).get("framing", ()), source),
        beneficiaries={code: tuple(ws) for code, ws in cues.get("beneficiaries", {}).items()},
        services=frozenset(cues.get("services", {}).get("words", ())),
    )
    _check_codes(lexicon, source)
    return lexicon


def _pattern(pattern: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{source}: [masks] pattern {pattern!r} is not a valid regex: {exc}") from exc


def _framing(patterns: list[str], source: str) -> re.Pattern[str] | None:
    """One pattern matching any framing clause at the start of a sentence, up to its comma."""
    if not patterns:
        return None
    return _pattern("(?:" + "|".join(f"(?:{p})" for p in patterns) + ")[^，,。；;]*?[，,]", source)


def _cue_table(raw: dict, source: str) -> Cues:
    out: Cues = {}
    for code, words in raw.items():
        for word, w in words.items():
            if not isinstance(w, int | float) or w <= 0:
                raise ValueError(f"{source}: weight of {word!r} under {code!r} is {w!r}; expected a positive number")
        out[code] = {word: float(w) for word, w in words.items()}
    return out


def _check_codes(lexicon: Lexicon, source: str) -> None:
    known = set(lexicon.codes)
    used = set(lexicon.cues) | set(lexicon.label_cues) | set(lexicon.organizers) | set(lexicon.beneficiaries) | {lexicon.default, *lexicon.order}
    unknown = sorted(used - known)
    if unknown:
        raise ValueError(f"{source}: unknown category code(s) {unknown}; expected one of {sorted(known)}")
    if sorted(lexicon.order) != sorted(known):
        raise ValueError(f"{source}: [defaults].order must list every code once; got {lexicon.order}")


def read_words(path: Path) -> tuple[str, ...]:
    """The dictionary file's words: one a line, '#' comments, blank lines ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line.split()[0] for line in lines if line)


def _toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    files = [data_dir / p.name for p in DATA_FILES]
    data, cues, labels, priors = (_toml(p) for p in files[:4])
    return parse_lexicon(data, cues, labels, priors, words=read_words(files[4]), source=str(files[0]))


def dictionary_words(lexicon: Lexicon) -> set[str]:
    """Every word jieba must keep whole: all cues, label words and the dictionary words."""
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
