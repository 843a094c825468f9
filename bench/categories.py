"""Category accuracy: corpus, leave-one-notice-out, and the generated labelled set (dev / held-out).

    python -m bench.categories [--truth /work/shared/corpus/truth] [--errors] [--set corpus|dev|heldout]
    python -m bench.categories --explain "开展电梯安全专项检查" [--label 质量惠民] [--project …]

Leave-one-notice-out over the corpus: when notice N is scored, every rule entry (a cue word of a
code, a label word of a code, an organizer stem) that fires in no corpus notice but N is removed
from the rules — knowledge that could only have come from N. The rules are written from the
SPEC §2.5 definitions, so the LOO score equals the plain one when no entry is supported by one
notice only; any gap between the two is printed. The generated set (tests/gen/category_texts.py)
is written from the definitions too; its held-out part is measured, never tuned on.
Prints accuracy, per-category precision / recall and the confusion matrix (rows: truth).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from normalizers.categories import Decision, classify
from normalizers.categories.lexicon import Lexicon, load_lexicon
from normalizers.categories.scorer import body_prior, cue_tokens, cue_vocabulary, label_words, zones

TRUTH = Path(os.environ.get("QMETL_TRUTH", "/work/shared/corpus/truth"))
Entry = tuple[str, str, str]  # (table: cue / label / organizer, code, word)


@dataclass(frozen=True)
class Example:
    doc: str
    label: str | None
    project: str | None
    content: str | None
    expected: str
    organizers: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    theme: str | None = None
    project_is_heading: bool = False


def truth_examples(truth_dir: Path) -> list[Example]:
    """Every activity of every truth file (embedded notices included) with its expected code."""
    out: list[Example] = []
    for path in sorted(truth_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for part in [doc, *doc.get("embedded", [])]:
            meta, acts = part.get("document", {}), part.get("activities", [])
            shared = Counter("".join((a.get("project") or "").split()) for a in acts if a.get("project"))
            out += [Example(path.stem, a.get("category_raw"), a.get("project"), a.get("content"), a["category"],
                            tuple(_split(a.get("organizers_raw"))), tuple(meta.get("issuers") or ()), meta.get("theme"),
                            shared["".join((a.get("project") or "").split())] > 1)
                    for a in acts if a.get("category")]
    return out


def _split(raw: str | None) -> list[str]:
    return [p for p in (raw or "").replace("；", "、").replace("，", "、").split("、") if p]


def decide(e: Example, lexicon: Lexicon) -> Decision:
    return classify(e.label, e.content, e.project, lexicon, organizers=e.organizers, issuers=e.issuers, theme=e.theme,
                    project_is_heading=e.project_is_heading)


def entries_used(e: Example, lexicon: Lexicon) -> set[Entry]:
    """The rule entries that fire on one example."""
    vocab = cue_vocabulary(lexicon)
    project = None if e.project_is_heading else e.project
    words = set().union(*(cue_tokens(t, lexicon) for t in zones(project, e.content, lexicon))) & vocab
    words |= cue_tokens(e.theme or "", lexicon) & vocab
    out = {("cue", c, w) for c, cues in lexicon.cues.items() for w in words & cues.keys()}
    for label in (e.label, e.project if e.project_is_heading else None):
        out |= {("label", c, w) for c, ws in label_words(label, lexicon).items() for w in ws}
    hits = body_prior(e.organizers, lexicon, "organizer")[1] + body_prior(e.issuers, lexicon, "issuer")[1]
    out |= {("organizer", h.split("→")[1], h.split(":")[1].split("→")[0]) for h in hits}
    return out


def support(examples: list[Example], lexicon: Lexicon) -> dict[Entry, set[str]]:
    """Rule entry → the notices it fires in."""
    out: dict[Entry, set[str]] = {}
    for e in examples:
        for entry in entries_used(e, lexicon):
            out.setdefault(entry, set()).add(e.doc)
    return out


def without(lexicon: Lexicon, drop: set[Entry]) -> Lexicon:
    """The lexicon without some entries (their words still tokenize whole: only the evidence goes)."""
    def keep(table: str, cues: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        return {c: {w: x for w, x in ws.items() if (table, c, w) not in drop} for c, ws in cues.items()}
    dropped = tuple(sorted({w for _, _, w in drop}))
    return replace(lexicon, cues=keep("cue", lexicon.cues), label_cues=keep("label", lexicon.label_cues),
                   organizers=keep("organizer", lexicon.organizers), words=lexicon.words + dropped)


def single_notice_entries(examples: list[Example], lexicon: Lexicon,
                          backing: list[Example] = ()) -> dict[str, set[Entry]]:
    """Notice → the entries that fire in that notice only, and in none of the ``backing`` examples
    (the generated development set, written from the definitions: an entry it uses is not
    knowledge taken from a corpus notice)."""
    backed = set(support(list(backing), lexicon)) if backing else set()
    out: dict[str, set[Entry]] = {}
    for entry, docs in support(examples, lexicon).items():
        if len(docs) == 1 and entry not in backed:
            out.setdefault(next(iter(docs)), set()).add(entry)
    return out


def leave_one_notice_out(examples: list[Example], lexicon: Lexicon, backing: list[Example] = ()) -> list[str]:
    """Predicted codes, each notice scored without the entries only it supports."""
    only = single_notice_entries(examples, lexicon, backing)
    rules = {doc: without(lexicon, only.get(doc, set())) for doc in {e.doc for e in examples}}
    return [decide(e, rules[e.doc]).code for e in examples]


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def report(name: str, gold: list[str], pred: list[str], codes: Iterable[str]) -> str:
    codes = list(codes)
    pairs = Counter(zip(gold, pred, strict=True))
    lines = [f"{name}: accuracy {accuracy(gold, pred):.3f} on {len(gold)} activities",
             f"  {'code':14}{'prec':>6}{'rec':>6}{'n':>5}"]
    for c in codes:
        tp, npred, ngold = pairs[(c, c)], sum(p == c for p in pred), sum(g == c for g in gold)
        lines.append(f"  {c:14}{tp / npred if npred else 0:6.2f}{tp / ngold if ngold else 0:6.2f}{ngold:5d}")
    short = [c[:6] for c in codes]
    lines.append("  confusion (rows truth, columns predicted)")
    lines.append("  " + "truth/pred".ljust(14) + " ".join(f"{s:>6}" for s in short))
    lines += [f"  {c:14}" + " ".join(f"{pairs[(c, p)]:6d}" for p in codes) for c in codes]
    return "\n".join(lines)


def per_notice(examples: list[Example], pred: list[str]) -> str:
    docs = sorted({e.doc for e in examples})
    rows = []
    for d in docs:
        idx = [i for i, e in enumerate(examples) if e.doc == d]
        rows.append(f"  {d:34} {accuracy([examples[i].expected for i in idx], [pred[i] for i in idx]):.3f}")
    return "\n".join(rows)


def generated(split: str) -> list[Example]:
    from tests.gen.category_texts import labelled_examples

    return [Example(**x) for x in labelled_examples(split)]


def errors(examples: list[Example], pred: list[str], lexicon: Lexicon) -> str:
    out = []
    for e, p in zip(examples, pred, strict=True):
        if p != e.expected:
            d = decide(e, lexicon)
            text = (e.content or "")[:60].replace("\n", "")
            out.append(f"{e.doc[:10]:10} want {e.expected:13} got {p:13} {d.scores} | {e.label} | {e.project} | {text}")
    return "\n".join(out)


def run(truth_dir: Path, sets: list[str], show_errors: bool) -> None:
    lexicon = load_lexicon()
    if "corpus" in sets and truth_dir.is_dir():
        ex = truth_examples(truth_dir)
        gold = [e.expected for e in ex]
        plain = [decide(e, lexicon).code for e in ex]
        dev = generated("dev")
        loo = leave_one_notice_out(ex, lexicon, dev)
        strict = leave_one_notice_out(ex, lexicon)
        print(report("corpus", gold, plain, lexicon.codes))
        print(per_notice(ex, plain))
        print(report("corpus leave-one-notice-out", gold, loo, lexicon.codes))
        print(per_notice(ex, loo))
        only = single_notice_entries(ex, lexicon, dev)
        print(f"  rule entries firing in one corpus notice only and not in the generated dev set: "
              f"{sum(map(len, only.values()))} {sorted(w for es in only.values() for _, _, w in es)}")
        print(f"  LOO − plain = {accuracy(gold, loo) - accuracy(gold, plain):+.3f}; strict LOO (also removing the "
              f"entries the dev set uses): {accuracy(gold, strict):.3f}")
        if show_errors:
            print(errors(ex, plain, lexicon))
        print(f"SCORE corpus category_acc={accuracy(gold, plain):.3f} loo_category_acc={accuracy(gold, loo):.3f} "
              f"strict_loo_category_acc={accuracy(gold, strict):.3f}")
    for split in [s for s in sets if s in ("dev", "heldout")]:
        ex = generated(split)
        gold, pred = [e.expected for e in ex], [decide(e, lexicon).code for e in ex]
        print(report(f"generated {split} ({len({e.doc for e in ex})} notices)", gold, pred, lexicon.codes))
        if show_errors and split == "dev":
            print(errors(ex, pred, lexicon))
        print(f"SCORE {split} category_acc={accuracy(gold, pred):.3f}")


def explain(content: str, label: str | None, project: str | None) -> None:
    """Print how one activity is categorized: for a curator editing the data files."""
    d = classify(label, content, project)
    print(f"{d.code} ({d.method}, confidence {d.confidence}); label → {d.label_code} {list(d.label_words)}")
    print("scores:", dict(sorted(d.scores.items(), key=lambda kv: -kv[1])))
    print("cues:", " ".join(d.hits), "| priors:", " ".join(d.priors))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", type=Path, default=TRUTH, help="corpus truth folder")
    ap.add_argument("--set", dest="sets", action="append", choices=["corpus", "dev", "heldout"],
                    help="which sets (default: all three)")
    ap.add_argument("--errors", action="store_true", help="list the misclassified activities (corpus LOO, dev)")
    ap.add_argument("--explain", metavar="CONTENT", help="show the decision for one activity text")
    ap.add_argument("--label", help="with --explain: the source label (类别)")
    ap.add_argument("--project", help="with --explain: the project heading (项目)")
    args = ap.parse_args()
    if args.explain:
        explain(args.explain, args.label, args.project)
    else:
        run(args.truth, args.sets or ["corpus", "dev", "heldout"], args.errors)


if __name__ == "__main__":
    main()
