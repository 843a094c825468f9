"""Text tables, the rows: row bands from the anchor column's text blocks, lines across the table
and the rules that exist; merged cells from blank cells under (or around) a label; all of it as
ruling segments read by the same grid and cell filling as drawn tables.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from extractors.readers.geometry import Char, chars_to_lines
from extractors.readers.grid import Segment, find_grids
from extractors.readers.placed import fill_grid, join_chars
from extractors.readers.rulings import Rule
from extractors.readers.text_columns import (
    HEADER_GAP,
    Seg,
    centre_x,
    column_of,
    crosses,
    line_bottom,
    line_top,
    overlap,
    split_segments,
)
from rules.markers import GROUP_ORDINAL
from schemas import Table

BLOCK_PITCH = 1.25  # × line pitch: lines of one column closer than this (top to top) are one cell
RULE_SLACK = 0.2  # × font size: a glyph's box may reach this far above the rule over its row
GROUP_CHARS = 30  # a group label (一、宣传教育活动) is at most this long
LEVEL = 0.5  # × font size: first lines whose tops are this close begin one row (a recognised digit's box sits
# lower than the Chinese boxes beside it)
AGREE = 3  # columns whose text blocks start level with each other begin a row, where the anchor shows none


# ---------------------------------------------------------------- rows


def _pitch(col_lines: list[list[list[Char]]], size: float) -> float:
    """The line pitch inside a cell: the lower quartile of the short line-to-line steps (steps between
    rows are longer; a table of one-line cells has none, then 1.35 × the font size)."""
    steps = [line_top(b) - line_top(a) for lines in col_lines for a, b in zip(lines, lines[1:], strict=False)]
    steps = sorted(s for s in steps if 0.8 * size <= s <= 1.6 * size)
    return steps[len(steps) // 4] if steps else 1.35 * size


def _blocks(lines: list[list[Char]], pitch: float) -> list[tuple[float, float]]:
    """(top, bottom) of each run of lines closer than ``BLOCK_PITCH`` × pitch, top to top."""
    out: list[tuple[float, float]] = []
    prev_top: float | None = None
    for ln in lines:
        t, b = line_top(ln), line_bottom(ln)
        if out and prev_top is not None and t - prev_top <= BLOCK_PITCH * pitch:
            out[-1] = (out[-1][0], b)
        else:
            out.append((t, b))
        prev_top = t
    return out


def _group_line(line: list[Char], data: list[list[Char]], xs: list[float], anchor: int) -> bool:
    """A group label that crosses no column boundary (一、宣传教育活动 in a wide 活动名称 column, or
    printed from the first column on, where a recogniser leaves white after 一、 and between glyphs):
    one run of glyphs (no gap as wide as a header cell gap) opened by a Chinese ordinal, starting in
    the first or the anchor column, alone at its height (no other column holds text beside it), so
    it is a row across the table."""
    segs = split_segments(line, HEADER_GAP)
    if len(segs) != 1 or column_of(xs, centre_x(line[0])) not in (0, anchor):
        return False
    text = join_chars(segs[0])
    if len(text) > GROUP_CHARS or not GROUP_ORDINAL.match(text):
        return False
    t, b = line_top(line), line_bottom(line)
    return not any(o is not line and min(b, line_bottom(o)) - max(t, line_top(o)) > 0 for o in data)


@dataclass(frozen=True)
class Band:
    top: float
    bottom: float
    across: bool  # a row across the table (group label): no inner column boundaries
    ruled: bool  # its top boundary is a printed rule


def row_bands(data: list[list[Char]], xs: list[float], anchor: int, rules: list[Rule], top: float,
               bottom: float, size: float) -> tuple[list[Band], dict[int, list[tuple[float, float]]]]:
    """The data rows between ``top`` and ``bottom`` and each column's text blocks."""
    across = [ln for ln in data if crosses(ln, xs) or _group_line(ln, data, xs, anchor)]
    cells = [c for ln in data if not any(ln is a for a in across) for c in ln]
    per_col: dict[int, list[Char]] = {}
    for c in cells:
        per_col.setdefault(column_of(xs, centre_x(c)), []).append(c)
    col_lines = {k: chars_to_lines(v) for k, v in per_col.items()}
    pitch = _pitch(list(col_lines.values()), size)
    blocks = {k: _blocks(v, pitch) for k, v in col_lines.items()}
    a_mid = (xs[anchor] + xs[anchor + 1]) / 2
    crossing = sorted(r.y for r in rules if r.x0 <= a_mid <= r.x1 and top + 1 < r.y < bottom - 1)
    starts = sorted([(b[0], False) for b in blocks.get(anchor, [])] + [(line_top(ln), True) for ln in across])
    if not crossing:
        starts = sorted(starts + [(y, False) for y in _agreed_starts(blocks, anchor, [s for s, _a in starts],
                                                                     pitch, size)])
    tops = sorted(line_top(ln) for lines in col_lines.values() for ln in lines)
    cuts: list[tuple[float, bool, bool]] = []  # (y, across below, ruled)
    for j, (s, is_across) in enumerate(starts):
        prev = starts[j - 1][0] if j else top
        ruled = [y for y in crossing if prev + RULE_SLACK * size < y < s + RULE_SLACK * size]
        y = ruled[-1] if ruled else _level_top(s, tops, size) - 0.25 * size
        if j == 0 and not ruled and not any(line_top(ln) < s - 0.5 * size for ln in data):
            y = top  # else the text above the first row start is the rest of a row cut by the page break
        cuts.append((y, is_across, bool(ruled)))
    for y in crossing:  # a rule with no anchor text under it (a row whose anchor cell is empty)
        if not any(abs(y - c[0]) < 2 * RULE_SLACK * size for c in cuts):  # nor the second line of a double rule
            cuts.append((y, False, True))
    cuts.sort()
    if not cuts or cuts[0][0] > top + 1:
        cuts.insert(0, (top, False, True))
    bands = [Band(y, (cuts[i + 1][0] if i + 1 < len(cuts) else bottom), a, r) for i, (y, a, r) in enumerate(cuts)]
    return [b for b in bands if b.bottom - b.top > 1], blocks


def _level_top(start: float, tops: list[float], size: float) -> float:
    """The top of a row's first lines: the highest line top level with the anchor's (``LEVEL``)."""
    return min([start] + [t for t in tops if start - LEVEL * size <= t < start])


def _agreed_starts(blocks: dict[int, list[tuple[float, float]]], anchor: int, starts: list[float],
                   pitch: float, size: float) -> list[float]:
    """Row starts the anchor column lacks (a recogniser that dropped a lone 序号 digit): where the text
    blocks of ``AGREE`` or more other columns start level with each other, below the first row's start
    and more than a line pitch from every start there is."""
    firsts = sorted((b[0], k) for k, col in blocks.items() if k != anchor for b in col)
    out: list[float] = []
    i = 0
    while i < len(firsts):
        y = firsts[i][0]
        group = [k for t, k in firsts[i:] if t - y <= LEVEL * size]
        if starts and y > starts[0] + pitch and len(set(group)) >= AGREE and all(abs(y - s) > pitch for s in starts):
            out.append(y)
        i += len(group)
    return out


# ---------------------------------------------------------------- segments → grid → table


def h_segments(bands: list[Band], xs: list[float], rules: list[Rule],
                blocks: dict[int, list[tuple[float, float]]], merges: dict[int, set[int]]) -> list[Segment]:
    out: list[Segment] = []
    for i, band in enumerate(bands):
        y = band.top
        for k in range(len(xs) - 1):
            mid = (xs[k] + xs[k + 1]) / 2
            if i and band.ruled and not bands[i - 1].across and not band.across:
                keep = any(abs(r.y - y) <= 2 and r.x0 - 2 <= mid <= r.x1 + 2 for r in rules)
            elif i and not band.across and not bands[i - 1].across:
                keep = i not in merges.get(k, set()) and not any(t < y < b for t, b in blocks.get(k, []))
            else:
                keep = True
            if keep:
                out.append(Segment(xs[k], y, xs[k + 1], y))
    last = bands[-1].bottom
    out.append(Segment(xs[0], last, xs[-1], last))
    return out


def blank_merges(bands: list[Band], labels: list[tuple[float, float]], centred: bool) -> set[int]:
    """Bands whose cell in a column joins the band above (no ruling between), from the column's text
    blocks (``labels``, top and bottom): a blank cell belongs to the label above it, or, when labels
    are centred in their merged cell, to the label whose cell it centres on (the blank cells above a
    label first, then as many below as keep the label in the middle). A row across the table, or a
    printed rule, separates merged cells."""
    out: set[int] = set()
    runs: list[list[int]] = [[]]
    for i, band in enumerate(bands):
        if band.across or (band.ruled and i):
            runs.append([])
        if not band.across:
            runs[-1].append(i)
    for run in runs:
        cover = [[n for n, i in enumerate(run) if bands[i].top < b and bands[i].bottom > t] for t, b in labels]
        found = _one_label_per_cell([(c[0], c[-1], t, b) for c, (t, b) in zip(cover, labels, strict=True) if c])
        if not found:
            continue
        if not centred:
            covered = {n for c in cover for n in c}
            out |= {run[n] for n in range(found[0][0] + 1, len(run)) if n not in covered}
            continue
        start = 0
        for j, (_first, last, centre) in enumerate(found):
            nxt = found[j + 1][0] if j + 1 < len(found) else len(run)
            ends = range(last, max(nxt, last + 1))
            end = min(ends, key=lambda e: abs((bands[run[start]].top + bands[run[e]].bottom) / 2 - centre))
            if j + 1 == len(found):
                end = len(run) - 1  # blank cells after the last label go with it
            out |= {run[n] for n in range(start + 1, end + 1)}
            start = end + 1
    return out


def _one_label_per_cell(found: list[tuple[int, int, float, float]]) -> list[tuple[int, int, float]]:
    """(first band, last band, centre) per label; text blocks sharing a band are one label (two
    paragraphs of one cell)."""
    out: list[list[float]] = []
    for first, last, t, b in sorted(found):
        if out and first <= out[-1][1]:
            out[-1] = [out[-1][0], max(out[-1][1], last), min(out[-1][2], t), max(out[-1][3], b)]
        else:
            out.append([first, last, t, b])
    return [(int(f), int(la), (t + b) / 2) for f, la, t, b in out]


def is_centred(bands: list[Band], labels: list[tuple[float, float]], size: float) -> bool:
    """Labels are centred in their merged cells: some label does not start on its row's first line
    (a label printed at the top of its merged cell always does). A text block under another one in
    the same row is that cell's next paragraph, not a label of its own."""
    tops = [b.top for b in bands]
    row_of = [max(bisect_right(tops, t) - 1, 0) for t, _b in labels]
    return any(t - tops[r] > 1.0 * size for j, ((t, _b), r) in enumerate(zip(labels, row_of, strict=True))
               if j == 0 or row_of[j - 1] != r)


def v_segments(bands: list[Band], xs: list[float]) -> list[Segment]:
    out = [Segment(xs[0], bands[0].top, xs[0], bands[-1].bottom), Segment(xs[-1], bands[0].top, xs[-1], bands[-1].bottom)]
    runs: list[list[Band]] = [[]]
    for band in bands:  # one ruling per run of rows between rows across the table: it must touch the rest
        if band.across:
            runs.append([])
        else:
            runs[-1].append(band)
    for run in runs:
        if run:
            out += [Segment(x, run[0].top, x, run[-1].bottom) for x in xs[1:-1]]
    return out


def head_segments(xs: list[float], top: float, bottom: float, parents: list[Seg],
                   leaves: list[Seg]) -> list[Segment]:
    """The header band's rulings: an upper cell over its columns, the others across both rows."""
    out = [Segment(xs[0], top, xs[-1], top)]
    spans = []
    for p in parents:
        ks = [k for k, leaf in enumerate(leaves) if overlap(p, leaf)]
        if len(ks) >= 2:
            under = [leaves[k].top for k in ks]
            spans.append((ks[0], ks[-1] + 1, (p.bottom + min(under)) / 2))
    for k0, k1, mid in spans:
        out.append(Segment(xs[k0], mid, xs[k1], mid))
    for k, x in enumerate(xs):
        inner = next((mid for k0, k1, mid in spans if k0 < k < k1), None)
        out.append(Segment(x, inner if inner is not None else top, x, bottom))
    return out


def build(chars: list[Char], idx: list[int], segs: list[Segment], page: int) -> tuple[Table, set[int]] | None:
    grids = find_grids(segs)
    if not grids:
        return None
    grid = max(grids, key=lambda g: len(g.cells))
    sub = [chars[i] for i in idx]
    table, taken = fill_grid(grid, sub, page, soft_wraps=True, found_by="alignment")
    return table, {idx[i] for i in taken}
