"""PDF reader (pdfplumber): text lines with geometry and fonts, ruled tables with spans.

A chain of small steps per page: chars → (tables from rulings) → cells with spans →
remaining chars → lines → items in reading order. Pages without a text layer are left
empty and flagged, so the OCR reader (an optional extra) can fill them in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from extractors.errors import BadInputError, EncryptedError, TooLargeError
from extractors.options import CHAR_SOURCES
from extractors.readers.cell_lines import cell_texts, cells_run_on
from extractors.readers.geometry import (
    SPACE_AT_GAPS,
    Char,
    bbox_of,
    chars_to_lines,
    cluster_positions,
    dedupe_chars,
    interior_spaces,
    join_chars,
)
from extractors.readers.pdf_objects import base_font, load_page_objects, quantised
from extractors.readers.pdfium_objects import PdfiumSource
from extractors.readers.rulings import (
    Segment,
    horizontal_rules,
    is_visible_graphic,
    open_band,
    vertical_segments,
)
from extractors.readers.text_tables import Columns, find_text_tables
from schemas import BBox, Page, Table, TableCell, TextLine

PDF_READER_VERSION = "8"
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}


OVERHANG = 12.0  # points a cell's text may stand outside the table's outer ruling


@dataclass(frozen=True)
class PdfSettings:
    max_pages: int = 2000
    min_chars_for_text_page: int = 5
    char_source: str = "pdfium"  # one of extractors.options.CHAR_SOURCES

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be >= 1, got {self.max_pages}")
        if self.char_source not in CHAR_SOURCES:
            raise ValueError(f"char_source must be one of {', '.join(CHAR_SOURCES)}, got {self.char_source!r}")


def read_pdf(path: Path, settings: PdfSettings | None = None) -> tuple[list[Page], list[str]]:
    """Read every page; raise a BadInputError subclass for unreadable files."""
    settings = settings or PdfSettings()
    try:
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)
            if n > settings.max_pages:
                raise TooLargeError(
                    f"{n} pages, more than the limit of {settings.max_pages}",
                    value=str(n), expected=f"<= {settings.max_pages} pages",
                )
            pages = []
            carry: Columns | None = None
            fast = _open_pdfium(path) if settings.char_source == "pdfium" else None
            try:
                for i, p in enumerate(pdf.pages):
                    found = fast.load(p, i) if fast is not None else None
                    page, carry = _read_page(p, carry, found)
                    pages.append(page)
            finally:
                if fast is not None:
                    fast.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedError("password-protected PDF", expected="an unencrypted PDF") from exc
    except PdfminerException as exc:
        raise _classify_pdfminer(exc) from exc
    except PDFSyntaxError as exc:
        raise BadInputError(f"not a readable PDF: {exc}", code="pdf.syntax") from exc
    warnings = [f"page {p.number}: no text layer" for p in pages if not _has_text(p, settings)]
    return pages, warnings


def _open_pdfium(path: Path) -> PdfiumSource | None:
    """PDFium's view of the file for the fast char source; ``None`` (pdfminer reads every page) when
    PDFium cannot open what pdfminer could."""
    try:
        return PdfiumSource(pdfium.PdfDocument(path))
    except pdfium.PdfiumError:
        return None


def _classify_pdfminer(exc: PdfminerException) -> BadInputError:
    inner = exc.args[0] if exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return EncryptedError("password-protected PDF", expected="an unencrypted PDF")
    text = str(inner) or type(inner).__name__
    return BadInputError(f"damaged or truncated PDF: {text}", code="pdf.damaged", value=text)


def _has_text(page: Page, settings: PdfSettings) -> bool:
    n = sum(len(i.text) for i in page.lines) + sum(len(c.text) for t in page.tables for c in t.cells)
    return n >= settings.min_chars_for_text_page


def _read_page(page: Any, carry: Columns | None = None,
               found: list[Char] | None = None) -> tuple[Page, Columns | None]:
    """The page's items, and the columns of its last table read from alignment (for the next page).
    ``found``: the page's chars from PDFium (its graphics already loaded); else pdfminer reads it."""
    number = page.page_number
    chars = interior_spaces(dedupe_chars(quantised(found if found is not None else load_page_objects(page), page)))
    visible = page.filter(is_visible_graphic) if (page.lines or page.rects) else None
    tables = _find_tables(visible) if visible is not None else []
    v_edges = vertical_segments(visible.edges) if visible is not None else []
    used: set[int] = set()
    items: list[TextLine | Table] = []
    for found in tables:
        table, taken = _build_table(found, chars, number, v_edges)
        if table.n_rows:
            items.append(table)
            used |= taken
    free = [c for i, c in enumerate(chars) if i not in used]
    rules = horizontal_rules(visible.edges) if visible is not None else []
    text_tables = find_text_tables(free, rules, number, carry=carry, page_height=float(page.height))
    in_text_tables: set[int] = set()
    for t in text_tables:
        items.append(t.table)
        in_text_tables |= t.taken
    free = [c for i, c in enumerate(free) if i not in in_text_tables]
    items.extend(_line_item(line, number) for line in chars_to_lines(free) if not all(c.text.isspace() for c in line))
    items.sort(key=lambda it: (it.bbox.top, it.bbox.x0) if it.bbox else (0.0, 0.0))
    out = Page(number=number, width=float(page.width), height=float(page.height), items=items)
    return out, (text_tables[-1].columns if text_tables else None)


def _find_tables(page: Any) -> list[Any]:
    return [t for t in page.find_tables(TABLE_SETTINGS) if len(t.cells) >= 2]


def _line_item(line: list[Char], page: int) -> TextLine:
    box = bbox_of(line)
    font = max((c for c in line if not c.text.isspace()), key=lambda c: c.size, default=line[0])
    return TextLine(
        text=_join_chars(line), page=page, bbox=box, kind="line",
        font_size=round(font.size, 2), font_name=base_font(font.font), bold=_is_bold(font.font),
    )


def _is_bold(font: str) -> bool:
    f = font.lower()
    return any(k in f for k in ("bold", "heavy", "black", "hei", "sans"))


def _join_chars(chars: list[Char]) -> str:
    """A line's text: a printed space, or a gap wider than 0.3 of a char, is one space (SPACE_AT_GAPS)."""
    return join_chars(chars, SPACE_AT_GAPS)


def _build_table(found: Any, chars: list[Char], page: int,
                 v_edges: list[Segment] | None = None) -> tuple[Table, set[int]]:
    """Rebuild rows/cols/spans from the cell boxes pdfplumber found, and fill in text.

    Rows left open at a page break (no ruling above or below, but the column rulings run
    on) are not cells for pdfplumber; they are added as open bands so their text stays in
    the table instead of falling out as loose lines."""
    boxes = [tuple(map(float, b)) for b in found.cells]
    xs = cluster_positions([b[0] for b in boxes] + [b[2] for b in boxes])
    bbox = tuple(map(float, found.bbox))
    top_band = open_band(bbox, xs, v_edges or [], chars, True, boxes)
    bottom_band = open_band(bbox, xs, v_edges or [], chars, False, boxes)
    boxes += top_band + bottom_band
    ys = cluster_positions([b[1] for b in boxes] + [b[3] for b in boxes])
    taken: set[int] = set()
    placed: list[tuple[tuple[int, int, int, int], tuple[float, ...], list[list[Char]]]] = []
    index = _char_index(chars)
    for b in boxes:
        c0, c1 = _nearest(xs, b[0]), _nearest(xs, b[2])
        r0, r1 = _nearest(ys, b[1]), _nearest(ys, b[3])
        if c1 <= c0 or r1 <= r0:
            continue
        inside = _chars_in(index, _overhang(b, c0 == 0, c1 == len(xs) - 1), taken)
        taken.update(inside)
        placed.append(((r0, r1, c0, c1), b, chars_to_lines([chars[i] for i in inside])))
    keyed = [((c0, c1), b[2], lines) for (_r0, _r1, c0, c1), b, lines in placed]
    texts, run_on = cell_texts(keyed, _join_chars), cells_run_on(keyed, _join_chars)
    cells = [TableCell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0, text=text, page=page,
                       bbox=BBox(x0=b[0], top=b[1], x1=b[2], bottom=b[3]), runs_on=on)
             for ((r0, r1, c0, c1), b, _lines), text, on in zip(placed, texts, run_on, strict=True)]
    cells.sort(key=lambda c: (c.row, c.col))
    x0, top, x1, bottom = bbox
    top = min([top] + [b[1] for b in top_band])
    bottom = max([bottom] + [b[3] for b in bottom_band])
    table = Table(
        page=page, bbox=BBox(x0=x0, top=top, x1=x1, bottom=bottom), n_rows=max(len(ys) - 1, 0),
        n_cols=max(len(xs) - 1, 0), cells=cells, col_edges=xs, has_bottom_border=not bottom_band,
        found_by="rulings",
    )
    return table, taken


def _overhang(b: tuple[float, ...], left: bool, right: bool) -> tuple[float, ...]:
    """A cell box on the table's outer edge widened outward by ``OVERHANG``: text centred in a narrow
    first or last column can start outside the table's ruling."""
    return (b[0] - OVERHANG * left, b[1], b[2] + OVERHANG * right, b[3])


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


@dataclass(frozen=True)
class _CharIndex:
    """Char centres, sorted top to bottom, so a cell finds its chars without scanning the page."""

    cys: list[float]  # centre heights, ascending
    order: list[int]  # char indexes in that order
    cxs: list[float]  # centre x of each char, by index


def _char_index(chars: list[Char]) -> _CharIndex:
    cxs = [(c.x0 + c.x1) / 2 for c in chars]
    cys = [(c.top + c.bottom) / 2 for c in chars]
    order = sorted(range(len(chars)), key=cys.__getitem__)
    return _CharIndex([cys[i] for i in order], order, cxs)


def _chars_in(index: _CharIndex, b: tuple[float, ...], taken: set[int]) -> list[int]:
    """Indexes (ascending) of the chars not yet taken whose centre lies in box ``b``, edges included."""
    lo, hi = bisect_left(index.cys, b[1]), bisect_right(index.cys, b[3])
    return sorted(i for i in index.order[lo:hi] if i not in taken and b[0] <= index.cxs[i] <= b[2])
