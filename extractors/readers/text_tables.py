"""Tables drawn with few or no rulings (horizontal rules only, or none), read from text alignment.

Chars no ruled table took, plus the page's horizontal rules →
- a line whose cells name known columns (the caller's ``is_header``) anchors a table; its
  header band reaches to the rules just above and below it (or its neighbouring header lines);
- columns are the header's cells (an upper cell over two lower ones is a parent); each boundary
  lies where the fewest data chars cover the x between two header centres (the white river);
- rows start at the text blocks of the anchor column (序号, else the content) and at lines whose
  text runs across a column boundary (a group label across the table); a rule crossing the anchor
  column is a row boundary, and where a rule is missing over a column that column's cell spans;
  without rules, a text block straddling a row boundary is a merged cell;
- all of it becomes ruling segments (real rules plus virtual ones), read by the same grid and
  cell filling as drawn tables (``grid.find_grids``, ``placed.fill_grid``).
A page whose top continues the previous page's table (same columns, no header) is read with the
carried column boundaries. Coordinates are points from the page top.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

from extractors.readers.furniture import is_page_number
from extractors.readers.geometry import Char, chars_to_lines
from extractors.readers.grid import Segment, find_grids
from extractors.readers.placed import fill_grid, join_chars
from extractors.readers.rulings import Rule
from schemas import Table

HEADER_GAP = 0.8  # × font size: a wider gap separates two header cells on a line
CELL_GAP = 0.4  # × font size: chars closer than this on a line belong to one cell
BLOCK_PITCH = 1.25  # × line pitch: lines of one column closer than this (top to top) are one cell
MAX_ROW_GAP = 3.0  # × line pitch: a wider vertical gap ends a table without a bottom rule
FULL_WIDTH = 0.8  # a rule this share of the table's width (or more) is a table rule
BOTTOM_SHARE = 0.08  # page numbers sit in this share of the page at its bottom


@dataclass(frozen=True)
class Columns:
    xs: list[float]  # boundaries, left edge first, right edge last
    anchor: int  # the column whose text blocks start rows
    merging: tuple[bool, ...] = ()  # per column: a blank cell belongs to the merged cell of a label
    centred: tuple[bool, ...] = ()  # per column: merged cells print their label centred, not on top


@dataclass(frozen=True)
class TextTable:
    table: Table
    taken: set[int]  # indexes into the chars given
    columns: Columns


@dataclass(frozen=True)
class _Seg:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


HeaderTest = Callable[[list[str]], bool]
RoleOf = Callable[[str], str | None]
NameTest = Callable[[str], bool]
MergeTest = Callable[[list[str]], list[bool]]


# ---------------------------------------------------------------- small geometry


def _size(chars: list[Char]) -> float:
    sizes = [c.size or (c.bottom - c.top) for c in chars if not c.text.isspace()]
    return median(sizes) if sizes else 10.0


def split_segments(line: list[Char], gap: float) -> list[list[Char]]:
    """A line's chars cut where the gap between two glyphs exceeds ``gap`` × font size."""
    out: list[list[Char]] = []
    for c in line:
        if c.text.isspace():
            continue
        if out and c.x0 - out[-1][-1].x1 <= gap * max(c.size or (c.bottom - c.top), 1.0):
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _seg(chars: list[Char]) -> _Seg:
    return _Seg(min(c.x0 for c in chars), max(c.x1 for c in chars), min(c.top for c in chars),
                max(c.bottom for c in chars), join_chars(chars))


def _overlap(a: _Seg, b: _Seg) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _top(line: list[Char]) -> float:
    return min(c.top for c in line)


def _bottom(line: list[Char]) -> float:
    return max(c.bottom for c in line)


def column_of(xs: list[float], x: float) -> int:
    return min(max(bisect_right(xs, x) - 1, 0), len(xs) - 2)


def _cx(c: Char) -> float:
    return (c.x0 + c.x1) / 2


# ---------------------------------------------------------------- header


def _cover(chars: list[Char], x: float) -> int:
    return sum(1 for c in chars if c.x0 <= x <= c.x1)


def _steps(x0: float, x1: float, step: float = 1.0) -> list[float]:
    return [x0 + i * step for i in range(int((x1 - x0) / step) + 1)]


def _flanks(a: _Seg, segs: list[_Seg], data: list[Char]) -> tuple[_Seg, _Seg] | None:
    """Two cells below ``a``, neighbours left and right of its centre with nothing between them,
    while the data under ``a``'s centre is the white river between two columns: ``a`` is their
    upper (parent) cell."""
    cx = (a.x0 + a.x1) / 2
    under = [b for b in segs if b is not a and b.top >= a.bottom - 0.2 * (a.bottom - a.top)]
    if any(b.x0 < cx < b.x1 for b in under):
        return None
    left = max((b for b in under if b.x1 <= cx), key=lambda b: b.x1, default=None)
    right = min((b for b in under if b.x0 >= cx), key=lambda b: b.x0, default=None)
    if left is None or right is None:
        return None
    lc, rc = (left.x0 + left.x1) / 2, (right.x0 + right.x1) / 2
    between = [b for b in segs if b is not a and lc < (b.x0 + b.x1) / 2 < rc]
    river = min(_cover(data, x) for x in _steps(a.x0, a.x1))
    if between or 4 * river > min(_cover(data, lc), _cover(data, rc)):
        return None
    return left, right


def header_cells(segs: list[_Seg], data: list[Char]) -> tuple[list[_Seg], list[_Seg]]:
    """(leaf cells left to right, parent cells widened over their two lower cells): a parent stands
    above two neighbouring cells; the other segments that overlap in x are one cell wrapped over lines."""
    parents: list[_Seg] = []
    kept: list[_Seg] = []
    for s in segs:
        pair = _flanks(s, segs, data)
        if pair is None:
            kept.append(s)
        else:
            parents.append(_Seg(min(pair[0].x0, s.x0), max(pair[1].x1, s.x1), s.top, s.bottom, s.text))
    rest = sorted(kept, key=lambda s: s.x0)
    groups: list[list[_Seg]] = []
    for s in rest:
        if groups and any(_overlap(s, o) for o in groups[-1]):
            groups[-1].append(s)
        else:
            groups.append([s])
    leaves = []
    for g in groups:
        g.sort(key=lambda s: s.top)
        leaves.append(_Seg(min(s.x0 for s in g), max(s.x1 for s in g), g[0].top, max(s.bottom for s in g),
                           "\n".join(s.text for s in g)))
    return leaves, parents


def column_bounds(leaves: list[_Seg], chars: list[Char], left: float, right: float,
                  step: float = 0.5) -> list[float]:
    """Boundaries between the header's columns: in the x between two header centres, the longest run
    least covered by data chars (the white river), 2 pt before its right end — where the next column's
    left-aligned text begins, the same on every page (its middle moves with the texts)."""
    n = int((right - left) / step) + 2
    cover = [0] * (n + 1)
    for c in chars:
        a, b = int((c.x0 - left) / step), int((c.x1 - left) / step)
        if b < 0 or a > n:
            continue
        cover[max(a, 0)] += 1
        cover[min(b, n)] -= 1
    acc, run = 0, []
    for v in cover:
        acc += v
        run.append(acc)
    xs = [left]
    for here, there in zip(leaves, leaves[1:], strict=False):
        i0 = int(((here.x0 + here.x1) / 2 - left) / step)
        i1 = int(((there.x0 + there.x1) / 2 - left) / step)
        xs.append(left + step * _least_run(run, max(i0, 0), min(max(i1, i0 + 1), n)))
    xs.append(right)
    return xs


def _least_run(cover: list[int], i0: int, i1: int) -> float:
    low = min(cover[i0:i1])
    best, best_len, start = (i0 + i1) / 2, -1, None
    for i in range(i0, i1 + 1):
        if i < i1 and cover[i] == low:
            start = i if start is None else start
            continue
        if start is not None and i - start > best_len:
            best, best_len = i - min((i - start) / 2, 4), i - start
        start = None
    return best


# ---------------------------------------------------------------- the table's region


def _rules_near(rules: list[Rule], y0: float, y1: float, left: float, right: float) -> list[Rule]:
    width = max(right - left, 1.0)
    return sorted((r for r in rules if y0 <= r.y <= y1 and min(r.x1, right) - max(r.x0, left) >= FULL_WIDTH * width),
                  key=lambda r: r.y)


def _header_band(lines: list[list[Char]], i: int, rules: list[Rule], size: float, left: float, right: float,
                 is_header: HeaderTest) -> tuple[float, float, list[int]]:
    """(top, bottom, indexes of its lines) of the header whose anchor line is ``lines[i]``."""
    a_top, a_bottom = _top(lines[i]), _bottom(lines[i])
    above = _rules_near(rules, a_top - 3 * size, a_top, left, right)
    below = _rules_near(rules, a_bottom, a_bottom + 4 * size, left, right)
    top = above[-1].y if above else a_top - 0.3 * size
    if below:
        bottom = below[0].y
        idx = [j for j, ln in enumerate(lines) if top <= (_top(ln) + _bottom(ln)) / 2 <= bottom]
        return top, bottom, idx
    idx = [i]
    while idx[-1] + 1 < len(lines):
        nxt = lines[idx[-1] + 1]
        texts = [join_chars(s) for s in split_segments(nxt, HEADER_GAP)]
        gap = _top(nxt) - _bottom(lines[idx[-1]])
        wrapped = gap <= 0.6 * size and not any(len(t) > 6 or t.isdigit() for t in texts)
        if not (wrapped or (gap <= 1.5 * size and is_header(texts))):
            break
        idx.append(idx[-1] + 1)
    return top, _bottom(lines[idx[-1]]) + 0.3 * size, idx


def _crosses(line: list[Char], xs: list[float]) -> bool:
    """The line is one run of touching glyphs over a column boundary (a label across the table);
    a line of several cells is a data line even when one cell's text overflows its column."""
    segs = split_segments(line, CELL_GAP)
    return len(segs) == 1 and len({column_of(xs, _cx(c)) for c in segs[0]}) > 1


def _region_lines(lines: list[list[Char]], start: int, bottom_rule: Rule | None, xs: list[float],
                  size: float, page_height: float | None) -> list[int]:
    """Indexes of the data lines from ``start`` down to the end of the table."""
    out: list[int] = []
    left, right = xs[0] - size, xs[-1] + size
    pitch_guess = 1.35 * size
    last_bottom: float | None = None
    for j in range(start, len(lines)):
        ln = lines[j]
        text = join_chars(ln)
        if bottom_rule is not None and _top(ln) > bottom_rule.y:
            break
        if page_height and _top(ln) > (1 - BOTTOM_SHARE) * page_height and is_page_number(text):
            continue
        if bottom_rule is None and last_bottom is not None and _top(ln) - last_bottom > MAX_ROW_GAP * pitch_guess:
            break
        if min(c.x0 for c in ln) < left or max(c.x1 for c in ln) > right:
            break
        out.append(j)
        last_bottom = _bottom(ln)
    return out


# ---------------------------------------------------------------- rows


def _pitch(col_lines: list[list[list[Char]]], size: float) -> float:
    """The line pitch inside a cell: the lower quartile of the short line-to-line steps (steps between
    rows are longer; a table of one-line cells has none, then 1.35 × the font size)."""
    steps = [_top(b) - _top(a) for lines in col_lines for a, b in zip(lines, lines[1:], strict=False)]
    steps = sorted(s for s in steps if 0.8 * size <= s <= 1.6 * size)
    return steps[len(steps) // 4] if steps else 1.35 * size


def _blocks(lines: list[list[Char]], pitch: float) -> list[tuple[float, float]]:
    """(top, bottom) of each run of lines closer than ``BLOCK_PITCH`` × pitch, top to top."""
    out: list[tuple[float, float]] = []
    prev_top: float | None = None
    for ln in lines:
        t, b = _top(ln), _bottom(ln)
        if out and prev_top is not None and t - prev_top <= BLOCK_PITCH * pitch:
            out[-1] = (out[-1][0], b)
        else:
            out.append((t, b))
        prev_top = t
    return out


@dataclass(frozen=True)
class _Band:
    top: float
    bottom: float
    across: bool  # a row across the table (group label): no inner column boundaries
    ruled: bool  # its top boundary is a printed rule


def _row_bands(data: list[list[Char]], xs: list[float], anchor: int, rules: list[Rule], top: float,
               bottom: float, size: float) -> tuple[list[_Band], dict[int, list[tuple[float, float]]]]:
    """The data rows between ``top`` and ``bottom`` and each column's text blocks."""
    across = [ln for ln in data if _crosses(ln, xs)]
    cells = [c for ln in data if not any(ln is a for a in across) for c in ln]
    per_col: dict[int, list[Char]] = {}
    for c in cells:
        per_col.setdefault(column_of(xs, _cx(c)), []).append(c)
    col_lines = {k: chars_to_lines(v) for k, v in per_col.items()}
    pitch = _pitch(list(col_lines.values()), size)
    blocks = {k: _blocks(v, pitch) for k, v in col_lines.items()}
    a_mid = (xs[anchor] + xs[anchor + 1]) / 2
    crossing = sorted(r.y for r in rules if r.x0 <= a_mid <= r.x1 and top + 1 < r.y < bottom - 1)
    starts = sorted([(b[0], False) for b in blocks.get(anchor, [])] + [(_top(ln), True) for ln in across])
    cuts: list[tuple[float, bool, bool]] = []  # (y, across below, ruled)
    for j, (s, is_across) in enumerate(starts):
        prev = starts[j - 1][0] if j else top
        ruled = [y for y in crossing if prev < y < s]
        y = ruled[-1] if ruled else s - 0.25 * size
        if j == 0 and not ruled and not any(_top(ln) < s - 0.5 * size for ln in data):
            y = top  # else the text above the first row start is the rest of a row cut by the page break
        cuts.append((y, is_across, bool(ruled)))
    for y in crossing:  # a rule with no anchor text under it (a row whose anchor cell is empty)
        if not any(abs(y - c[0]) < 1 for c in cuts):
            cuts.append((y, False, True))
    cuts.sort()
    if not cuts or cuts[0][0] > top + 1:
        cuts.insert(0, (top, False, True))
    bands = [_Band(y, (cuts[i + 1][0] if i + 1 < len(cuts) else bottom), a, r) for i, (y, a, r) in enumerate(cuts)]
    return [b for b in bands if b.bottom - b.top > 1], blocks


# ---------------------------------------------------------------- segments → grid → table


def _h_segments(bands: list[_Band], xs: list[float], rules: list[Rule],
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


def blank_merges(bands: list[_Band], labels: list[tuple[float, float]], centred: bool) -> set[int]:
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


def _centred(bands: list[_Band], labels: list[tuple[float, float]], size: float) -> bool:
    """Labels are centred in their merged cells: some label does not start on its row's first line
    (a label printed at the top of its merged cell always does)."""
    tops = [b.top for b in bands]
    return any(t - tops[max(bisect_right(tops, t) - 1, 0)] > 1.0 * size for t, _b in labels)


def _v_segments(bands: list[_Band], xs: list[float]) -> list[Segment]:
    out = [Segment(xs[0], bands[0].top, xs[0], bands[-1].bottom), Segment(xs[-1], bands[0].top, xs[-1], bands[-1].bottom)]
    runs: list[list[_Band]] = [[]]
    for band in bands:  # one ruling per run of rows between rows across the table: it must touch the rest
        if band.across:
            runs.append([])
        else:
            runs[-1].append(band)
    for run in runs:
        if run:
            out += [Segment(x, run[0].top, x, run[-1].bottom) for x in xs[1:-1]]
    return out


def _head_segments(xs: list[float], top: float, bottom: float, parents: list[_Seg],
                   leaves: list[_Seg]) -> list[Segment]:
    """The header band's rulings: an upper cell over its columns, the others across both rows."""
    out = [Segment(xs[0], top, xs[-1], top)]
    spans = []
    for p in parents:
        ks = [k for k, leaf in enumerate(leaves) if _overlap(p, leaf)]
        if len(ks) >= 2:
            under = [leaves[k].top for k in ks]
            spans.append((ks[0], ks[-1] + 1, (p.bottom + min(under)) / 2))
    for k0, k1, mid in spans:
        out.append(Segment(xs[k0], mid, xs[k1], mid))
    for k, x in enumerate(xs):
        inner = next((mid for k0, k1, mid in spans if k0 < k < k1), None)
        out.append(Segment(x, inner if inner is not None else top, x, bottom))
    return out


def _build(chars: list[Char], idx: list[int], segs: list[Segment], page: int) -> tuple[Table, set[int]] | None:
    grids = find_grids(segs)
    if not grids:
        return None
    grid = max(grids, key=lambda g: len(g.cells))
    sub = [chars[i] for i in idx]
    table, taken = fill_grid(grid, sub, page, soft_wraps=True)
    return table, {idx[i] for i in taken}


# ---------------------------------------------------------------- page entry


def find_text_tables(chars: list[Char], rules: list[Rule], page: int, is_header: HeaderTest, role_of: RoleOf,
                     carry: Columns | None = None, page_height: float | None = None,
                     merging: MergeTest | None = None, is_mark: NameTest | None = None) -> list[TextTable]:
    """Tables on one page read from alignment (see the module text). ``carry``: the columns of the
    previous page's table, for a continuation at the top of this page without a header;
    ``merging(headers)``: per column, whether a blank cell belongs to a merged cell; ``is_mark(line)``:
    a line above a continuation that is not table text (续表)."""
    live = [i for i, c in enumerate(chars) if not c.text.isspace()]
    lines_idx = _lines_with_index(chars, live)
    lines = [[chars[i] for i in ln] for ln in lines_idx]
    out: list[TextTable] = []
    j = 0
    first_anchor = next((i for i, ln in enumerate(lines) if _is_anchor(ln, is_header)), None)
    stop = len(lines) if first_anchor is None else _header_start(lines, first_anchor, rules, is_header)
    if carry is not None and stop > 0:
        found = _continuation(chars, lines, lines_idx, rules, page, carry, page_height, stop=stop,
                              is_mark=is_mark or (lambda _text: False))
        if found is not None:
            out.append(found[0])
            j = found[1]
    while j < len(lines):
        if not _is_anchor(lines[j], is_header):
            j += 1
            continue
        found = _headed(chars, lines, lines_idx, j, rules, page, is_header, role_of, page_height,
                        merging or (lambda names: [False] * len(names)), carry if not out else None)
        if found is None:
            j += 1
            continue
        out.append(found[0])
        j = found[1]
    return out


def _lines_with_index(chars: list[Char], live: list[int]) -> list[list[int]]:
    pos = {id(chars[i]): i for i in live}
    return [[pos[id(c)] for c in ln] for ln in chars_to_lines([chars[i] for i in live])]


def _is_anchor(line: list[Char], is_header: HeaderTest) -> bool:
    segs = split_segments(line, HEADER_GAP)
    return len(segs) >= 2 and is_header([join_chars(s) for s in segs])


def _extent(line: list[Char], rules: list[Rule]) -> tuple[float, float, float, list[Rule]]:
    """(font size, left, right, the rules as wide as the line) of a header's anchor line."""
    size = _size(line)
    line_left, line_right = min(c.x0 for c in line), max(c.x1 for c in line)
    wide = [r for r in rules if r.x0 <= line_left + size and r.x1 >= line_right - size]
    left = min([r.x0 for r in wide] + [line_left - 0.5 * size])
    right = max([r.x1 for r in wide] + [line_right + 0.5 * size])
    return size, left, right, wide


def _header_start(lines: list[list[Char]], i: int, rules: list[Rule], is_header: HeaderTest) -> int:
    """The first line of the header band whose anchor line is ``lines[i]`` (a header's upper line
    with fewer cells, 序 over 号, is no table text of the page above)."""
    size, left, right, _wide = _extent(lines[i], rules)
    return min(_header_band(lines, i, rules, size, left, right, is_header)[2])


def _headed(chars: list[Char], lines: list[list[Char]], lines_idx: list[list[int]], i: int, rules: list[Rule],
            page: int, is_header: HeaderTest, role_of: RoleOf, page_height: float | None,
            merging: MergeTest, carry: Columns | None = None) -> tuple[TextTable, int] | None:
    size, left, right, wide = _extent(lines[i], rules)
    h_top, h_bottom, head_idx = _header_band(lines, i, rules, size, left, right, is_header)
    later = [j for j in range(max(head_idx) + 1, len(lines)) if _is_anchor(lines[j], is_header)]
    limit = later[0] if later else len(lines)
    below = [r for r in _rules_near(rules, h_bottom + 1, 1e9, left, right)
             if not later or r.y < _top(lines[limit])]
    bottom_rule = below[-1] if below else None
    data_chars = [c for j in range(max(head_idx) + 1, limit) for c in lines[j]
                  if bottom_rule is None or c.top < bottom_rule.y]
    segs = [_seg(s) for j in head_idx for s in split_segments(lines[j], HEADER_GAP)]
    leaves, parents = header_cells(segs, data_chars)
    if len(leaves) < 2:
        return None
    if not wide:  # no rule gives the table's width: its text does
        left = min([left] + [c.x0 - 1 for c in data_chars if c.x0 > left - 2 * size])
        right = max([right] + [c.x1 + 1 for c in data_chars if c.x1 < right + 2 * size])
    xs = column_bounds(leaves, data_chars, left, right)
    if carry is not None and len(carry.xs) == len(xs) and abs(carry.xs[0] - xs[0]) < size \
            and abs(carry.xs[-1] - xs[-1]) < size:  # the previous page's table with its header repeated
        xs = _recentre(carry.xs, data_chars)
    region = [j for j in _region_lines(lines[:limit], max(head_idx) + 1, bottom_rule, xs, size, page_height)]
    if not region:
        return None
    roles = [role_of(leaf.text.replace("\n", "")) for leaf in leaves]
    anchor = roles.index("seq") if "seq" in roles else next(
        (k for k, r in enumerate(roles) if r in ("content", "name")), 0)
    bottom = bottom_rule.y if bottom_rule is not None else max(_bottom(lines[j]) for j in region) + 0.3 * size
    data = [lines[j] for j in region]
    bands, blocks = _row_bands(data, xs, anchor, rules, h_bottom, bottom, size)
    if not bands:
        return None
    merge = tuple(merging([leaf.text.replace("\n", "") for leaf in leaves]))
    centred = tuple(m and _centred(bands, blocks.get(k, []), size) for k, m in enumerate(merge))
    columns = Columns(xs, anchor, merge, centred)
    segs_out = _head_segments(xs, h_top, h_bottom, parents, leaves) \
        + _h_segments(bands, xs, rules, blocks, _merges(bands, blocks, columns)) + _v_segments(bands, xs)
    idx = [k for j in [*head_idx, *region] for k in lines_idx[j]]
    built = _build(chars, idx, segs_out, page)
    if built is None:
        return None
    return TextTable(built[0], built[1], columns), max(region) + 1


def _merges(bands: list[_Band], blocks: dict[int, list[tuple[float, float]]],
            columns: Columns) -> dict[int, set[int]]:
    return {k: blank_merges(bands, blocks.get(k, []), k < len(columns.centred) and columns.centred[k])
            for k, m in enumerate(columns.merging) if m}


def _recentre(xs: list[float], chars: list[Char]) -> list[float]:
    """Carried column boundaries kept where this page's text leaves them white, else moved to this
    page's white river (a cell's text may reach further here; a blank column gives no river to trust)."""
    centres = [_Seg(a, b, 0.0, 0.0, "") for a, b in zip(xs, xs[1:], strict=False)]
    inside = [c for c in chars if xs[0] <= _cx(c) <= xs[-1]]
    moved = column_bounds(centres, inside, xs[0], xs[-1])
    return [x if 0 < k < len(xs) - 1 and _cover(inside, x) == 0 else moved[k] for k, x in enumerate(xs)]


def _rest_of_row(line: list[Char], below: list[Char], xs: list[float], size: float, is_mark: NameTest) -> bool:
    inside = xs[0] - size <= min(c.x0 for c in line) and max(c.x1 for c in line) <= xs[-1] + size
    return inside and not _crosses(line, xs) and _top(below) - _bottom(line) <= 1.6 * size \
        and not is_mark(join_chars(line))


def _aligned(line: list[Char], xs: list[float], size: float) -> bool:
    inside = xs[0] - size <= min(c.x0 for c in line) and max(c.x1 for c in line) <= xs[-1] + size
    return inside and not _crosses(line, xs) and len({column_of(xs, _cx(c)) for c in line}) >= 2


def _continuation(chars: list[Char], lines: list[list[Char]], lines_idx: list[list[int]], rules: list[Rule],
                  page: int, carry: Columns, page_height: float | None, stop: int,
                  is_mark: NameTest) -> tuple[TextTable, int] | None:
    """The rows at the top of a page that go on with the previous page's table (no header)."""
    xs = _recentre(carry.xs, [c for ln in lines[:stop] for c in ln])
    first = next((j for j in range(stop) if _aligned(lines[j], xs, _size(lines[j]))), None)
    if first is None:
        return None
    size = _size(lines[first])
    while first > 0 and _rest_of_row(lines[first - 1], lines[first], xs, size, is_mark):
        first -= 1  # the rest of a row cut by the page break: text in one column right above
    above = _rules_near(rules, 0, _top(lines[first]), xs[0], xs[-1])
    top = above[-1].y if above else _top(lines[first]) - 0.3 * size
    start = next((j for j in range(first + 1) if _top(lines[j]) >= top), first)
    below = [r for r in _rules_near(rules, _top(lines[first]), 1e9, xs[0], xs[-1])
             if stop >= len(lines) or r.y < _top(lines[stop])]
    bottom_rule = below[-1] if below else None
    region = _region_lines(lines[:stop], start, bottom_rule, xs, size, page_height)
    if not region:
        return None
    bottom = bottom_rule.y if bottom_rule is not None else max(_bottom(lines[j]) for j in region) + 0.3 * size
    data = [lines[j] for j in region]
    bands, blocks = _row_bands(data, xs, carry.anchor, rules, top, bottom, size)
    if not bands:
        return None
    columns = Columns(xs, carry.anchor, carry.merging, carry.centred)
    segs = _h_segments(bands, xs, rules, blocks, _merges(bands, blocks, columns)) \
        + _v_segments(bands, xs)
    segs[0:0] = [Segment(xs[0], top, xs[-1], top)]
    built = _build(chars, [k for j in region for k in lines_idx[j]], segs, page)
    if built is None:
        return None
    return TextTable(built[0], built[1], columns), max(region) + 1
