"""Accuracy of the category scorer on truth files, overall and leave-one-document-out.

    python -m normalizers.categories.evaluate ../shared/corpus/truth [--errors]

Two leave-one-document-out checks, both testing on the held-out document:
- ablation: drop every source label and cue word whose only support in the truth is the
  held-out document (entries one would not have written without seeing it), keep the rest;
- refit: keep the cue vocabulary but re-fit all weights from zero (averaged perceptron) on the
  other documents — how far data alone gets with four notices.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from normalizers.categories.lexicon import Lexicon, load_lexicon, tokenizer
from normalizers.categories.scorer import cue_tokens, label_prior, normalize_label, score, zones


@dataclass(frozen=True)
class Example:
    doc: str
    label: str | None
    project: str | None
    content: str | None
    expected: str


def truth_examples(truth_dir: Path) -> list[Example]:
    """Every activity of every truth file (embedded notices included) with its expected code."""
    out: list[Example] = []
    for path in sorted(truth_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for part in [doc, *doc.get("embedded", [])]:
            out += [Example(path.stem, a.get("category_raw"), a.get("project"), a.get("content"), a["category"])
                    for a in part.get("activities", []) if a.get("category")]
    return out


def accuracy(examples: list[Example], lexicon: Lexicon) -> float:
    hits = sum(score(e.label, e.project, e.content, lexicon).code == e.expected for e in examples)
    return hits / len(examples) if examples else 0.0


def per_document(examples: list[Example], lexicon: Lexicon) -> dict[str, float]:
    docs = sorted({e.doc for e in examples})
    return {d: accuracy([e for e in examples if e.doc == d], lexicon) for d in docs}


Features = list[str]
Weights = dict[str, dict[str, float]]  # feature → code → weight


def features(example: Example, lexicon: Lexicon) -> Features:
    """Zone-tagged cue tokens plus the mapped label: the perceptron's inputs."""
    _, label_code = label_prior(example.label, lexicon)
    vocab = {w for cues in lexicon.cues.values() for w in cues}
    tk = tokenizer(lexicon)
    out = [f"label:{label_code}"] if label_code else []
    for zone, text in zip(("project", "lead", "body"), zones(example.project, example.content, lexicon), strict=True):
        out += [f"{zone}:{t}" for t in sorted(set(tk.lcut(text)) & vocab)]
    return out


def _predict(weights: Weights, feats: Features, codes: tuple[str, ...]) -> str:
    totals = {c: sum(weights.get(f, {}).get(c, 0.0) for f in feats) for c in codes}
    return max(codes, key=lambda c: totals[c])


def fit(data: list[tuple[Features, str]], codes: tuple[str, ...], epochs: int = 10) -> Weights:
    """Averaged multi-class perceptron."""
    w: Weights = defaultdict(lambda: defaultdict(float))
    acc: Weights = defaultdict(lambda: defaultdict(float))
    step = 0
    for _ in range(epochs):
        for feats, gold in data:
            step += 1
            guess = _predict(w, feats, codes)
            if guess != gold:
                for f in feats:
                    w[f][gold] += 1.0
                    w[f][guess] -= 1.0
                    acc[f][gold] += step
                    acc[f][guess] -= step
    return {f: {c: w[f][c] - acc[f][c] / step for c in codes} for f in w}


def leave_one_out(examples: list[Example], lexicon: Lexicon) -> dict[str, float]:
    """Held-out accuracy per document with weights fitted on the other documents."""
    feats = [(features(e, lexicon), e.expected) for e in examples]
    out: dict[str, float] = {}
    for doc in sorted({e.doc for e in examples}):
        train = [f for f, e in zip(feats, examples, strict=True) if e.doc != doc]
        test = [f for f, e in zip(feats, examples, strict=True) if e.doc == doc]
        weights = fit(train, lexicon.codes)
        out[doc] = sum(_predict(weights, f, lexicon.codes) == g for f, g in test) / len(test)
    return out


def _support(examples: list[Example], lexicon: Lexicon) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(label → documents using it, 'cue→code' → documents where it marks an activity of that code)."""
    labels: dict[str, set[str]] = defaultdict(set)
    cues: dict[str, set[str]] = defaultdict(set)
    for e in examples:
        labels[normalize_label(e.label)].add(e.doc)
        found = set().union(*(cue_tokens(t, lexicon) for t in zones(e.project, e.content, lexicon)))
        for word in found & lexicon.cues.get(e.expected, {}).keys():
            cues[f"{word}→{e.expected}"].add(e.doc)
    return labels, cues


def ablated(lexicon: Lexicon, doc: str, examples: list[Example]) -> Lexicon:
    """The lexicon without the labels and cues only the held-out document supports."""
    labels_support, cue_support = _support(examples, lexicon)
    only = {k for k, docs in cue_support.items() if docs == {doc}}
    cues = {c: {w: x for w, x in ws.items() if f"{w}→{c}" not in only} for c, ws in lexicon.cues.items()}
    labels = {k: v for k, v in lexicon.labels.items() if labels_support.get(k) != {doc}}
    dropped = tuple(k.split("→")[0] for k in only)  # still tokenized whole: only the weighting changes
    return replace(lexicon, cues=cues, labels=labels, words=lexicon.words + dropped)


def ablation_out(examples: list[Example], lexicon: Lexicon) -> dict[str, float]:
    out: dict[str, float] = {}
    for doc in sorted({e.doc for e in examples}):
        out[doc] = accuracy([e for e in examples if e.doc == doc], ablated(lexicon, doc, examples))
    return out


def _pooled(per_doc: dict[str, float], examples: list[Example]) -> float:
    return sum(acc * sum(e.doc == d for e in examples) for d, acc in per_doc.items()) / len(examples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth_dir", type=Path)
    ap.add_argument("--errors", action="store_true", help="list the misclassified activities")
    args = ap.parse_args()
    lexicon, examples = load_lexicon(), truth_examples(args.truth_dir)
    print(f"hand weights: overall {accuracy(examples, lexicon):.3f} on {len(examples)} activities")
    for doc, acc in per_document(examples, lexicon).items():
        print(f"  {doc:32} {acc:.3f}")
    for name, check in (("ablation", ablation_out), ("refit from zero", leave_one_out)):
        loo = check(examples, lexicon)
        print(f"leave-one-document-out ({name}): pooled {_pooled(loo, examples):.3f}")
        for doc, acc in loo.items():
            print(f"  {doc:32} {acc:.3f}")
    if args.errors:
        for e in examples:
            d = score(e.label, e.project, e.content, lexicon)
            if d.code != e.expected:
                text = (e.content or "")[:70].replace("\n", "")
                print(f"{e.doc[:8]} want {e.expected:13} got {d.code:13} {d.scores} | {e.label} | {text}")


if __name__ == "__main__":
    main()
