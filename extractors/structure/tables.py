"""Physical table fragments → logical tables → activity rows.

Chain: group fragments that continue one another (same column count, a header equal to
the first one or none, only titles/furniture between) → drop repeated header rows →
resolve spans into per-row values (carrying spans over fragment breaks) → join rows
split by a page break → one activity per data row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.structure.blocks import Block, BlockItem
from extractors.structure.columns import is_header_row, map_header
from schemas import Activity, BBox, Span, Table

SPAN_FIELDS = ("category_raw", "project")


@dataclass
class Row:
    values: list[str]
    pages: list[int]
    bbox: BBox | None = None
    # per column: True when the slot is covered by a span that began in an earlier row
    spanned: list[bool] = field(default_factory=list)


@dataclass
class LogicalTable:
    headers: list[str]
    fields: list[str | None]
    fragments: list[Table] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def row_texts(table: Table, r: int) -> list[str]:
    grid = table.grid()
    return [c.text if c is not None else "" for c in grid[r]]


def header_rows(table: Table) -> int:
    """How many rows at the top of a fragment are header rows."""
    n = 0
    for r in range(min(table.n_rows, 3)):
        if is_header_row(row_texts(table, r)) or any(c.is_header for c in table.cells if c.row == r):
            n = r + 1
        else:
            break
    return n


def group_tables(items: list[BlockItem]) -> list[list[Table]]:
    """Consecutive fragments of one logical table; anything but short title lines between breaks a run."""
    groups: list[list[Table]] = []
    current: list[Table] = []
    gap: list[Block] = []
    for item in items:
        if isinstance(item, Table):
            if current and _continues(current, item, gap):
                current.append(item)
            else:
                if current:
                    groups.append(current)
                current = [item]
            gap = []
        elif current:
            gap.append(item)
            if len(gap) > 3 or sum(len(b.text) for b in gap) > 120:
                groups.append(current)
                current, gap = [], []
    if current:
        groups.append(current)
    return groups


def _continues(run: list[Table], nxt: Table, gap: list[Block]) -> bool:
    first = run[0]
    if nxt.n_cols != first.n_cols:
        return False
    if not _same_grid(first, nxt):
        return False
    if header_rows(nxt):
        return _norm("".join(row_texts(nxt, 0))) == _norm("".join(row_texts(first, 0)))
    return True


def _same_grid(a: Table, b: Table, tolerance: float = 0.1) -> bool:
    wa, wb = _widths(a), _widths(b)
    if wa is None or wb is None:
        return True
    return all(abs(x - y) <= tolerance * max(x, y, 1e-6) for x, y in zip(wa, wb, strict=False))


def _widths(t: Table) -> list[float] | None:
    if t.col_edges and len(t.col_edges) == t.n_cols + 1:
        edges = t.col_edges
        raw = [edges[i + 1] - edges[i] for i in range(t.n_cols)]
    elif t.col_widths and len(t.col_widths) == t.n_cols:
        raw = list(t.col_widths)
    else:
        return None
    total = sum(raw) or 1.0
    return [w / total for w in raw]


def build_logical(group: list[Table]) -> LogicalTable | None:
    first = group[0]
    n_head = header_rows(first)
    if n_head == 0:
        return None
    headers = [_norm(t) for t in row_texts(first, n_head - 1)]
    logical = LogicalTable(headers=headers, fields=map_header(headers), fragments=group)
    if "content" not in logical.fields:
        return None
    for i, frag in enumerate(group):
        skip = n_head if i == 0 else header_rows(frag)
        _append_fragment(logical, frag, skip, first_fragment=i == 0)
    return logical


def _append_fragment(logical: LogicalTable, frag: Table, skip: int, first_fragment: bool) -> None:
    grid = frag.grid()
    for r in range(skip, frag.n_rows):
        cells = grid[r]
        values = [c.text.strip() if c is not None else "" for c in cells]
        spanned = [c is not None and c.row < r for c in cells]
        if not _norm("".join(values)):
            continue
        row = Row(values=values, pages=[frag.page], bbox=_row_bbox(cells), spanned=spanned)
        if r == skip and not first_fragment and logical.rows and _is_split_row(logical, row):
            _join_rows(logical.rows[-1], row, logical.fields)
            continue
        _carry_spans(logical, row, top_of_fragment=r == skip and not first_fragment)
        logical.rows.append(row)


def _row_bbox(cells: list) -> BBox | None:
    boxes = [c.bbox for c in cells if c is not None and c.bbox is not None]
    if not boxes:
        return None
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


def _is_split_row(logical: LogicalTable, row: Row) -> bool:
    """The top row of a continuation with no 序号 but text elsewhere continues the row above."""
    if "seq" not in logical.fields:
        return False
    seq_col = logical.fields.index("seq")
    return not _norm(row.values[seq_col]) and any(
        _norm(v) for i, v in enumerate(row.values) if logical.fields[i] not in SPAN_FIELDS and i != seq_col
    )


def _join_rows(prev: Row, part: Row, fields: list[str | None]) -> None:
    for i, v in enumerate(part.values):
        if v and fields[i] not in SPAN_FIELDS:
            prev.values[i] = (prev.values[i] + "\n" + v).strip()
    prev.pages.extend(p for p in part.pages if p not in prev.pages)


def _carry_spans(logical: LogicalTable, row: Row, top_of_fragment: bool) -> None:
    """Blank span-column cells take the value of the span above (same or earlier fragment)."""
    if not logical.rows:
        return
    prev = logical.rows[-1]
    for i, f in enumerate(logical.fields):
        if f in SPAN_FIELDS and not _norm(row.values[i]):
            row.values[i] = prev.values[i]


def table_activities(items: list[BlockItem], start_seq: int = 1) -> list[Activity]:
    out: list[Activity] = []
    for group in group_tables(items):
        logical = build_logical(group)
        if logical is None:
            continue
        for row in logical.rows:
            out.append(_activity(logical, row, start_seq + len(out)))
    return out


def _activity(logical: LogicalTable, row: Row, seq: int) -> Activity:
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for header, f, v in zip(logical.headers, logical.fields, row.values, strict=False):
        if f is None:
            if v:
                extra[header or f"col{len(extra) + 1}"] = v
        elif f in values and f in ("organizers_lead", "organizers_co"):
            values[f] = "、".join(x for x in (values[f], v) if x)
        else:
            values[f] = v
    seq_text = _norm(values.get("seq", ""))
    lead, co = values.get("organizers_lead", ""), values.get("organizers_co", "")
    organizers_raw = _unwrap(lead) + (f"；配合{_unwrap(co)}" if co else "")
    return Activity(
        seq=int(seq_text) if seq_text.isdigit() else seq, source="table",
        category_raw=values.get("category_raw") or None, project=values.get("project") or None,
        content=_unwrap(values.get("content", "")), organizers_raw=organizers_raw or None,
        time=values.get("time") or None, place=values.get("place") or None, extra=extra,
        span=Span(pages=row.pages, bbox=row.bbox),
    )


def _unwrap(text: str) -> str:
    """Join a cell's wrapped lines: line breaks inside a cell are not content."""
    return "".join(part.strip() for part in (text or "").split("\n"))
