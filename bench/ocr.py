"""OCR throughput: pages per second of the scan reader on this machine.

Usage: python bench/ocr.py [PDF ...] [--pages N]
(default: the *_scan.pdf files of the corpus, every page). Prints per-file timings,
then one line ``OCR pages/s: X`` (wall clock, whole pipeline per page: render or
extract image, deskew, rulings, RapidOCR, placement).

``--accuracy EXPORT.json TRUTH.json`` instead prints the character accuracy of the table
cells (content, project, category, organizers of every table activity, paired by seq):
1 - Levenshtein distance / truth length, whitespace removed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.readers.ocr import ocr_available, ocr_pages  # noqa: E402


def default_files() -> list[Path]:
    for corpus in (ROOT.parent / "shared" / "corpus" / "raw", ROOT / "tests" / "data" / "corpus" / "raw"):
        found = sorted(corpus.glob("*_scan.pdf"))
        if found:
            return found
    return []


CELL_FIELDS = ("content", "project", "category_raw", "organizers_raw")


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def cell_accuracy(export: Path, truth: Path) -> tuple[float, int]:
    """Character accuracy of the exported table cells against the truth, and the truth char count."""
    from rapidfuzz.distance import Levenshtein

    pred = {a.get("seq"): a for a in json.loads(export.read_text(encoding="utf-8")).get("activities", [])}
    errors = chars = 0
    for gold in json.loads(truth.read_text(encoding="utf-8")).get("activities", []):
        if gold.get("source") != "table":
            continue
        got = pred.get(gold.get("seq"), {})
        for f in CELL_FIELDS:
            want = _norm(gold.get(f))
            errors += Levenshtein.distance(_norm(got.get(f)), want)
            chars += len(want)
    return (1 - errors / chars if chars else 1.0), chars


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--pages", type=int, default=0, help="at most N pages per file (0 = all)")
    ap.add_argument("--accuracy", nargs=2, type=Path, metavar=("EXPORT", "TRUTH"))
    args = ap.parse_args()
    if args.accuracy:
        acc, n = cell_accuracy(*args.accuracy)
        print(f"OCR table-cell character accuracy: {acc:.4f} over {n} truth characters")
        return 0
    if not ocr_available():
        print("OCR extra not installed: pip install 'qmetl[ocr]'", file=sys.stderr)
        return 2
    import pypdfium2 as pdfium

    total_pages, total_s, total_cpu = 0, 0.0, 0.0
    load_before = os.getloadavg()[0]
    for pdf_path in args.pdfs or default_files():
        n = len(pdfium.PdfDocument(str(pdf_path)))
        numbers = list(range(1, (min(n, args.pages) if args.pages else n) + 1))
        start, cpu = time.perf_counter(), time.process_time()
        ocr_pages(pdf_path, numbers)
        took, used = time.perf_counter() - start, time.process_time() - cpu
        total_pages += len(numbers)
        total_s += took
        total_cpu += used
        print(f"{pdf_path.name}: {len(numbers)} pages in {took:.1f} s wall, {used:.1f} s CPU "
              f"({len(numbers) / took:.3f} pages/s)")
    if not total_pages:
        print("no scanned PDFs found", file=sys.stderr)
        return 1
    cpus = os.cpu_count() or 1
    print(f"cpus: {cpus}, load average before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f} "
          "(other processes share the cores when load > cpus)")
    print(f"CPU seconds per page: {total_cpu / total_pages:.1f} "
          f"(on an idle {cpus}-core machine: about {cpus * total_pages / total_cpu:.3f} pages/s)")
    print(f"OCR pages/s: {total_pages / total_s:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
