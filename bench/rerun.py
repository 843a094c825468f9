"""Rerun time of unchanged files (issue 6: under a second per 100 files). Not a timed test.

    PYTHONPATH=. python bench/rerun.py [--files 100] [--db URL] [--raw DIR]

Copies N corpus files (cycling through raw/, new names so each is its own document) into a
temp folder, loads them once, then times a rerun of the unchanged folder and checks with
table digests that the rerun changed no row (the `runs` log table excepted).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders.db import get_engine  # noqa: E402
from loaders.digest import table_digests  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.run import run_batch  # noqa: E402


def make_corpus(raw: Path, dest: Path, n: int) -> Path:
    sources = sorted(p for p in raw.iterdir() if p.suffix in (".docx", ".pdf") and "_scan" not in p.name)
    dest.mkdir(parents=True)
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copyfile(src, dest / f"{i:04d}_{src.name}")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--db", default=None, help="store URL (default: a temp SQLite file)")
    ap.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "corpus" / "raw")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qmetl-bench-"))
    try:
        src = make_corpus(args.raw, tmp / "raw", args.files)
        settings = Settings(db=args.db or f"sqlite:///{tmp / 'store.db'}", quarantine=str(tmp / "q"))
        t0 = time.perf_counter()
        first = run_batch(settings, [str(src)])
        load = time.perf_counter() - t0
        before = table_digests(get_engine(settings.db))
        t1 = time.perf_counter()
        again = run_batch(settings, [str(src)])
        rerun = time.perf_counter() - t1
        same = table_digests(get_engine(settings.db)) == before
        rows = sum(n for n, _ in before.values())
        print(f"store: {settings.db.split('://')[0]}; files: {args.files}; first load {load:.1f}s "
              f"({first.loaded} loaded, {first.failed} failed)")
        print(f"rerun: {rerun:.3f}s for {args.files} unchanged files = {rerun * 100 / args.files:.3f}s per 100 files "
              f"({again.skipped} skipped, {again.loaded} reloaded, {again.failed} failed)")
        print(f"rows before/after rerun identical: {same} ({rows} rows in {len(before)} tables digested)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
