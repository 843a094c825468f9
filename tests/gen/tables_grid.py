"""A generated notice's table as printed rows: header cells with their spans, group rows across
the table, data rows with the merged (spanned) cells of the span columns. Both renderers
(DOCX and reportlab) draw this one grid, so every format shows the same table."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.gen.tables_spec import Act, Column, Notice, ordinal


@dataclass
class HeadCell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass
class BodyRow:
    kind: str  # "group" | "data"
    texts: list[str]  # per column; a group row has its label in texts[0]
    act: Act | None = None
    span: list[int] = field(default_factory=list)  # per column: rows a merged cell covers from here, 0 = covered


def head_cells(cols: list[Column]) -> tuple[int, list[HeadCell]]:
    """(header row count, cells). Columns under one parent share an upper cell across them."""
    two = any(c.parent for c in cols)
    cells: list[HeadCell] = []
    i = 0
    while i < len(cols):
        c = cols[i]
        if c.parent and two:
            j = i
            while j < len(cols) and cols[j].parent == c.parent:
                cells.append(HeadCell(1, j, cols[j].header))
                j += 1
            cells.append(HeadCell(0, i, c.parent, col_span=j - i))
            i = j
            continue
        cells.append(HeadCell(0, i, c.header, row_span=2 if two else 1))
        i += 1
    return (2 if two else 1), sorted(cells, key=lambda h: (h.row, h.col))


def cell_text(col: Column, act: Act) -> str:
    if col.role == "seq":
        return str(act.seq)
    return act.cells.get(col.role, "")


def body_rows(n: Notice) -> list[BodyRow]:
    rows: list[BodyRow] = []
    for g, (label, acts) in enumerate(n.groups()):
        if n.traits.group_rows:
            rows.append(BodyRow("group", [ordinal(g) + label] + [""] * (len(n.columns) - 1)))
        start = len(rows)
        for a in acts:
            rows.append(BodyRow("data", [cell_text(c, a) for c in n.columns], a, [1] * len(n.columns)))
        _merge(rows[start:], n)
    return rows


def _merge(rows: list[BodyRow], n: Notice) -> None:
    """Merge runs of equal text down the span columns (category runs nest the lead/time runs)."""
    order = [r for r in ("category", "lead", "time") if r in n.spans]
    bounds = {0, len(rows)}
    for role in order:
        cols = [k for k, c in enumerate(n.columns) if c.role == role]
        for k in cols:
            i = 0
            while i < len(rows):
                j = i + 1
                while j < len(rows) and j not in bounds and rows[j].texts[k] == rows[i].texts[k] and rows[i].texts[k]:
                    j += 1
                rows[i].span[k] = j - i
                for r in range(i + 1, j):
                    rows[r].span[k] = 0
                i = j
        if role == "category":
            bounds |= {i for i, r in enumerate(rows) if r.span[cols[0]] > 0} if cols else set()
