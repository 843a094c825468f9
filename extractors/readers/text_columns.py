"""Text tables, the columns: a line's cells, the header's cells (an upper cell over two lower ones is
a parent) and the boundaries between columns, where the fewest data chars cover the x between two
header centres (the white river). Coordinates are points from the page top.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

from extractors.readers.geometry import Char
from extractors.readers.placed import join_chars

HEADER_GAP = 0.8  # × font size: a wider gap separates two header cells on a line
CELL_GAP = 0.4  # × font size: chars closer than this on a line belong to one cell


@dataclass(frozen=True)
class Seg:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


# ---------------------------------------------------------------- small geometry


def font_size(chars: list[Char]) -> float:
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


def seg_of(chars: list[Char]) -> Seg:
    return Seg(min(c.x0 for c in chars), max(c.x1 for c in chars), min(c.top for c in chars),
                max(c.bottom for c in chars), join_chars(chars))


def overlap(a: Seg, b: Seg) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def line_top(line: list[Char]) -> float:
    return min(c.top for c in line)


def line_bottom(line: list[Char]) -> float:
    return max(c.bottom for c in line)


def column_of(xs: list[float], x: float) -> int:
    return min(max(bisect_right(xs, x) - 1, 0), len(xs) - 2)


def centre_x(c: Char) -> float:
    return (c.x0 + c.x1) / 2


def crosses(line: list[Char], xs: list[float]) -> bool:
    """The line is one run of touching glyphs over a column boundary (a label across the table);
    a line of several cells is a data line even when one cell's text overflows its column."""
    segs = split_segments(line, CELL_GAP)
    return len(segs) == 1 and len({column_of(xs, centre_x(c)) for c in segs[0]}) > 1


# ---------------------------------------------------------------- header


def cover(chars: list[Char], x: float) -> int:
    return sum(1 for c in chars if c.x0 <= x <= c.x1)


def _steps(x0: float, x1: float, step: float = 1.0) -> list[float]:
    return [x0 + i * step for i in range(int((x1 - x0) / step) + 1)]


def _flanks(a: Seg, segs: list[Seg], data: list[Char]) -> tuple[Seg, Seg] | None:
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
    river = min(cover(data, x) for x in _steps(a.x0, a.x1))
    if between or 4 * river > min(cover(data, lc), cover(data, rc)):
        return None
    return left, right


def header_cells(segs: list[Seg], data: list[Char]) -> tuple[list[Seg], list[Seg]]:
    """(leaf cells left to right, parent cells widened over their two lower cells): a parent stands
    above two neighbouring cells; the other segments that overlap in x are one cell wrapped over lines."""
    parents: list[Seg] = []
    kept: list[Seg] = []
    for s in segs:
        pair = _flanks(s, segs, data)
        if pair is None:
            kept.append(s)
        else:
            parents.append(Seg(min(pair[0].x0, s.x0), max(pair[1].x1, s.x1), s.top, s.bottom, s.text))
    rest = sorted(kept, key=lambda s: s.x0)
    groups: list[list[Seg]] = []
    for s in rest:
        if groups and any(overlap(s, o) for o in groups[-1]):
            groups[-1].append(s)
        else:
            groups.append([s])
    leaves = []
    for g in groups:
        g.sort(key=lambda s: s.top)
        leaves.append(Seg(min(s.x0 for s in g), max(s.x1 for s in g), g[0].top, max(s.bottom for s in g),
                           "\n".join(s.text for s in g)))
    return leaves, parents


def column_bounds(leaves: list[Seg], chars: list[Char], left: float, right: float,
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
