"""Physical table fragments → logical tables → activity rows.

Chain: group the fragments that continue one another (same column grid; a repeated header,
or no header with only a repeated title between) → name the columns from the first
fragment's header rows (synonyms in data/columns.toml) → stitch the rows of every
fragment (see ``table_rows``) → one activity per data row, unknown columns kept in ``extra``.
Nothing here knows a file, a title or a column count: every rule reads the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.readers.headers import CONTINUED
from extractors.structure import table_trace
from extractors.structure.blocks import Block, BlockItem
from extractors.structure.columns import assign_fields, extra_key, is_header_row, table_roles
from extractors.structure.table_cells import join_bodies, unwrap
from extractors.structure.table_rows import (
    SEQ,
    LogicalTable,
    Row,
    is_banner,
    stitch_rows,
    strip_header_prefix,
)
from rules.markers import MARKER_START
from schemas import Activity, Span, Table, TableCell
from schemas.provenance import TableReading

TABLES_VERSION = "3"
ATTACHMENT = re.compile(r"^\s*附\s*件\s*\d*")


@dataclass(frozen=True)
class TableSettings:
    """Knobs of the stitcher, validated once."""

    max_header_rows: int = 3
    max_gap_blocks: int = 3
    max_gap_chars: int = 120
    max_title_chars: int = 60
    width_tolerance: float = 0.10

    def __post_init__(self) -> None:
        if self.max_header_rows < 1:
            raise ValueError(f"max_header_rows must be >= 1, got {self.max_header_rows}")
        if not 0 < self.width_tolerance < 1:
            raise ValueError(f"width_tolerance must be in (0, 1), got {self.width_tolerance}")
        if self.max_gap_blocks < 0 or self.max_gap_chars < 0:
            raise ValueError("max_gap_blocks and max_gap_chars must be >= 0")


DEFAULT_SETTINGS = TableSettings()


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def row_texts(table: Table, r: int) -> list[str]:
    return [c.text if c is not None else "" for c in table.grid()[r]]


def header_rows(table: Table, settings: TableSettings = DEFAULT_SETTINGS) -> int:
    """How many rows at the top of a fragment are its head: caption rows (one cell across the
    table: a title inside it), then rows that name columns (or are marked as header by the source).
    0 when no row names columns."""
    grid = table.grid()
    caps = 0
    while caps < min(table.n_rows, settings.max_header_rows) and is_banner(grid[caps]):
        caps += 1
    n = 0
    for r in range(caps, min(table.n_rows, caps + settings.max_header_rows)):
        if r > caps and is_banner(grid[r]):
            break  # a row across the table under the header: a group label, not a header row
        marked = any(c.is_header for c in table.cells if c.row == r)
        if marked or is_header_row(row_texts(table, r)):
            n = r + 1
        else:
            break
    return n


def column_names(table: Table, n_head: int) -> list[str]:
    """Each column's name: the distinct header texts above it, top to bottom (two-level headers)."""
    grid = table.grid()
    names: list[str] = []
    for c in range(table.n_cols):
        parts: list[str] = []
        for r in range(n_head):
            if is_banner(grid[r]):
                continue
            cell = grid[r][c]
            text = norm(cell.text) if cell is not None else ""
            if text and text not in parts:
                parts.append(text)
        names.append("/".join(parts))
    return names


def _field_names(names: list[str]) -> list[str | None]:
    """Fields of the table's columns from header meaning, leaf by leaf (see ``columns.assign_fields``)."""
    return assign_fields(names)


# ---------------------------------------------------------------- grouping fragments


def group_tables(items: list[BlockItem], settings: TableSettings = DEFAULT_SETTINGS,
                 passed: dict[int, list[str]] | None = None) -> list[list[Table]]:
    """Consecutive fragments of one logical table, in document order. ``passed``, when given, receives
    per continuing fragment (by ``id``) the lines passed over above it (续表, a repeated title)."""
    groups: list[list[Table]] = []
    current: list[Table] = []
    gap: list[Block] = []
    titles: set[str] = set()
    for item in items:
        if isinstance(item, Table):
            aligned = (align_columns(current[0], item, settings) or item) if current else item
            if current and _continues(current, aligned, gap, titles, settings):
                current.append(aligned)
                if passed is not None:
                    passed[id(aligned)] = [b.text for b in gap]
            else:
                if current:
                    groups.append(current)
                current, titles = [item], _titles_before(gap, settings)
            gap = []
        else:
            gap.append(item)
            if current and _gap_too_long(gap, settings):
                groups.append(current)
                current = []
    if current:
        groups.append(current)
    return groups


def align_columns(first: Table, nxt: Table, settings: TableSettings = DEFAULT_SETTINGS) -> Table | None:
    """``nxt`` put on ``first``'s column grid when its rulings are a subset of first's (columns
    merged on every row of a page leave fewer rulings), else None."""
    if nxt.n_cols >= first.n_cols or not first.col_edges or not nxt.col_edges:
        return None
    fa, fb = _relative(first.col_edges), _relative(nxt.col_edges)
    index = [_nearest(fa, x) for x in fb]
    if any(abs(fa[j] - x) > settings.width_tolerance / len(fa) for j, x in zip(index, fb, strict=True)):
        return None
    if index[0] != 0 or index[-1] != len(fa) - 1:
        return None
    cells = [c.model_copy(update={"col": index[c.col], "col_span": index[c.col + c.col_span] - index[c.col]})
             for c in nxt.cells]
    x0, x1 = nxt.col_edges[0], nxt.col_edges[-1]
    edges = [x0 + f * (x1 - x0) for f in fa]
    return nxt.model_copy(update={"cells": cells, "n_cols": first.n_cols, "col_edges": edges})


def _nearest(values: list[float], x: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - x))


def _relative(edges: list[float]) -> list[float]:
    width = (edges[-1] - edges[0]) or 1.0
    return [(x - edges[0]) / width for x in edges]


def _titles_before(gap: list[Block], settings: TableSettings) -> set[str]:
    """The short lines right above a table's first fragment (附件1, its title, a unit line…)."""
    out: set[str] = set()
    for block in reversed(gap[-settings.max_gap_blocks:]):
        text = norm(CONTINUED.sub("", norm(block.text)))
        if not text or len(text) > settings.max_title_chars:
            break
        out.add(text)
    return out


def _gap_too_long(gap: list[Block], settings: TableSettings) -> bool:
    return len(gap) > settings.max_gap_blocks or sum(len(b.text) for b in gap) > settings.max_gap_chars


def _continues(run: list[Table], nxt: Table, gap: list[Block], titles: set[str], settings: TableSettings) -> bool:
    first, last = run[0], run[-1]
    if nxt.n_cols != first.n_cols or not same_grid(first, nxt, settings.width_tolerance):
        return False
    n_head = header_rows(first, settings)
    if n_head and (repeats_header(first, n_head, nxt) or fused_header(first, n_head, nxt)):
        return not any(_starts_new_part(b.text, titles, settings) for b in gap)
    if header_rows(nxt, settings):
        return False  # a different header: a different table
    if nxt.bbox is not None and last.bbox is not None and nxt.page <= last.page:
        return False  # a headerless table further down the same page is not a continuation
    return all(is_title_repeat(b.text, titles, settings) for b in gap)


def _starts_new_part(text: str, titles: set[str], settings: TableSettings) -> bool:
    """An attachment mark (附件2) or a numbered heading between two tables with the same header
    starts another table, unless it already stood above the first one."""
    marked = ATTACHMENT.match(text) or MARKER_START.match(text)
    return bool(marked) and not is_title_repeat(text, titles, settings)


def is_title_repeat(text: str, titles: set[str], settings: TableSettings = DEFAULT_SETTINGS) -> bool:
    """A line allowed between fragments: a 续表 mark, or a line that stood above the first fragment."""
    t = norm(text)
    if len(t) > settings.max_title_chars:
        return False
    rest = norm(CONTINUED.sub("", t))
    return not rest or rest in titles


def same_grid(a: Table, b: Table, tolerance: float = 0.1) -> bool:
    """Column widths agree within ``tolerance`` (relative), when both tables carry them."""
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


def header_texts(table: Table, n_head: int) -> list[list[str]]:
    return [[norm(t) for t in row_texts(table, r)] for r in range(n_head)]


def _matches_header(texts: list[str], heads: list[list[str]]) -> bool:
    """Every non-empty cell equals the header text of its column in some header row (at least two)."""
    named = [(c, norm(t)) for c, t in enumerate(texts) if norm(t)]
    hits = sum(1 for c, t in named if any(c < len(h) and h[c] == t for h in heads))
    return len(named) >= 2 and hits == len(named)


def repeated_header_rows(first: Table, n_head: int, frag: Table) -> int:
    """Rows at the top of ``frag`` that repeat the first fragment's head (a caption may add 续表)."""
    heads = header_texts(first, n_head)
    grid = frag.grid()
    n = 0
    while n < min(frag.n_rows, n_head + 1):
        if not (_matches_header(row_texts(frag, n), heads) or _repeats_caption(grid[n], heads)):
            break
        n += 1
    return n


def _repeats_caption(row: list[TableCell | None], heads: list[list[str]]) -> bool:
    if not is_banner(row) or row[0] is None:
        return False
    rest = norm(CONTINUED.sub("", norm(row[0].text)))
    return not rest or any(rest == norm(CONTINUED.sub("", h[0])) for h in heads if h)


def repeats_header(first: Table, n_head: int, frag: Table) -> bool:
    return repeated_header_rows(first, n_head, frag) > 0


def fused_header(first: Table, n_head: int, frag: Table) -> bool:
    """The repeated header drawn without its bottom line: its texts fused into the first data row."""
    if not n_head or not frag.n_rows:
        return False
    names = column_names(first, n_head)
    return strip_header_prefix(row_texts(frag, 0), names) is not None


# ---------------------------------------------------------------- logical tables → activities


def build_logical(group: list[Table], settings: TableSettings = DEFAULT_SETTINGS) -> LogicalTable | None:
    first = group[0]
    n_head = header_rows(first, settings)
    if n_head == 0:
        return None
    names = column_names(first, n_head)
    fields = _field_names(names)
    if "content" not in fields:
        return None
    logical = LogicalTable(headers=names, fields=fields)
    skips = [n_head] + [repeated_header_rows(first, n_head, f) for f in group[1:]]
    stitch_rows(logical, group, skips)
    return logical


def table_activities(items: list[BlockItem], start_seq: int = 1, settings: TableSettings = DEFAULT_SETTINGS,
                     readings: list[TableReading] | None = None) -> list[Activity]:
    """The activities of the tables among ``items``; ``readings``, when given, receives how each
    table was read (``schemas.provenance``), one per logical table, in order."""
    out: list[Activity] = []
    passed: dict[int, list[str]] = {}
    for index, group in enumerate(group_tables(items, settings, passed)):
        logical = build_logical(group, settings)
        if logical is None:
            if readings is not None:
                readings.append(_unused(index, group, settings))
            continue
        n_head = header_rows(group[0], settings)
        cols = table_trace.columns(logical, table_roles(logical.headers), _kept_as(logical))
        seqs: list[int] = []
        for i, row in enumerate(logical.rows):
            act = _activity(logical, row, start_seq + len(out))
            act.provenance = table_trace.provenance(index, i, row, cols, _row_values(logical, row))
            seqs.append(act.seq)
            out.append(act)
        if readings is not None:
            readings.append(table_trace.reading(index, logical, cols, seqs, n_head,
                                                [passed.get(id(t), []) for t in group]))
    return out


def _unused(index: int, group: list[Table], settings: TableSettings) -> TableReading:
    """The record of a table that gave no activities, and why."""
    pages = sorted({t.page for t in group})
    n_head = header_rows(group[0], settings)
    if n_head == 0:
        return table_trace.unused(index, pages, "no header row: no row names the columns")
    names = column_names(group[0], n_head)
    logical = LogicalTable(headers=names, fields=_field_names(names))
    cols = table_trace.columns(logical, table_roles(names), _kept_as(logical))
    return table_trace.unused(index, pages, "no content column", n_head, cols)


def _extra_name(header: str, i: int) -> str:
    """The ``extra`` key of column ``i``, which no field takes: its (leaf) header's name."""
    return extra_key(header.split("/")[-1]) or f"col{i + 1}"


def _kept_as(logical: LogicalTable) -> list[str | None]:
    return [_extra_name(h, i) if f is None else None
            for i, (h, f) in enumerate(zip(logical.headers, logical.fields, strict=True))]


def _row_values(logical: LogicalTable, row: Row) -> dict[int, str]:
    return {i: logical.value(row, i) for i in range(len(logical.headers))}


def _activity(logical: LogicalTable, row: Row, seq: int) -> Activity:
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for i, (header, f) in enumerate(zip(logical.headers, logical.fields, strict=True)):
        v = logical.value(row, i)
        if f is None:
            if v:
                extra[_extra_name(header, i)] = v
        elif f in values and f in ("organizers_lead", "organizers_co"):
            values[f] = "、".join(x for x in (join_bodies(values[f]), join_bodies(v)) if x)
        else:
            values[f] = v
    _place_section(logical, row.section, values, extra)
    printed = SEQ.fullmatch(norm(values.get("seq", "")))
    lead, co = join_bodies(values.get("organizers_lead", "")), join_bodies(values.get("organizers_co", ""))
    organizers_raw = lead + (f"；配合{co}" if co else "")
    return Activity(
        seq=int(printed.group(1)) if printed else seq, source="table",
        category_raw=unwrap(values.get("category_raw", "")) or None, project=values.get("project") or None,
        content=unwrap(values.get("content", "")), organizers_raw=organizers_raw or None,
        time=unwrap(values.get("time", "")) or None, place=unwrap(values.get("place", "")) or None,
        extra=extra, span=Span(pages=row.pages, bbox=row.bbox),
    )


def _place_section(logical: LogicalTable, section: str | None, values: dict[str, str],
                   extra: dict[str, str]) -> None:
    """A section row's label (一、质量宣传 across the table) fills the first span field the table lacks."""
    if not section:
        return
    for f in ("category_raw", "project"):
        if f not in logical.fields:
            values[f] = section
            return
    extra["分组"] = section
