"""One worksheet → one layout page, the way the DOCX reader lays out a notice's table.

Every spreadsheet reader (XLSX through openpyxl, XLS/ET through xlrd) fills a ``SheetGrid``:
cell texts by (row, col), merged ranges, hidden rows and columns, the rows the sheet prints
on every page (its repeating header, like DOCX ``tblHeader``) and column widths. This module
turns it into what the table parser already reads from DOCX: caption lines above the table
(附件1, the table title: rows holding a single text) as paragraphs, one ``Table`` whose merged
ranges are cell spans, and closing notes (注：…) as paragraphs below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from schemas import Page, Table, TableCell, TextLine

Merge = tuple[int, int, int, int]  # first row, first col, last row, last col (inclusive, 0-based)
_NOTE = re.compile(r"^\s*(注|备注|说明|填表说明|联系人)\s*\d*\s*[:：]")


@dataclass
class SheetGrid:
    name: str
    values: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    header_rows: set[int] = field(default_factory=set)
    col_widths: dict[int, float] = field(default_factory=dict)


def cell_text(value: object, number_format: str = "") -> str:
    """A cell value as the sheet prints it: integral floats without '.0', dates as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value.time() == time(0, 0):
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日" if "年" in number_format else value.isoformat()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def sheet_page(grid: SheetGrid, number: int) -> Page | None:
    """The sheet as a page (captions, table, notes), or None when it holds no text."""
    covered, spans = _merge_maps(grid.merges)
    anchors = {k: v for k, v in grid.values.items() if v and k not in covered}
    anchors = {k: v for k, v in anchors.items() if k[0] not in grid.hidden_rows and k[1] not in grid.hidden_cols}
    if not anchors:
        return None
    rows = _visible(min(r for r, _ in anchors), _last(anchors, spans, 0), grid.hidden_rows)
    cols = _visible(min(c for _, c in anchors), _last(anchors, spans, 1), grid.hidden_cols)
    by_row = {r: sorted(c for (rr, c) in anchors if rr == r) for r in rows}
    top = 0
    while top < len(rows) and _is_caption(by_row[rows[top]], anchors, rows[top], spans, cols, leading=True):
        top += 1
    bottom = len(rows)
    while bottom > top + 1 and _is_caption(by_row[rows[bottom - 1]], anchors, rows[bottom - 1], spans, cols):
        bottom -= 1
    items: list[TextLine | Table] = [_line(anchors, r, by_row[r], number) for r in rows[:top] if by_row[r]]
    table = _table(grid, rows[top:bottom], cols, covered, spans, number)
    if table is not None:
        items.append(table)
    items += [_line(anchors, r, by_row[r], number) for r in rows[bottom:] if by_row[r]]
    return Page(number=number, items=items)


def _merge_maps(merges: list[Merge]) -> tuple[set[tuple[int, int]], dict[tuple[int, int], Merge]]:
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], Merge] = {}
    for m in merges:
        r0, c0, r1, c1 = m
        spans[(r0, c0)] = m
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    return covered, spans


def _last(anchors: dict[tuple[int, int], str], spans: dict[tuple[int, int], Merge], axis: int) -> int:
    return max(spans[k][2 + axis] if k in spans else k[axis] for k in anchors)


def _visible(first: int, last: int, hidden: set[int]) -> list[int]:
    return [i for i in range(first, last + 1) if i not in hidden]


def _is_caption(row_cols: list[int], anchors: dict[tuple[int, int], str], r: int,
                spans: dict[tuple[int, int], Merge], cols: list[int], leading: bool = False) -> bool:
    """A row with a single text outside the grid: above the table (附件1, a title), or below it as a
    note (注：…, or one text across most of the width). An empty row counts as a gap."""
    if not row_cols:
        return True
    if len(row_cols) > 1:
        return False
    m = spans.get((r, row_cols[0]))
    if m is not None and m[2] > m[0]:
        return False  # a cell merged down: part of the table (a category span)
    width = (m[3] - m[1] + 1) if m else 1
    text = anchors[(r, row_cols[0])]
    if leading:
        return True
    return bool(_NOTE.match(text)) or (len(cols) > 2 and width * 2 >= len(cols))


def _line(anchors: dict[tuple[int, int], str], r: int, row_cols: list[int], page: int) -> TextLine:
    return TextLine(text=anchors[(r, row_cols[0])], page=page, kind="paragraph", style="sheet-caption")


def _table(grid: SheetGrid, rows: list[int], cols: list[int], covered: set[tuple[int, int]],
           spans: dict[tuple[int, int], Merge], page: int) -> Table | None:
    if not rows or not cols:
        return None
    row_index = {r: i for i, r in enumerate(rows)}
    col_index = {c: i for i, c in enumerate(cols)}
    cells: list[TableCell] = []
    for r in rows:
        for c in cols:
            if (r, c) in covered:
                continue
            m = spans.get((r, c), (r, c, r, c))
            cells.append(TableCell(
                row=row_index[r], col=col_index[c], text=grid.values.get((r, c), ""), page=page,
                row_span=max(1, sum(1 for x in range(m[0], m[2] + 1) if x in row_index)),
                col_span=max(1, sum(1 for x in range(m[1], m[3] + 1) if x in col_index)),
                is_header=r in grid.header_rows,
            ))
    widths = [grid.col_widths.get(c, 0.0) for c in cols]
    return Table(page=page, n_rows=len(rows), n_cols=len(cols), cells=cells,
                 col_widths=widths if all(w > 0 for w in widths) else None, found_by="cells")
