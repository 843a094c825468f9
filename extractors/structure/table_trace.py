"""The record of how one logical table was read (``schemas.provenance``), kept while its rows are
stitched and completed once its activities exist. Recording only: nothing here decides a value.

``table_rows`` notes what becomes of every physical row (an activity row, the rest of the row
above, a header, a group label, or why it is dropped); ``carried_spans`` finds, after stitching,
the values that went on across a page break (a span label, a merged cell); ``reading`` and
``provenance`` turn the notes into the table's ``TableReading`` and each activity's ``RowProvenance``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas.layout import Table
from schemas.provenance import (
    CarriedSpan,
    ColumnReading,
    FragmentReading,
    GroupLabel,
    RowOutcome,
    RowProvenance,
    RowReading,
    RowRef,
    TableReading,
)

if TYPE_CHECKING:
    from extractors.structure.table_rows import LogicalTable, Row

PREVIEW_CHARS = 60
REASON_EMPTY = "empty row"
REASON_NOTE = "note row (注：…)"
REASON_CONTINUED = "续表 line"
REASON_HEADER = "header row"
REASON_HEADER_REPEAT = "header repeat"
REASON_JOINED = "rest of the row above, split by the page break"


@dataclass
class Trace:
    """Notes taken while a logical table's fragments are stitched."""

    fragments: list[FragmentReading] = field(default_factory=list)
    rows: list[RowReading] = field(default_factory=list)
    row_of: dict[int, int] = field(default_factory=dict)  # index in ``rows`` → logical row it made or joined
    groups: list[GroupLabel] = field(default_factory=list)
    joins: list[CarriedSpan] = field(default_factory=list)

    def note(self, ref: RowRef, outcome: RowOutcome, texts: list[str], reason: str | None = None,
             logical_row: int | None = None) -> None:
        if logical_row is not None:
            self.row_of[len(self.rows)] = logical_row
        self.rows.append(RowReading(ref=ref, outcome=outcome, reason=reason, text=preview(texts)))


def note_head(t: Trace, table: Table, index: int, skip: int, fused: bool) -> None:
    """Record a fragment and its header rows (the head, or its repeat on a continuation)."""
    t.fragments.append(FragmentReading(index=index, page=table.page, rows=table.n_rows, header_rows=skip,
                                       fused_header=fused, found_by=table.found_by))
    grid = table.grid()
    reason = REASON_HEADER_REPEAT if index else REASON_HEADER
    for r in range(min(skip, table.n_rows)):
        texts = [c.text if c is not None else "" for c in grid[r]]
        t.note(RowRef(fragment=index, page=table.page, row=r), "header", texts, reason)


def note_banner(t: Trace, ref: RowRef, texts: list[str], dropped: str | None, section: str | None,
                fields: list[str | None]) -> None:
    """Record a row across the table: dropped (a note, a 续表 line) or a group label."""
    if dropped:
        t.note(ref, "rejected", texts, dropped)
        return
    t.note(ref, "group", texts)
    t.groups.append(GroupLabel(label=section or "", page=ref.page, row=ref.row, field=group_field(fields)))


def note_join(logical: LogicalTable, ref: RowRef, texts: list[str]) -> None:
    """Record a row that is the rest of the row above, and each column it carried on."""
    prev = logical.rows[-1]
    logical.trace.note(ref, "joined", texts, REASON_JOINED, logical_row=len(logical.rows) - 1)
    last = prev.origin[-1] if prev.origin else ref
    for c, text in enumerate(texts):
        if _n(text):
            logical.trace.joins.append(CarriedSpan(
                column=logical.headers[c], label=preview([text]), how="row split by the break",
                from_page=last.page, from_row=last.row, to_page=ref.page, to_row=ref.row))
    prev.origin.append(ref)


def preview(texts: list[str]) -> str:
    cells = [re.sub(r"\s+", "", t) for t in texts]
    out = " | ".join(c for c in cells if c)
    return out if len(out) <= PREVIEW_CHARS else out[:PREVIEW_CHARS - 1] + "…"


def group_field(fields: list[str | None]) -> str:
    """Where a group row's label goes (as ``tables._place_section`` puts it)."""
    return next((f for f in ("category_raw", "project") if f not in fields), "extra:分组")


def carried_spans(logical: LogicalTable) -> list[CarriedSpan]:
    """Values that went on from the last row of one fragment to the first of the next: a span
    (类别, 项目) continuing, its label repeated or printed only after the break, or a merged cell
    (责任单位, 时间) whose blank continuation took the text above."""
    out: list[CarriedSpan] = []
    for before, after in zip(logical.rows, logical.rows[1:], strict=False):
        a, b = before.origin[-1], after.origin[0]
        if a.fragment == b.fragment:
            continue
        for col, header in enumerate(logical.headers):
            how = _how(logical, before, after, col)
            if how:
                out.append(CarriedSpan(column=header, label=_short(logical.value(after, col)), how=how,
                                       from_page=a.page, from_row=a.row, to_page=b.page, to_row=b.row))
    return out


def _how(logical: LogicalTable, before: Row, after: Row, col: int) -> str | None:
    printed_a, printed_b = _n(before.printed[col]), _n(after.printed[col])
    if logical.is_span_col(col):
        sid_a, sid_b = logical.resolve(before.span_ids[col]), logical.resolve(after.span_ids[col])
        if sid_a is None or sid_a != sid_b:
            return None
        if not printed_b:
            return "span continues"
        if not printed_a:
            return "label printed after the break"
        return "label repeated" if printed_a == printed_b else "split label joined"
    value = _n(after.values[col])
    if logical.carries(col) and value and value != printed_b and value == _n(before.values[col]):
        return "merged cell continues"
    return None


def _n(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _short(text: str) -> str:
    t = _n(text)
    return t if len(t) <= PREVIEW_CHARS else t[:PREVIEW_CHARS - 1] + "…"


def columns(logical: LogicalTable, roles: list[str | None], kept: list[str | None]) -> list[ColumnReading]:
    return [ColumnReading(index=i, header=h, role=roles[i], field=f, kept_as=kept[i] if f is None else None,
                          span=logical.is_span_col(i), carries=logical.carries(i))
            for i, (h, f) in enumerate(zip(logical.headers, logical.fields, strict=True))]


def reading(index: int, logical: LogicalTable, cols: list[ColumnReading], seqs: list[int],
            header_rows: int, passed: list[list[str]]) -> TableReading:
    """The table's record, once its rows gave the activities numbered ``seqs`` (one per logical row);
    ``passed``: per fragment, the lines passed over above it."""
    trace = logical.trace
    fragments = [f.model_copy(update={"passed": [preview([t]) for t in passed[f.index]]})
                 if f.index < len(passed) and passed[f.index] else f for f in trace.fragments]
    rows = [r.model_copy(update={"activity": seqs[trace.row_of[i]]}) if i in trace.row_of else r
            for i, r in enumerate(trace.rows)]
    return TableReading(index=index, pages=sorted({f.page for f in trace.fragments}), header_rows=header_rows,
                        columns=cols, fragments=fragments, carried=trace.joins + carried_spans(logical),
                        groups=list(trace.groups), rows=rows)


def provenance(index: int, row_index: int, row: Row, cols: list[ColumnReading],
               values: dict[int, str]) -> RowProvenance:
    """An activity's origin: its table and rows, and header → field of the columns it took a value from."""
    used: dict[str, str] = {}
    for c in cols:
        if _n(values.get(c.index)):
            used.setdefault(c.header or f"col{c.index + 1}", c.field or f"extra:{c.kept_as}")
    return RowProvenance(table=index, row=row_index, rows=list(row.origin), pages=list(row.pages), columns=used)


def unused(index: int, pages: list[int], reason: str, header_rows: int = 0,
           cols: list[ColumnReading] | None = None) -> TableReading:
    return TableReading(index=index, pages=pages, used=False, reason=reason, header_rows=header_rows,
                        columns=cols or [])
