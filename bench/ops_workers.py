"""Serial vs ``--workers 2`` on the corpus: wall time of the whole flow and its stage times.

    PREFECT_HOME=/tmp/prefect-bench PYTHONPATH=. .venv/bin/python bench/ops_workers.py [RAW] [--repeat N]

Every run starts from an empty store with the Prefect cache off, so each one analyses every
file. The ephemeral Prefect server is started by a warm-up run and shared by the timed ones.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flows import run_ingest
from pipeline.cli.options import configure_logging
from pipeline.config import Settings

ROOT = Path(__file__).resolve().parents[1]
CASES = [("serial", 1, "threads"), ("--workers 2 (threads)", 2, "threads"), ("--workers 2 --executor processes", 2,
                                                                            "processes")]


def timed_run(raw: Path, workers: int, executor: str) -> tuple[float, dict[str, float], int]:
    with tempfile.TemporaryDirectory(prefix="qmetl-bench-") as tmp:
        settings = Settings(db=f"sqlite:///{tmp}/qm.db", quarantine=f"{tmp}/q", workers=workers,
                            executor=executor, cache=False)
        started = time.perf_counter()
        summary = run_ingest(settings, [str(raw)])
        return time.perf_counter() - started, summary.stage_seconds, summary.loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "raw"))
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per case (the median is shown)")
    args = parser.parse_args()
    configure_logging("WARNING")
    raw = Path(args.raw)
    timed_run(raw, 1, "threads")  # warm-up: Prefect's ephemeral server, imports, OS file cache
    print(f"corpus {raw}: {sum(1 for f in raw.iterdir() if f.is_file())} files")
    base = None
    for label, workers, executor in CASES:
        runs = [timed_run(raw, workers, executor) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        base = base or wall
        stages = ", ".join(f"{k} {v:.2f}" for k, v in runs[0][1].items())
        print(f"{label:34s} {wall:6.2f} s  (x{base / wall:.2f})  loaded {runs[0][2]}  stage sums: {stages}")


if __name__ == "__main__":
    main()
