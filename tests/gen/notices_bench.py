"""Files vs notices on generated sets (issue 24): does the store count each notice once?

The raw folder of one split holds every rendering of the list-notice set (tests/gen/lists: DOCX ×2,
PDF ×2, HTML ×2, text — seven files of one notice), an identical copy of every third notice's DOCX
under another name, and the topic set (tests/gen/topics: DOCX and text of notices of other fields,
and of quality campaigns that never say 质量月). The truth is by construction: a file's notice is its
generator seed; a topic file is off-topic or not by its kind. The folder goes through the pipeline
into a fresh store (plain batch run), then the bench compares the store's grouping with the truth:

    notices_f1   pairwise F1 of "these two files are one notice" (on-topic files)
    split/merged truth notices spread over several store notices / store notices mixing seeds
    off_topic_acc share of topic files flagged right

    python -m tests.gen.notices_bench                # dev and held-out: two SCORE lines
    python -m tests.gen.notices_bench --split dev
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from tests.gen import lists_bench, topics

COPY_EVERY = 3


def build_folder(split: str, out: Path, with_pdf: bool = True) -> dict[str, tuple[str, bool]]:
    """The raw folder of ``split``; file name → (truth notice, off-topic)."""
    rendered = lists_bench.ensure_rendered(split)
    truth: dict[str, tuple[str, bool]] = {}
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(p for p in rendered.iterdir() if p.is_file() and not p.name.startswith(".")):
        if not with_pdf and f.suffix == ".pdf":
            continue
        shutil.copy2(f, out / f.name)
        truth[f.name] = (f.name.split("-")[0], False)
    for i, seed in enumerate(lists_bench.split_seeds(split)):
        if i % COPY_EVERY == 0:
            name = lists_bench.build(seed).name
            copy = f"下载-{i:03d}.docx"  # an identical file under a name that says nothing
            shutil.copy2(out / f"{name}-auto.docx", out / copy)
            truth[copy] = (name, False)
    seeds = topics.DEV_SEEDS if split == "dev" else topics.HELD_OUT_SEEDS
    for path, n in topics.render(seeds, out):
        truth[path.name] = (n.name, n.kind == "off")
    return truth


def store_grouping(url: str) -> dict[str, tuple[str | None, bool]]:
    """File name → (its top-level document's notice id, off-topic) as the store says."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source_file, notice_id, off_topic FROM v_notice_files WHERE position = 0"))
        out = {r.source_file: (r.notice_id, bool(r.off_topic)) for r in rows}
    engine.dispose()
    return out


def measure(truth: dict[str, tuple[str, bool]], got: dict[str, tuple[str | None, bool]]) -> dict[str, float]:
    on = sorted(f for f, (_, off) in truth.items() if not off)
    want_pairs = {(a, b) for a, b in combinations(on, 2) if truth[a][0] == truth[b][0]}
    got_pairs = {(a, b) for a, b in combinations(on, 2)
                 if a in got and b in got and got[a][0] is not None and got[a][0] == got[b][0]}
    hit = len(want_pairs & got_pairs)
    p = hit / len(got_pairs) if got_pairs else 1.0
    r = hit / len(want_pairs) if want_pairs else 1.0
    by_truth: dict[str, set[str | None]] = defaultdict(set)
    by_store: dict[str | None, set[str]] = defaultdict(set)
    for f in on:
        by_truth[truth[f][0]].add(got.get(f, (None, False))[0])
        by_store[got.get(f, (None, False))[0]].add(truth[f][0])
    topic_files = [f for f in truth if f.startswith("topic")]
    right = sum(1 for f in topic_files if f in got and got[f][1] == truth[f][1])
    return {"files": len(truth), "notices_truth": len(by_truth),
            "notices_store": len({got[f][0] for f in on if f in got}),
            "notices_f1": 0.0 if not p + r else 2 * p * r / (p + r),
            "split": sum(1 for s in by_truth.values() if len(s) > 1),
            "merged": sum(1 for t in by_store.values() if len(t) > 1),
            "off_topic_acc": right / len(topic_files) if topic_files else 1.0}


def run_split(split: str, with_pdf: bool = True) -> dict[str, float]:
    from pipeline.config import Settings
    from pipeline.run import run_batch

    work = Path(tempfile.mkdtemp(prefix=f"qm-notices-{split}-"))
    truth = build_folder(split, work / "raw", with_pdf)
    url = f"sqlite:///{work / 'qm.db'}"
    run_batch(Settings(db=url, quarantine=str(work / "q")), [str(work / "raw")])
    return measure(truth, store_grouping(url))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "held"), action="append")
    ap.add_argument("--no-pdf", action="store_true", help="leave the PDF renderings out (faster)")
    args = ap.parse_args()
    for split in args.split or ["dev", "held"]:
        m = run_split(split, not args.no_pdf)
        counts = f"files={m['files']} notices_truth={m['notices_truth']} notices_store={m['notices_store']}"
        print(f"SCORE[{split}] notices_f1={m['notices_f1']:.3f} split={m['split']} merged={m['merged']} "
              f"off_topic_acc={m['off_topic_acc']:.3f} {counts}")


if __name__ == "__main__":
    main()
