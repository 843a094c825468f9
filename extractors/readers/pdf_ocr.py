"""PDF reader with OCR fallback: text pages as read by the PDF reader, image-only pages OCR'd.

A page needs OCR when it has (almost) no text but carries an image. Without the ``ocr``
extra, a PDF whose every page needs OCR is a terminal ``extract.needs_ocr`` error (and a
mixed PDF keeps its text pages, with a warning naming the pages left unread).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.options import ReadOptions
from extractors.readers.ocr import (
    OCR_READER_VERSION,
    PDFIUM_LOCK,
    OcrSettings,
    needs_ocr_error,
    ocr_available,
    ocr_pages,
)
from extractors.readers.pdf import PDF_READER_VERSION, PdfSettings, read_pdf
from schemas import Page

PDF_OCR_READER_NAME = f"pdf/{PDF_READER_VERSION}+ocr/{OCR_READER_VERSION}"
MIN_TEXT_CHARS = 5


def read_pdf_ocr(path: Path, options: ReadOptions | None = None) -> tuple[list[Page], list[str]]:
    options = options or ReadOptions()
    pages, warnings = read_pdf(path, PdfSettings(char_source=options.pdf_chars))
    wanted = image_only_pages(path, [p for p in pages if text_chars(p) < MIN_TEXT_CHARS])
    if not wanted:
        return pages, warnings
    if not ocr_available():
        if len(wanted) == len(pages):
            raise needs_ocr_error(path, wanted)
        return pages, [*warnings, f"pages {_ranges(wanted)} are images and need OCR (extra not installed)"]
    done = ocr_pages(path, wanted, OcrSettings(threads=options.ocr_threads))
    pages = [done.get(p.number, p) for p in pages]
    kept = [w for w in warnings if not any(w == f"page {n}: no text layer" for n in done)]
    return pages, [*kept, f"pages {_ranges(sorted(done))} read by OCR"]


def text_chars(page: Page) -> int:
    return sum(len(i.text.strip()) for i in page.lines) + sum(len(c.text) for t in page.tables for c in t.cells)


def image_only_pages(path: Path, candidates: list[Page]) -> list[int]:
    """Which of the text-less pages carry an image (blank pages do not need OCR)."""
    if not candidates:
        return []
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return [p.number for p in candidates
                    if any(o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for o in pdf[p.number - 1].get_objects(max_depth=2))]
        finally:
            pdf.close()


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → '1-3, 5'."""
    out: list[str] = []
    for n in numbers:
        if out and "-" not in out[-1].split(",")[-1] and int(out[-1]) == n - 1:
            out[-1] = f"{out[-1]}-{n}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) == n - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)
