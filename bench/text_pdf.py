"""Text PDFs end to end against bare pdfplumber, side by side in one run (issue 27 point 1).

Each round times, one after the other on the same files: bare pdfplumber (open every file, touch
``page.chars`` on every page), the pipeline end to end (read → structure → normalize → load into a
throwaway SQLite store, no analysis cache) with the PDFium char source, and the same with the
pdfminer source. Five rounds interleaved; each figure is the best round. Ratios are of pages/s.

    python bench/text_pdf.py [--corpus DIR] [--extra DIR ...] [--rounds 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.char_source import text_pdfs  # noqa: E402
from bench.measure import bare_pdfplumber  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.process import process_file  # noqa: E402
from pipeline.run import prepare_store  # noqa: E402

SOURCES = ("pdfium", "pdfminer")


def pipeline_pass(files: list[Path], source: str, settings: Settings) -> tuple[int, float]:
    """Pages and seconds for every file through the pipeline with ``source`` as the PDF char source."""
    chosen = settings.with_overrides(pdf_chars=source)
    pages, started = 0, time.perf_counter()
    for f in files:
        outcome = process_file(str(f), chosen, "bench")
        if outcome.state != "loaded":
            raise RuntimeError(f"{f.name}: {outcome.state} {outcome.error}")
        pages += outcome.pages
    return pages, time.perf_counter() - started


def measure(files: list[Path], rounds: int) -> dict[str, object]:
    best: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=f"sqlite:///{tmp}/bench.db", quarantine=f"{tmp}/q", force=True, cache=False)
        prepare_store(settings)
        process_file(str(files[0]), settings, "warm-up")  # imports, jieba's dictionary
        runs: dict[str, Callable[[], tuple[int, float]]] = {
            "bare_pdfplumber": lambda: bare_pdfplumber(files),
            **{f"pipeline_{s}": (lambda s=s: pipeline_pass(files, s, settings)) for s in SOURCES},  # type: ignore[misc]
        }
        for _ in range(rounds):
            for name, run in runs.items():
                pages, secs = run()
                if name not in best or secs < best[name][1]:
                    best[name] = (pages, secs)
    pps = {k: round(p / s, 1) for k, (p, s) in best.items()}
    bare = pps["bare_pdfplumber"]
    return {
        "files": len(files), "pages": best["bare_pdfplumber"][0], "rounds": rounds, "pages_per_second": pps,
        "ratio_pdfium_vs_bare": round(pps["pipeline_pdfium"] / bare, 2),
        "ratio_pdfminer_vs_bare": round(pps["pipeline_pdfminer"] / bare, 2),
        "ratio_pdfium_vs_pdfminer": round(pps["pipeline_pdfium"] / pps["pipeline_pdfminer"], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus" / "raw")
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="more folders of text PDFs")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = ap.parse_args()
    files = text_pdfs(args.corpus, *args.extra)
    if not files:
        raise SystemExit(f"no text PDFs in {args.corpus} {args.extra}")
    result = measure(files, args.rounds)
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), "utf-8")


if __name__ == "__main__":
    main()
