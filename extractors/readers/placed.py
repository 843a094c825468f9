"""Placed text → layout items, for readers that know where every glyph or word sits (OFD, OCR).

Chars are grouped into visual lines; chars inside a table grid go into its cells (wrapped
lines joined with '\\n'), the rest become ``TextLine(kind="line")`` in reading order.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.readers import geometry
from extractors.readers.cell_lines import cell_texts, cells_run_on
from extractors.readers.geometry import SPACE_BETWEEN_LATIN, Char, bbox_of, chars_to_lines
from extractors.readers.grid import Grid
from schemas import BBox, Table, TableCell, TextLine

_BOLD_WORDS = ("bold", "heavy", "black", "hei", "sans")


def join_chars(chars: list[Char]) -> str:
    """One line's text as placed text is joined (OFD, OCR, text tables): a printed space, or a gap
    wider than 0.3 of a char between two Latin letters/digits, is one space (SPACE_BETWEEN_LATIN)."""
    return geometry.join_chars(chars, SPACE_BETWEEN_LATIN)


def line_item(line: list[Char], page: int, confidence: float | None = None) -> TextLine:
    font = max((c for c in line if not c.text.isspace()), key=lambda c: c.size, default=line[0])
    return TextLine(
        text=join_chars(line), page=page, bbox=bbox_of(line), kind="line",
        font_size=round(font.size, 2), font_name=font.font or None,
        bold=any(k in font.font.lower() for k in _BOLD_WORDS), confidence=confidence,
    )


def _centre_in(ch: Char, b: BBox) -> bool:
    cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return b.x0 <= cx <= b.x1 and b.top <= cy <= b.bottom


def fill_grid(grid: Grid, chars: list[Char], page: int, soft_wraps: bool = False,
              found_by: str = "rulings") -> tuple[Table, set[int]]:
    """The grid as a Table with the text of the chars inside each cell; returns the used char indexes.
    ``soft_wraps``: lines wrapped at the cell's width are joined without a line break (``cell_lines``);
    ``found_by``: how the grid was found (``Table.found_by``)."""
    taken: set[int] = set()
    found: list[tuple[object, float, list[list[Char]]]] = []
    for g in grid.cells:
        inside = [i for i, ch in enumerate(chars) if i not in taken and _centre_in(ch, g.bbox)]
        taken.update(inside)
        found.append(((g.col, g.col_span), g.bbox.x1, chars_to_lines([chars[i] for i in inside])))
    if soft_wraps:
        texts, run_on = cell_texts(found, join_chars), cells_run_on(found, join_chars)
    else:
        texts = ["\n".join(join_chars(ln) for ln in lines) for _k, _r, lines in found]
        run_on = [False] * len(texts)
    cells = [TableCell(row=g.row, col=g.col, row_span=g.row_span, col_span=g.col_span, text=text, page=page,
                       bbox=g.bbox, runs_on=on) for g, text, on in zip(grid.cells, texts, run_on, strict=True)]
    table = Table(page=page, bbox=grid.bbox, n_rows=len(grid.ys) - 1, n_cols=len(grid.xs) - 1,
                  cells=cells, col_edges=grid.xs, has_bottom_border=True, found_by=found_by)
    return table, taken


TextTables = Callable[[list[Char]], list[tuple[Table, set[int]]]]


def place_items(chars: list[Char], grids: list[Grid], page: int,
                text_tables: TextTables | None = None) -> list[TextLine | Table]:
    """Tables from the grids, then (``text_tables``) tables read from the alignment of the chars left,
    lines from the remaining chars, sorted top-to-bottom."""
    items: list[TextLine | Table] = []
    used: set[int] = set()
    for grid in grids:
        table, taken = fill_grid(grid, [c if i not in used else _GONE for i, c in enumerate(chars)], page, soft_wraps=True)
        items.append(table)
        used |= taken
    free = [c for i, c in enumerate(chars) if i not in used]
    if text_tables is not None:
        in_tables: set[int] = set()
        for table, taken in text_tables(free):
            items.append(table)
            in_tables |= taken
        free = [c for i, c in enumerate(free) if i not in in_tables]
    items.extend(line_item(ln, page) for ln in chars_to_lines(free) if not all(c.text.isspace() for c in ln))
    items.sort(key=lambda it: (it.bbox.top, it.bbox.x0) if it.bbox else (0.0, 0.0))
    return items


_GONE = Char(text="", x0=-1e9, x1=-1e9, top=-1e9, bottom=-1e9)  # placeholder for chars already placed
