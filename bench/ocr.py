"""OCR throughput: pages per second of the scan reader on this machine.

Usage: python bench/ocr.py [PDF ...] [--pages N]
       python bench/ocr.py --compare [--pages N] [--rounds 3]   (also: python bench/run.py --only ocr)
(default: the *_scan.pdf files of the corpus, every page). Prints per-file timings,
then one line ``OCR pages/s: X`` (wall clock, whole pipeline per page: render or
extract image, deskew, rulings, RapidOCR, placement).

``--compare``: the pipeline's OCR (``ocr_pages``) against bare RapidOCR (``RapidOCR()``, default
settings: detection + direction classifier + recognition) on the same page images (the
embedded scan image, 150 dpi in the corpus and the generated scans; the pipeline uses the same
image), interleaved file by file, best of ``--rounds``; the corpus scans and the generated dev
scans (``tests/.cache/tables-*/dev/scan``). Pages/s per core = pages / (wall s × onnxruntime
threads); the figures go to bench/results.json (key ``ocr``), which RESULTS.md shows.

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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.readers.ocr import OcrSettings, ocr_available, ocr_pages, ocr_threads, page_image  # noqa: E402


def default_files() -> list[Path]:
    for corpus in (ROOT.parent / "shared" / "corpus" / "raw", ROOT / "tests" / "data" / "corpus" / "raw"):
        found = sorted(corpus.glob("*_scan.pdf"))
        if found:
            return found
    return []


def dev_scans() -> list[Path]:
    return sorted(ROOT.glob("tests/.cache/tables-*/dev/scan/*.pdf"))


def _bare_engine() -> object:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()  # default settings: every core, det + cls + rec


def _page_images(pdf_path: Path, numbers: list[int]) -> list[object]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page_image(pdf[n - 1], OcrSettings()) for n in numbers]
    finally:
        pdf.close()


def compare(files: list[Path], pages: int = 0, rounds: int = 3) -> dict[str, object]:
    """Pipeline OCR vs bare RapidOCR on the same pages, interleaved per file, best of ``rounds``."""
    import pypdfium2 as pdfium

    bare = _bare_engine()
    jobs = []
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        n = len(doc)
        doc.close()
        jobs.append((f, list(range(1, (min(n, pages) if pages else n) + 1))))
    images = {f: _page_images(f, numbers) for f, numbers in jobs}  # decoded once: bare RapidOCR gets arrays
    ocr_pages(jobs[0][0], [1])  # warm both engines (model load is not per page)
    bare(images[jobs[0][0]][0])  # type: ignore[operator]
    best = {"pipeline": [float("inf")] * len(jobs), "bare": [float("inf")] * len(jobs)}
    cpu = {"pipeline": [float("inf")] * len(jobs), "bare": [float("inf")] * len(jobs)}
    for r in range(rounds):
        for i, (f, numbers) in enumerate(jobs):
            order = ("pipeline", "bare") if (r + i) % 2 == 0 else ("bare", "pipeline")
            for how in order:
                start, c0 = time.perf_counter(), time.process_time()
                if how == "pipeline":
                    ocr_pages(f, numbers)
                else:
                    for img in images[f]:
                        bare(img)  # type: ignore[operator]
                best[how][i] = min(best[how][i], time.perf_counter() - start)
                cpu[how][i] = min(cpu[how][i], time.process_time() - c0)
        print(f"  round {r + 1}: pipeline {sum(best['pipeline']):.1f} s, bare {sum(best['bare']):.1f} s (best so far)",
              flush=True)
    n_pages = sum(len(nums) for _, nums in jobs)
    cores = {"pipeline": ocr_threads(), "bare": os.cpu_count() or 1}
    out: dict[str, object] = {"files": len(jobs), "pages": n_pages, "rounds": rounds,
                              "pages_per_file": pages or "all", "threads": cores}
    for how in ("pipeline", "bare"):
        wall, used = sum(best[how]), sum(cpu[how])
        out[how] = {"seconds": round(wall, 2), "cpu_seconds": round(used, 2),
                    "pages_per_second": round(n_pages / wall, 3),
                    "pages_per_second_per_core": round(n_pages / wall / cores[how], 3),
                    "pages_per_cpu_second": round(n_pages / used, 3)}
    p, b = out["pipeline"], out["bare"]
    out["ratio_per_core"] = round(p["pages_per_second_per_core"] / b["pages_per_second_per_core"], 2)  # type: ignore[index]
    out["ratio_per_cpu_second"] = round(p["pages_per_cpu_second"] / b["pages_per_cpu_second"], 2)  # type: ignore[index]
    return out


def markdown(o: dict[str, Any]) -> list[str]:
    p, b = o["pipeline"], o["bare"]
    rows = [f"| {label} | {o['threads'][k]} | {d['seconds']} | {d['pages_per_second']} | "
            f"{d['pages_per_second_per_core']} | {d['pages_per_cpu_second']} |"
            for k, label, d in (("pipeline", "pipeline OCR (`ocr_pages`)", p), ("bare", "bare RapidOCR() defaults", b))]
    return ["## OCR (scans): pipeline vs bare RapidOCR", "",
            f"{o['pages']} pages ({o['files']} files: corpus scans + generated dev scans, {o['pages_per_file']} "
            f"page(s) per file, 150 dpi embedded images), interleaved, best of {o['rounds']} "
            "(`python bench/ocr.py --compare`).", "",
            "| how | onnxruntime threads | seconds | pages/s | pages/s per core | pages per CPU second |",
            "|---|---|---|---|---|---|", *rows, "",
            f"Pipeline / bare: **{o['ratio_per_core']}** per core, {o['ratio_per_cpu_second']} per CPU second "
            "(target: pipeline ≥ 1 page/s per core).", ""]


def write_results(figures: dict[str, object]) -> None:
    results = ROOT / "bench" / "results.json"
    data = json.loads(results.read_text("utf-8")) if results.exists() else {}
    data["ocr"] = figures
    results.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


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
    ap.add_argument("--compare", action="store_true", help="pipeline vs bare RapidOCR, writes results.json")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.accuracy:
        acc, n = cell_accuracy(*args.accuracy)
        print(f"OCR table-cell character accuracy: {acc:.4f} over {n} truth characters")
        return 0
    if not ocr_available():
        print("OCR extra not installed: pip install 'qmetl[ocr]'", file=sys.stderr)
        return 2
    if args.compare:
        figures = compare(args.pdfs or [*default_files(), *dev_scans()], args.pages, args.rounds)
        print(json.dumps(figures, indent=1))
        print("\n".join(markdown(figures)))
        write_results(figures)
        return 0
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
