"""Accuracy of the category scorer on truth files, overall and leave-one-document-out.

    python -m normalizers.categories.evaluate ../shared/corpus/truth [--errors]
    python -m normalizers.categories.evaluate --explain "开展电梯安全专项检查" [--label 质量惠民]

Two leave-one-document-out checks, both testing on the held-out document:
- ablation: drop every source label and cue word whose only support in the truth is the
  held-out document (entries one would not have written without seeing it), keep the rest;
- refit: keep the cue vocabulary but fit its weights (averaged perceptron) on the other
  documents, either from zero (how far data alone gets with four notices) or starting from the
  hand weights (does tuning on four notices help the fifth, or only fit them?).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from normalizers.categories.lexicon import Lexicon, load_lexicon
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
    out = [f"label:{label_code}"] if label_code else []
    for zone, text in zip(ZONES, zones(example.project, example.content, lexicon), strict=True):
        out += [f"{zone}:{t}" for t in sorted(cue_tokens(text, lexicon) & vocab)]
    return out


ZONES = ("project", "lead", "body")


def hand_weights(lexicon: Lexicon) -> Weights:
    """The data file's weights as a linear model over those features (zone weight × cue weight)."""
    w = lexicon.weights
    zone_weight = {"project": w.project, "lead": w.lead, "body": w.body}
    out: Weights = {f"label:{c}": {c: w.label_map} for c in lexicon.codes}
    for code, cues in lexicon.cues.items():
        for word, x in cues.items():
            for zone in ZONES:
                out.setdefault(f"{zone}:{word}", {})[code] = zone_weight[zone] * x
    return out


def _predict(weights: Weights, feats: Features, codes: tuple[str, ...]) -> str:
    totals = {c: sum(weights.get(f, {}).get(c, 0.0) for f in feats) for c in codes}
    return max(codes, key=lambda c: totals[c])


def fit(data: list[tuple[Features, str]], codes: tuple[str, ...], epochs: int = 10,
        init: Weights | None = None, rate: float = 1.0) -> Weights:
    """Averaged multi-class perceptron (from zero, or from ``init``)."""
    w: Weights = defaultdict(lambda: defaultdict(float))
    for f, by_code in (init or {}).items():
        w[f].update(by_code)
    acc: Weights = defaultdict(lambda: defaultdict(float))
    step = 0
    for _ in range(epochs):
        for feats, gold in data:
            step += 1
            guess = _predict(w, feats, codes)
            if guess != gold:
                for f in feats:
                    w[f][gold] += rate
                    w[f][guess] -= rate
                    acc[f][gold] += rate * step
                    acc[f][guess] -= rate * step
    return {f: {c: w[f][c] - acc[f][c] / step for c in codes} for f in w}


def leave_one_out(examples: list[Example], lexicon: Lexicon, from_hand: bool = False) -> dict[str, float]:
    """Held-out accuracy per document with weights fitted on the other documents."""
    init, rate = (hand_weights(lexicon), 0.25) if from_hand else (None, 1.0)
    feats = [(features(e, lexicon), e.expected) for e in examples]
    out: dict[str, float] = {}
    for doc in sorted({e.doc for e in examples}):
        train = [f for f, e in zip(feats, examples, strict=True) if e.doc != doc]
        test = [f for f, e in zip(feats, examples, strict=True) if e.doc == doc]
        weights = fit(train, lexicon.codes, init=init, rate=rate)
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


def _linear_accuracy(examples: list[Example], lexicon: Lexicon, doc: str) -> float:
    """The linear approximation of the hand weights, unfitted: the baseline for the fits."""
    weights = hand_weights(lexicon)
    test = [(features(e, lexicon), e.expected) for e in examples if e.doc == doc]
    return sum(_predict(weights, f, lexicon.codes) == g for f, g in test) / len(test)


def report(truth_dir: Path, errors: bool) -> None:
    lexicon, examples = load_lexicon(), truth_examples(truth_dir)
    docs = sorted({e.doc for e in examples})
    print(f"hand weights: overall {accuracy(examples, lexicon):.3f} on {len(examples)} activities")
    for doc, acc in per_document(examples, lexicon).items():
        print(f"  {doc:32} {acc:.3f}")
    checks = {"ablation": lambda: ablation_out(examples, lexicon),
              "linear hand weights, no fit": lambda: {d: _linear_accuracy(examples, lexicon, d) for d in docs},
              "fit from hand weights": lambda: leave_one_out(examples, lexicon, from_hand=True),
              "fit from zero": lambda: leave_one_out(examples, lexicon)}
    for name, check in checks.items():
        loo = check()
        print(f"leave-one-document-out ({name}): pooled {_pooled(loo, examples):.3f}")
        for doc, acc in loo.items():
            print(f"  {doc:32} {acc:.3f}")
    if errors:
        for e in examples:
            d = score(e.label, e.project, e.content, lexicon)
            if d.code != e.expected:
                text = (e.content or "")[:70].replace("\n", "")
                print(f"{e.doc[:8]} want {e.expected:13} got {d.code:13} {d.scores} | {e.label} | {text}")


def explain(content: str, label: str | None, project: str | None) -> None:
    """Print how one activity is categorized: for a curator editing the data file."""
    d = score(label, project, content, load_lexicon())
    print(f"{d.code} ({d.method}); label → {d.label_code}")
    print("scores:", dict(sorted(d.scores.items(), key=lambda kv: -kv[1])))
    print("cues:", " ".join(d.hits))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth_dir", type=Path, nargs="?")
    ap.add_argument("--errors", action="store_true", help="list the misclassified activities")
    ap.add_argument("--explain", metavar="CONTENT", help="show the decision for one activity text")
    ap.add_argument("--label", help="with --explain: the source label (类别)")
    ap.add_argument("--project", help="with --explain: the project heading (项目)")
    args = ap.parse_args()
    if args.explain:
        explain(args.explain, args.label, args.project)
    elif args.truth_dir:
        report(args.truth_dir, args.errors)
    else:
        ap.error("give a truth directory or --explain TEXT")


if __name__ == "__main__":
    main()
