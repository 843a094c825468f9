"""OCR for PDF pages without a text layer (scans), with RapidOCR from the optional ``ocr`` extra.

Per page: the page image (the embedded scan at its own resolution, else a 200 dpi render)
→ deskew → ruling lines → table grids → OCR of the page with the rulings painted out →
one Char per recognised character (RapidOCR word boxes) → the same placement as OFD:
chars inside a grid become cells, the rest visual lines. Coordinates come back in PDF
points, so the structure parsers treat a scan like a text PDF.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.errors import NoTextError
from extractors.readers.geometry import Char
from extractors.readers.grid import Grid, Segment, find_grids
from extractors.readers.placed import place_items
from extractors.readers.rulings import Rule
from extractors.readers.scan_text import clean_lines, normalise_sizes, ocr_chars
from extractors.readers.text_tables import Columns, TextTable, find_text_tables
from schemas import Page, Table, TextLine

OCR_READER_VERSION = "11"
# One OCR at a time: the engine already uses every core, and PDFium (pypdfium2) must never be
# called from two threads at once. Every pypdfium2 use in the readers holds this lock.
PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class OcrSettings:
    render_dpi: float = 200.0
    min_image_dpi: float = 140.0  # embedded scans below this are rendered instead
    min_score: float = 0.5
    # Box margin of the text detector. RapidOCR's default 1.6 cuts boxes so tight that the
    # recogniser sometimes drops a line's first character (竣工… read as 工…); 1.8 keeps it.
    # (Passed on every call: RapidOCR resets it to 1.6 whenever call keywords are given.)
    det_unclip_ratio: float = 1.8
    deskew: bool = True
    scan: Any = field(default=None)  # ScanSettings; None = defaults
    threads: int = 0  # onnxruntime intra-op threads (ReadOptions.ocr_threads); 0: the cores this process may run on

    def __post_init__(self) -> None:
        if not 72 <= self.render_dpi <= 600:
            raise ValueError(f"render_dpi must be in [72, 600], got {self.render_dpi}")
        if not 0 <= self.min_score < 1:
            raise ValueError(f"min_score must be in [0, 1), got {self.min_score}")


def ocr_available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def ocr_threads(requested: int = 0) -> int:
    """onnxruntime intra-op threads: ``requested`` (the caller's ``ocr_threads`` setting), else (0) the
    cores this process may run on (a process worker pinned to its cores gets exactly those)."""
    if requested < 0:
        raise ValueError(f"ocr_threads must be >= 0 (0: the cores this process may run on), got {requested}")
    if requested:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _engine(threads: int) -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)


def needs_ocr_error(path: Path, pages: list[int]) -> NoTextError:
    shown = ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")
    return NoTextError(
        f"{path.name}: needs OCR — page(s) {shown} are images without a text layer and the OCR extra "
        "is not installed", code="extract.needs_ocr", page=pages[0], value=f"{len(pages)} image-only pages",
        expected="pip install 'qmetl[ocr]' (rapidocr-onnxruntime, opencv-python-headless)",
    )


def ocr_pages(path: Path, numbers: list[int], settings: OcrSettings | None = None) -> dict[int, Page]:
    """OCR the given 1-based pages of a PDF; returns the rebuilt pages by number."""
    import pypdfium2 as pdfium

    settings = settings or OcrSettings()
    out: dict[int, Page] = {}
    carry: Columns | None = None
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for n in numbers:
                # a table read from alignment goes on at the top of the next page without a header
                out[n], carry = ocr_page(pdf[n - 1], n, settings, carry if n - 1 in out else None)
        finally:
            pdf.close()
    pages = list(out.values())
    normalise_sizes([ln for p in pages for ln in p.lines])
    return out


def ocr_page(page: Any, number: int, settings: OcrSettings,
             carry: Columns | None = None) -> tuple[Page, Columns | None]:
    """The page rebuilt from its image, and the columns of its last table read from alignment (the
    ``carry`` of the next page, as for text PDFs)."""
    from extractors.readers import scan_image as si

    scan = settings.scan or si.ScanSettings()
    width, height = (float(v) for v in page.get_size())
    gray = page_image(page, settings)
    scale = width / gray.shape[1]  # points per pixel
    if settings.deskew:
        gray = si.rotate(gray, si.estimate_skew(gray, scan))
    horiz, vert = si.ruling_masks(gray, scan)
    segments = si.mask_segments(horiz, True, scan) + si.mask_segments(vert, False, scan)
    found = find_grids(segments, tol=3.0 / scale, min_len=6.0 / scale)
    pad = int(4 / scale)
    boxes = [(int(g.xs[0]) - pad, int(g.ys[0]) - pad, int(g.xs[-1]) + pad, int(g.ys[-1]) + pad) for g in found]
    clean = si.erase(gray, [(max(0, x0), max(0, y0), x1, y1) for x0, y0, x1, y1 in boxes], horiz, vert)
    grids = [_to_points(g, scale) for g in found]
    engine = _engine(ocr_threads(settings.threads))
    result, _ = engine(clean, use_cls=False, return_word_box=True, unclip_ratio=settings.det_unclip_ratio,
                          box_thresh=0.5, text_score=settings.min_score)
    chars = [_char_to_points(c, scale) for c in ocr_chars(result or [], settings.min_score)]
    rules = [Rule(s.x0 * scale, s.x1 * scale, s.y0 * scale) for s in segments if s.y0 == s.y1]
    found_text: list[TextTable] = []

    def text_tables(free: list[Char]) -> list[tuple[Table, set[int]]]:
        found_text.extend(_text_tables(free, rules, number, height, carry))
        return [(t.table, t.taken) for t in found_text]

    items = place_items(chars, grids, number, text_tables)
    lines = [item for item in items if isinstance(item, TextLine)]
    for line, text in zip(lines, clean_lines([ln.text for ln in lines]), strict=True):
        line.text = text
    for item in items:
        if not isinstance(item, TextLine):
            for cell in item.cells:
                cell.text = "\n".join(clean_lines(cell.text.split("\n")))
    page_out = Page(number=number, width=width, height=height, items=items, ocr=True)
    return page_out, (found_text[-1].columns if found_text else None)


def _text_tables(chars: list[Char], rules: list[Rule], number: int, height: float,
                 carry: Columns | None) -> list[TextTable]:
    """Tables without a full grid (few or no vertical rulings), from the alignment of the
    recognised chars, as the text-PDF reader reads them."""
    return find_text_tables(chars, rules, number, carry=carry, page_height=height)


def page_image(page: Any, settings: OcrSettings) -> Any:
    """Gray page image: the single full-page scan image when it is sharp enough, else a render."""
    import numpy as np
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    images = [o for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    if len(images) == 1:
        x0, y0, x1, y1 = images[0].get_bounds()
        px_w, _ = images[0].get_px_size()
        covers = (x1 - x0) * (y1 - y0) >= 0.9 * width * height
        if covers and px_w / (width / 72) >= settings.min_image_dpi:
            try:
                return np.array(images[0].get_bitmap(render=False).to_pil().convert("L"))
            except Exception:  # noqa: BLE001 - odd colour spaces: fall back to rendering
                pass
    bitmap = page.render(scale=settings.render_dpi / 72, grayscale=True)
    return np.array(bitmap.to_pil().convert("L"))


def _to_points(grid: Grid, scale: float) -> Grid:
    from extractors.readers.grid import GridCell
    from schemas import BBox

    def box(b: BBox) -> BBox:
        return BBox(x0=b.x0 * scale, top=b.top * scale, x1=b.x1 * scale, bottom=b.bottom * scale)

    cells = [GridCell(c.row, c.col, c.row_span, c.col_span, box(c.bbox)) for c in grid.cells]
    return Grid(xs=[x * scale for x in grid.xs], ys=[y * scale for y in grid.ys], cells=cells)


def _char_to_points(c: Char, scale: float) -> Char:
    return Char(text=c.text, x0=c.x0 * scale, x1=c.x1 * scale, top=c.top * scale, bottom=c.bottom * scale,
                size=c.size * scale, font=c.font)


__all__ = ["OcrSettings", "Segment", "needs_ocr_error", "ocr_available", "ocr_pages", "ocr_threads"]
