"""The stage functions called in a plain loop, no Prefect: the baseline for the flow's overhead.

    python bench/direct.py DIR --db URL
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import Settings  # noqa: E402
from pipeline.process import process_file  # noqa: E402
from pipeline.run import finish, prepare, settled_heap  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw")
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    settings = Settings(db=args.db, quarantine=str(Path(args.raw).parent / "quarantine"))
    started = time.perf_counter()
    load_id, files = prepare(settings, [args.raw])
    with settled_heap():
        outcomes = [process_file(str(f), settings, load_id) for f in files]
    summary = finish(settings, load_id, [args.raw], outcomes, time.perf_counter() - started)
    print(f"{summary.files} files, {summary.loaded} loaded, {summary.failed} failed")


if __name__ == "__main__":
    main()
