"""Stitch the data rows of a logical table's fragments into one row list.

Per fragment: skip the (repeated) header rows; peel header texts fused into the first
data row (a repeated header drawn without its bottom line); give every row the text of
the cells covering it. 类别/项目-like columns (``SPAN_FIELDS``) are spans: a blank cell
belongs to the span above when its parent spans (the span columns to its left) do too,
across fragment breaks as well. At the top of a continuation fragment, a row with no 序号
but text elsewhere is the rest of the row above (joined per column), and a span text
split by the page break (each part shorter than the column's usual text, together as long)
is joined back.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extractors.readers.headers import CONTINUED_ONLY, blank_continuing
from extractors.structure import table_trace as trace
from extractors.structure.table_trace import Trace
from rules.markers import SECTION_ORDINAL
from schemas import BBox, Table, TableCell
from schemas.provenance import RowRef

SPAN_FIELDS = ("category_raw", "project")
SEQ = re.compile(r"[（(]?(\d{1,4})[)）.．、]?")  # 序号 as printed: 3, 3., （3）
NOTE = re.compile(r"^\s*(?:注|备注|说明|附注|填表说明)\s*\d*\s*[:：.．、]")


@dataclass
class Row:
    values: list[str]
    span_ids: list[int | None]
    pages: list[int]
    bbox: BBox | None = None
    merged: set[int] = field(default_factory=set)  # columns whose cell spans several rows here
    section: str | None = None  # label of the section row (one cell across the table) above
    runs_on: set[int] = field(default_factory=set)  # columns whose cell ends here with text running on below
    origin: list[RowRef] = field(default_factory=list)  # the physical rows read into it (provenance)
    printed: list[str] = field(default_factory=list)  # its cells' texts as printed on its first physical row


@dataclass
class LogicalTable:
    headers: list[str]
    fields: list[str | None]
    rows: list[Row] = field(default_factory=list)
    spans: list[str] = field(default_factory=list)  # span id → text
    alias: dict[int, int] = field(default_factory=dict)  # a settled pending span → the span it joined
    pending: dict[int, tuple[int, int | None]] = field(default_factory=dict)  # col → (span, fallback)
    section: str | None = None
    trace: Trace = field(default_factory=Trace)  # how it was read (recording only)

    def resolve(self, sid: int | None) -> int | None:
        while sid is not None and sid in self.alias:
            sid = self.alias[sid]
        return sid

    def value(self, row: Row, col: int) -> str:
        sid = self.resolve(row.span_ids[col])
        return self.spans[sid] if sid is not None else row.values[col]

    def settle(self, col: int) -> int | None:
        """End a pending span: it joins its fallback (the span above); returns the fallback."""
        pid, fallback = self.pending.pop(col)
        if fallback is not None:
            self.alias[pid] = fallback
        return fallback

    def new_span(self, text: str) -> int:
        self.spans.append(text)
        return len(self.spans) - 1

    def is_span_col(self, col: int) -> bool:
        return self.fields[col] in SPAN_FIELDS

    def carries(self, col: int) -> bool:
        return blank_continuing(self.headers)[col]

    def seq_col(self) -> int | None:
        return self.fields.index("seq") if "seq" in self.fields else None


@dataclass
class _Fragment:
    """Per-fragment state while its rows are read."""

    table: Table
    skip: int
    continuation: bool
    typical: dict[int, int]
    index: int = 0
    overrides: dict[tuple[int, int], str] = field(default_factory=dict)
    phys: dict[tuple[int, int], int] = field(default_factory=dict)
    seen_text: set[int] = field(default_factory=set)  # columns with a non-blank cell so far
    phys_text: dict[tuple[int, int], str] = field(default_factory=dict)  # value given by a physical cell


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _lines(text: str) -> list[str]:
    return [ln for ln in (text or "").split("\n") if ln.strip()]


def strip_one(text: str, head: str) -> str | None:
    """``text`` without leading lines that spell ``head``; None when it does not start with it."""
    target = _norm(head.replace("/", ""))
    if not target:
        return None
    acc = ""
    lines = (text or "").split("\n")
    for i, line in enumerate(lines):
        acc += _norm(line)
        if acc == target:
            return "\n".join(lines[i + 1:]).strip()
        if not target.startswith(acc):
            return None
    return None


def strip_header_prefix(texts: list[str], names: list[str]) -> list[str] | None:
    """The row with fused header texts peeled off, or None when it is not a fused header row."""
    out = list(texts)
    matched = rest = 0
    named = [c for c, n in enumerate(names) if n and c < len(texts)]
    for c in named:
        stripped = strip_one(texts[c], names[c])
        if stripped is not None:
            out[c] = stripped
            matched += 1
            rest += bool(stripped)
    if matched >= 2 and 2 * matched >= len(named) and rest:
        return out
    return None


def typical_line_counts(logical: LogicalTable, group: list[Table], skips: list[int]) -> dict[int, int]:
    """Per span column, the most common number of lines of its span texts."""
    counts: dict[int, Counter[int]] = {c: Counter() for c in range(len(logical.fields)) if logical.is_span_col(c)}
    for frag, skip in zip(group, skips, strict=True):
        for cell in frag.cells:
            if cell.col in counts and cell.row >= skip and _lines(cell.text):
                counts[cell.col][len(_lines(cell.text))] += 1
    return {c: k.most_common(1)[0][0] for c, k in counts.items() if k}


def stitch_rows(logical: LogicalTable, group: list[Table], skips: list[int]) -> None:
    typical = typical_line_counts(logical, group, skips)
    for k, table in enumerate(group):
        frag = _Fragment(table=table, skip=skips[k], continuation=k > 0, typical=typical, index=k)
        fused = frag.continuation and _peel_fused_header(logical, frag)
        trace.note_head(logical.trace, table, k, frag.skip, fused)
        prev_open = k > 0 and group[k - 1].has_bottom_border is False
        _append_fragment(logical, frag, prev_open)
    for col in list(logical.pending):
        logical.settle(col)


def _peel_fused_header(logical: LogicalTable, frag: _Fragment) -> bool:
    t = frag.table
    if frag.skip >= t.n_rows:
        return False
    grid = t.grid()
    texts = [c.text if c is not None else "" for c in grid[frag.skip]]
    stripped = strip_header_prefix(texts, logical.headers)
    if stripped is None:
        return False
    for c, cell in enumerate(grid[frag.skip]):
        if cell is not None:
            frag.overrides[(cell.row, cell.col)] = stripped[c]
    return True


def _ref(frag: _Fragment, r: int) -> RowRef:
    return RowRef(fragment=frag.index, page=frag.table.page, row=r)


def _cell_text(cell: TableCell | None, col: int, frag: _Fragment, logical: LogicalTable) -> str:
    """The text a cell gives the row at column ``col``: a cell merged across columns gives it once."""
    if cell is None or col != cell.col:
        return ""
    key = (cell.row, cell.col)
    if key in frag.overrides:
        return frag.overrides[key]
    if cell.row < frag.skip:  # a header cell reaching down into the data rows
        return strip_one(cell.text, logical.headers[cell.col]) or ""
    return cell.text.strip()


def _append_fragment(logical: LogicalTable, frag: _Fragment, prev_open: bool) -> None:
    grid = frag.table.grid()
    first = True
    for r in range(frag.skip, frag.table.n_rows):
        cells = grid[r]
        texts = [_cell_text(cell, c, frag, logical) for c, cell in enumerate(cells)]
        ref = _ref(frag, r)
        if not any(_norm(t) for t in texts):
            logical.trace.note(ref, "rejected", texts, trace.REASON_EMPTY)
            continue
        if is_banner(cells):
            dropped = _section_row(logical, texts[0])
            trace.note_banner(logical.trace, ref, texts, dropped, logical.section, logical.fields)
            continue
        top = frag.continuation and first and bool(logical.rows)
        first = False
        if top and _is_split_row(logical, logical.rows[-1], cells, texts, r, prev_open):
            trace.note_join(logical, ref, texts)
            _join_split_row(logical, frag, cells, texts, r)
            continue
        row = Row(values=[""] * len(cells), span_ids=[None] * len(cells), pages=[frag.table.page],
                  bbox=_row_bbox(cells), merged={c for c, cell in enumerate(cells) if cell and cell.row_span > 1},
                  section=logical.section, runs_on=_running_on(cells, r), origin=[ref], printed=list(texts))
        _fill_row(logical, frag, row, cells, texts, top)
        logical.trace.note(ref, "activity", texts, logical_row=len(logical.rows))
        logical.rows.append(row)


def is_banner(cells: list[TableCell | None]) -> bool:
    """One cell across the whole row: a caption, a section label or a note, not a data row."""
    return len(cells) >= 2 and cells[0] is not None and all(c is cells[0] for c in cells)


def _section_row(logical: LogicalTable, text: str) -> str | None:
    """A row that is one cell across the table: a note (注：…, dropped) or a section label.
    Returns why it was dropped, None for a section label."""
    label = text.strip()
    if NOTE.match(label):
        return trace.REASON_NOTE
    if CONTINUED_ONLY.fullmatch(_norm(label)):
        return trace.REASON_CONTINUED
    logical.section = SECTION_ORDINAL.sub("", label, count=1).strip() or label
    return None


def _fill_row(logical: LogicalTable, frag: _Fragment, row: Row, cells: list[TableCell | None],
              texts: list[str], top: bool) -> None:
    prev = logical.rows[-1] if logical.rows else None
    parents_same = True
    for c, cell in enumerate(cells):
        if not logical.is_span_col(c):
            row.values[c] = _carried(logical, frag, prev, c, cell, texts[c])
            continue
        above = logical.resolve(prev.span_ids[c]) if prev else None
        sid = _span_id(logical, frag, c, cell, texts[c], above, parents_same, top)
        row.span_ids[c] = sid
        parents_same = parents_same and above is not None and logical.resolve(sid) == above


def _carried(logical: LogicalTable, frag: _Fragment, prev: Row | None, col: int, cell: TableCell | None,
             text: str) -> str:
    """A cell's value. At the top of a continuation fragment, in a column whose merged cells run on
    (责任单位, 时间: ``blank_continuing``), a blank cell — or the label above repeated, cut short by
    a shorter cell — is the merged cell above the page break."""
    if cell is not None and col != cell.col:
        return text  # covered by a cell merged across columns: it gave its text once, to its first column
    key = (cell.row, cell.col) if cell is not None else None
    if key is not None and key in frag.phys_text:
        return frag.phys_text[key]
    value = text
    if prev is not None and frag.continuation and col not in frag.seen_text and logical.carries(col):
        above = logical.value(prev, col)
        if not _norm(text) or (_norm(above).startswith(_norm(text)) and _norm(above) != _norm(text)):
            value = above
    if _norm(text):
        frag.seen_text.add(col)
    if key is not None:
        frag.phys_text[key] = value
    return value


def _rewrite_above(logical: LogicalTable, col: int, cut: str, whole: str) -> None:
    """The rows above that hold a label the page break cut (one merged cell) get it whole."""
    for row in reversed(logical.rows):
        if row.values[col] != cut:
            break
        row.values[col] = whole


def _span_id(logical: LogicalTable, frag: _Fragment, col: int, cell: TableCell | None, text: str,
             prev_sid: int | None, parents_same: bool, top: bool) -> int:
    key = (cell.row, cell.col) if cell is not None else None
    if key is not None and key in frag.phys:
        return frag.phys[key]
    blank = not _norm(text) or (cell is not None and cell.continues)
    if blank:
        sid = _blank_span(logical, frag, col, cell, prev_sid, parents_same)
    else:
        sid = _text_span(logical, frag, col, text, prev_sid, parents_same, top)
        frag.seen_text.add(col)
    if key is not None:
        frag.phys[key] = sid
    return sid


def _blank_span(logical: LogicalTable, frag: _Fragment, col: int, cell: TableCell | None,
                prev_sid: int | None, parents_same: bool) -> int:
    """A blank cell belongs to the span above — unless it is a new cell below text of this
    fragment: then its text may be the one printed at the top of the next page (pending)."""
    if col in logical.pending:
        return logical.pending[col][0]
    if col in frag.seen_text and cell is not None and not cell.continues:
        pid = logical.new_span("")
        logical.pending[col] = (pid, prev_sid if parents_same else None)
        return pid
    if parents_same and prev_sid is not None:
        return prev_sid
    return logical.new_span("")


def _text_span(logical: LogicalTable, frag: _Fragment, col: int, text: str, prev_sid: int | None,
               parents_same: bool, top: bool) -> int:
    if col in logical.pending:
        pid, fallback = logical.pending[col]
        if top and (fallback is None or _norm(text) != _norm(logical.spans[fallback])):
            del logical.pending[col]
            logical.spans[pid] = text  # the pending span's text, printed after the break
            return pid
        prev_sid = logical.settle(col)
        parents_same = parents_same and prev_sid is not None
    if prev_sid is None:
        return logical.new_span(text)
    if top and parents_same and _same_span_text(logical, frag, col, prev_sid, text):
        return prev_sid
    return logical.new_span(text)


def _same_span_text(logical: LogicalTable, frag: _Fragment, col: int, sid: int, text: str) -> bool:
    """At a page break: the span's label repeated, or its text split in two by the break."""
    old = logical.spans[sid]
    if _norm(old) == _norm(text):
        return True
    usual = frag.typical.get(col, 1)
    a, b = len(_lines(old)), len(_lines(text))
    if usual >= 2 and a < usual and b < usual and a + b == usual:
        logical.spans[sid] = old + "\n" + text
        return True
    return False


def _running_on(cells: list[TableCell | None], r: int) -> set[int]:
    """Columns whose cell ends on row ``r`` with its text running on below (``TableCell.runs_on``)."""
    return {c for c, cell in enumerate(cells)
            if cell is not None and cell.runs_on and c == cell.col and cell.row + cell.row_span - 1 == r}


def _below(cell: TableCell | None, r: int) -> bool:
    """A cell merged from row ``r`` down over the rows below: it belongs to them, not to a row cut above."""
    return cell is not None and cell.row == r and cell.row_span > 1


def _is_split_row(logical: LogicalTable, prev: Row, cells: list[TableCell | None], texts: list[str], r: int,
                  prev_open: bool) -> bool:
    """The top row of a continuation is the rest of the row above: no 序号 but text in other columns
    (unless the 序号 above is itself merged over several rows: then a blank 序号 is that merge going on);
    without a 序号 column, a row left open by the page break, one with no content (an activity has one),
    or one whose every cell of text goes on a cell of the row above that ran on (its last line filled
    to the cell's edge mid-word: geometry; a 序号 there too, when the number itself ran on)."""
    seq = logical.seq_col()
    if seq is not None and seq in prev.merged:
        return False
    body = [c for c in range(len(texts)) if c != seq and not logical.is_span_col(c) and _norm(texts[c])]
    if not body:
        return False
    own = [c for c in body if not _below(cells[c], r)]
    if own and all(c in prev.runs_on for c in own) and (seq is None or not _norm(texts[seq])
                                                        or (seq in prev.runs_on and not _next_number(logical, prev, seq, texts[seq]))):
        return True
    if seq is not None:
        return not _norm(texts[seq])
    content = logical.fields.index("content") if "content" in logical.fields else None
    return prev_open or (content is not None and not _norm(texts[content]))


def _next_number(logical: LogicalTable, prev: Row, seq: int, text: str) -> bool:
    """The 序号 printed is the one after the row above's: a new row, whatever ran on — unless the
    row above's number is itself cut by the break and this is its rest (1 | 2 after 11 is 12)."""
    a, b = SEQ.fullmatch(_norm(prev.values[seq])), SEQ.fullmatch(_norm(text))
    if a is None or b is None or int(b.group(1)) != int(a.group(1)) + 1:
        return False
    before = SEQ.fullmatch(_norm(logical.rows[-2].values[seq])) if len(logical.rows) >= 2 else None
    whole = SEQ.fullmatch(_norm(prev.values[seq]) + _norm(text))
    return before is None or whole is None or int(whole.group(1)) != int(before.group(1)) + 1


def _join_split_row(logical: LogicalTable, frag: _Fragment, cells: list[TableCell | None],
                    texts: list[str], r: int) -> None:
    prev = logical.rows[-1]
    for c, cell in enumerate(cells):
        sid = logical.resolve(prev.span_ids[c])
        sep = "" if c in prev.runs_on else "\n"  # a line that ran on to the cell's edge is a wrap
        if sid is not None:
            if _norm(texts[c]) and _norm(texts[c]) not in _norm(logical.spans[sid]):
                logical.spans[sid] += sep + texts[c]
            if cell is not None:
                frag.phys[(cell.row, cell.col)] = sid
        elif _norm(texts[c]) and not _below(cell, r):
            prev.values[c] = (prev.values[c] + sep + texts[c]).strip()
        elif _norm(texts[c]) and cell is not None and c in prev.runs_on and _norm(prev.values[c]) \
                and logical.carries(c) and logical.fields[c] not in ("content", "project"):
            # a cell merged down from here goes on a label cut mid-name above (生态 | 环境局): one
            # merged cell over the break, for the row above and the rows below alike
            whole = prev.values[c].rstrip() + texts[c].strip()
            _rewrite_above(logical, c, prev.values[c], whole)
            frag.phys_text[(cell.row, cell.col)] = whole
    prev.runs_on = _running_on(cells, r)
    if frag.table.page not in prev.pages:
        prev.pages.append(frag.table.page)


def _row_bbox(cells: list[TableCell | None]) -> BBox | None:
    """The row's band: the overlap of the covering cells' heights, across all their widths."""
    boxes = [c.bbox for c in cells if c is not None and c.bbox is not None]
    if not boxes:
        return None
    top, bottom = max(b.top for b in boxes), min(b.bottom for b in boxes)
    if bottom <= top:
        top, bottom = min(b.top for b in boxes), max(b.bottom for b in boxes)
    return BBox(x0=min(b.x0 for b in boxes), top=top, x1=max(b.x1 for b in boxes), bottom=bottom)
