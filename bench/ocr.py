"""OCR throughput: pages per second of the scan reader on this machine.

Usage: python bench/ocr.py [PDF ...] [--pages N]
(default: the *_scan.pdf files of the corpus, every page). Prints per-file timings,
then one line ``OCR pages/s: X`` (wall clock, whole pipeline per page: render or
extract image, deskew, rulings, RapidOCR, placement).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--pages", type=int, default=0, help="at most N pages per file (0 = all)")
    args = ap.parse_args()
    if not ocr_available():
        print("OCR extra not installed: pip install 'qmetl[ocr]'", file=sys.stderr)
        return 2
    import pypdfium2 as pdfium

    total_pages, total_s = 0, 0.0
    for pdf_path in args.pdfs or default_files():
        n = len(pdfium.PdfDocument(str(pdf_path)))
        numbers = list(range(1, (min(n, args.pages) if args.pages else n) + 1))
        start = time.perf_counter()
        ocr_pages(pdf_path, numbers)
        took = time.perf_counter() - start
        total_pages += len(numbers)
        total_s += took
        print(f"{pdf_path.name}: {len(numbers)} pages in {took:.1f} s ({len(numbers) / took:.3f} pages/s)")
    if not total_pages:
        print("no scanned PDFs found", file=sys.stderr)
        return 1
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"OCR pages/s: {total_pages / total_s:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
