"""A faster char source? pypdfium2 vs pdfplumber on the corpus text PDFs.

The PDF reader's cost is pdfminer's page layout (pure Python): chars and the ruling graphics the
table finder needs (the reader takes the chars straight from that layout, not pdfplumber's dicts). This measures what the same inputs cost from pypdfium2 (PDFium,
C++): every char with its loose box, font size and font name, and the bounds of every path object
(the rulings), the inputs `extractors.readers.pdf` feeds to its table logic. It also checks that
the two sources agree (same non-space chars at the same x within 0.5 pt, on the same line),
and projects the reader's speed if pdfminer's layout were replaced by PDFium's.

    python bench/char_source.py [--corpus DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.readers.pdf import read_pdf  # noqa: E402

PATH_OBJECT = 2  # FPDF_PAGEOBJ_PATH


@dataclass(frozen=True)
class PChar:
    text: str
    x0: float
    top: float
    size: float


def text_pdfs(*folders: Path) -> list[Path]:
    """The text PDFs of some folders (not the scans), sorted: the inputs of the PDF benches."""
    return sorted(p for d in folders for p in d.glob("*.pdf") if "_scan" not in p.stem)


def plumber_page(page: object) -> tuple[list[PChar], int]:
    chars = [PChar(c["text"], float(c["x0"]), float(c["top"]), float(c["size"]))
             for c in page.chars if c["text"].strip()]  # type: ignore[attr-defined]
    graphics = len(page.rects) + len(page.lines)  # type: ignore[attr-defined]
    return chars, graphics


def pdfium_page(page: pdfium.PdfPage) -> tuple[list[PChar], int]:
    height = page.get_height()
    tp = page.get_textpage()
    raw = tp.raw
    left, right, bottom, top = (ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float())
    rect = pdfium_c.FS_RECTF()
    chars: list[PChar] = []
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    for i in range(tp.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        ch = chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        if not ch.strip():
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(rect))
        pdfium_c.FPDFText_GetFontInfo(raw, i, name, 128, ctypes.byref(flags))
        chars.append(PChar(ch, rect.left, height - rect.top, pdfium_c.FPDFText_GetFontSize(raw, i)))
    graphics = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == PATH_OBJECT:
            pdfium_c.FPDFPageObj_GetBounds(obj.raw, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right),
                                           ctypes.byref(top))
            graphics += 1
    tp.close()
    return chars, graphics


def pdfminer_layout(f: Path) -> int:
    """pdfminer's layout of every page, the part of the reader PDFium would replace; the page count."""
    with pdfplumber.open(f) as pdf:
        return sum(1 for p in pdf.pages if p.layout is not None)


def parse(f: Path, source: str) -> list[list[PChar]]:
    if source == "pdfplumber":
        with pdfplumber.open(f) as pdf:
            return [plumber_page(p)[0] for p in pdf.pages]
    doc = pdfium.PdfDocument(f)
    try:
        return [pdfium_page(doc[i])[0] for i in range(len(doc))]
    finally:
        doc.close()


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def agreement(a: dict[str, list[list[PChar]]], b: dict[str, list[list[PChar]]]) -> dict[str, float]:
    """Share of pdfplumber's chars that PDFium also gives: same text, x0 within 0.5 pt, top within 0.3 of
    the font size (PDFium's loose box comes from the font's bounding box, pdfminer's from its ascent,
    so tops differ by a few points per font); and the largest offsets among those."""
    same = total = 0
    dx = dtop = 0.0
    for name, pages in a.items():
        for pa, pb in zip(pages, b[name], strict=True):
            by_text: dict[str, list[PChar]] = {}
            for c in pb:
                by_text.setdefault(c.text, []).append(c)
            total += len(pa)
            for ca in pa:
                match = next((cb for cb in by_text.get(ca.text, [])
                              if abs(ca.x0 - cb.x0) <= 0.5 and abs(ca.top - cb.top) <= 0.3 * max(ca.size, 1.0)), None)
                if match is not None:
                    same += 1
                    dx, dtop = max(dx, abs(ca.x0 - match.x0)), max(dtop, abs(ca.top - match.top))
    return {"chars": total, "agree": round(same / total, 4) if total else 0.0, "max_dx": round(dx, 2),
            "max_dtop": round(dtop, 2)}


def measure(corpus: Path, repeat: int) -> dict[str, object]:
    """Per file, the best of ``repeat`` interleaved timings of each source and of the reader, so a
    busy machine slows all three alike."""
    files = text_pdfs(corpus)
    best: dict[str, float] = {"pdfplumber": 0.0, "pdfminer": 0.0, "pdfium": 0.0, "reader": 0.0}
    for f in files:
        steps: dict[str, Callable[[], object]] = {"pdfplumber": partial(parse, f, "pdfplumber"),
                                                  "pdfminer": partial(pdfminer_layout, f),
                                                  "pdfium": partial(parse, f, "pdfium"), "reader": partial(read_pdf, f)}
        for key, fn in steps.items():
            best[key] += min(timed(fn) for _ in range(repeat))
    pages = sum(len(parse(f, "pdfium")) for f in files)
    own = max(best["reader"] - best["pdfminer"], 0.0)  # the reader's work beyond pdfminer's layout
    projected = own + best["pdfium"]
    agree = agreement({f.name: parse(f, "pdfplumber") for f in files}, {f.name: parse(f, "pdfium") for f in files})
    return {
        "files": len(files), "pages": pages,
        "pages_per_second": {"pdfplumber_parse": round(pages / best["pdfplumber"], 1),
                             "pdfminer_layout": round(pages / best["pdfminer"], 1),
                             "pdfium_chars_and_paths": round(pages / best["pdfium"], 1),
                             "reader_now": round(pages / best["reader"], 1),
                             "reader_projected_with_pdfium": round(pages / projected, 1)},
        "reader_own_work_seconds": round(own, 3),
        "agreement": agree,
        "projected_read_vs_bare_pdfplumber": round(best["pdfplumber"] / projected, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus" / "raw")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(json.dumps(measure(args.corpus, args.repeat), indent=1))


if __name__ == "__main__":
    main()
