"""Small synthetic activity tables for the table-stitching trap tests.

PDFs are drawn with reportlab (CID font STSong-Light, no font files needed): every cell is
a box of ruling lines, so spans are real merged boxes, and each trap is a switch (header
repeated or not, header without its bottom line, a row open at the page break, white
lines inside cells, text at the top or in the middle of a span). DOCX files are built with
python-docx (vMerge, gridSpan, tblHeader, several physical tables with repeated titles).

Row notation: a list of cell texts; ``"^"`` means "covered by the span above" (same
column), ``"<"`` "covered by the cell to the left", ``"\\n"`` separates the wrapped lines of one cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UP = "^"
LEFT = "<"
FONT = "STSong-Light"
SIZE = 10.0
LEADING = 14.0


@dataclass
class PdfPage:
    rows: list[list[str]]
    header: list[str] | None = None
    title: str | None = None
    header_bottom_line: bool = True
    header_open_cols: set[int] = field(default_factory=set)  # columns whose header has no bottom line
    open_top: bool = False
    open_bottom: bool = False
    white_lines: bool = False
    valign: str = "top"  # where a span's text sits: "top" or "middle"
    widths: list[float] | None = None
    text_before: list[str] = field(default_factory=list)


@dataclass
class _Box:
    row: int
    col: int
    span: int
    text: str
    cspan: int = 1


def _boxes(rows: list[list[str]]) -> list[_Box]:
    boxes: list[_Box] = []
    open_: dict[int, _Box] = {}
    for r, row in enumerate(rows):
        last: _Box | None = None
        for c, text in enumerate(row):
            if text == UP and c in open_:
                open_[c].span += 1
                continue
            if text == LEFT and last is not None:
                last.cspan += 1
                continue
            box = _Box(r, c, 1, text)
            boxes.append(box)
            open_[c] = last = box
    return boxes


def _heights(rows: list[list[str]]) -> list[float]:
    return [max(len(t.split("\n")) if t not in (UP, LEFT) else 1 for t in row) * LEADING + 6 for row in rows]


def make_pdf(path: Path, pages: list[PdfPage], widths: list[float]) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    w, h = landscape(A4)
    cv = canvas.Canvas(str(path), pagesize=(w, h))
    for page in pages:
        _draw_page(cv, page, page.widths or widths, h)
        cv.showPage()
    cv.save()
    return path


def _draw_page(cv: Any, page: PdfPage, widths: list[float], h: float) -> None:
    y = 50.0  # from the top
    cv.setFont(FONT, 14)
    for text in ([page.title] if page.title else []) + page.text_before:
        cv.drawCentredString(sum(widths) / 2 + 60, h - y - 14, text)
        y += 28
    rows = ([page.header] if page.header else []) + page.rows
    xs = [60.0]
    for wd in widths:
        xs.append(xs[-1] + wd)
    ys = [y]
    for hh in _heights(rows):
        ys.append(ys[-1] + hh)
    n_head = 1 if page.header else 0
    for box in _boxes(rows):
        _draw_box(cv, page, box, xs, ys, h, n_head, len(rows))


def _draw_box(cv: Any, page: PdfPage, box: _Box, xs: list[float], ys: list[float], h: float,
              n_head: int, n_rows: int) -> None:
    x0, x1 = xs[box.col], xs[box.col + box.cspan]
    top, bottom = ys[box.row], ys[box.row + box.span]
    cv.setStrokeColorRGB(0, 0, 0)
    cv.setLineWidth(0.75)
    head_open = not page.header_bottom_line or box.col in page.header_open_cols
    draw_top = not (box.row == n_head and page.open_top) and not (box.row == n_head and n_head and head_open)
    draw_bottom = not (box.row + box.span == n_rows and page.open_bottom) and not (
        box.row + box.span == n_head and head_open)
    cv.line(x0, h - top, x0, h - bottom)
    cv.line(x1, h - top, x1, h - bottom)
    if draw_top:
        cv.line(x0, h - top, x1, h - top)
    if draw_bottom:
        cv.line(x0, h - bottom, x1, h - bottom)
    lines = box.text.split("\n") if box.text else []
    block = len(lines) * LEADING
    start = top + 3 if page.valign == "top" else top + (bottom - top - block) / 2
    cv.setFont(FONT, SIZE)
    cv.setFillColorRGB(0, 0, 0)
    for i, line in enumerate(lines):
        cv.drawString(x0 + 3, h - (start + i * LEADING + SIZE + 1), line)
    if page.white_lines and len(lines) > 1:
        cv.setStrokeColorRGB(1, 1, 1)
        for i in range(1, len(lines)):
            yy = start + i * LEADING + 1
            cv.line(x0, h - yy, x1, h - yy)


# ---------------------------------------------------------------- DOCX


def make_docx(path: Path, tables: list[tuple[str | None, list[list[str]], bool]], page_break: bool = True,
              header_rows: int = 1) -> Path:
    """Each entry: (title or None, rows with header first, mark the header as tblHeader).
    Physical tables follow one another, separated by a page break when ``page_break``."""
    import docx

    d = docx.Document()
    for i, (title, rows, mark) in enumerate(tables):
        if i and page_break:
            d.add_page_break()
        if title:
            d.add_paragraph(title)
        _docx_table(d, rows, mark, header_rows)
    d.save(str(path))
    return path


def _docx_table(d: Any, rows: list[list[str]], mark: bool, header_rows: int) -> None:
    from docx.oxml import OxmlElement

    n_cols = max(len(r) for r in rows)
    t = d.add_table(rows=len(rows), cols=n_cols)
    t.style = "Table Grid"
    for box in _boxes(rows):
        cell = t.cell(box.row, box.col)
        if box.span > 1 or box.cspan > 1:
            cell = cell.merge(t.cell(box.row + box.span - 1, box.col + box.cspan - 1))
        _set_text(cell, box.text)
    for r in range(min(header_rows, len(rows)) if mark else 0):
        tr_pr = t.rows[r]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))


def _set_text(cell: Any, text: str) -> None:
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
