"""Table grids from ruling segments (OFD path objects, lines found on scans).

segments → snapped horizontal/vertical rulings → groups of touching rulings (one table
each) → grid edges → slots merged where no ruling separates them → cells with spans.
Coordinates are points, origin top-left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extractors.readers.geometry import cluster_positions
from schemas import BBox

Slot = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Segment:
    """An axis-aligned ruling: horizontal when y0 == y1, vertical when x0 == x1 (after snapping)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


@dataclass(frozen=True)
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> BBox:
        return BBox(x0=self.xs[0], top=self.ys[0], x1=self.xs[-1], bottom=self.ys[-1])


def normalise(seg: Segment) -> Segment:
    """Make a near-axis-aligned segment exactly axis-aligned, ends ordered."""
    if seg.horizontal:
        y = (seg.y0 + seg.y1) / 2
        return Segment(min(seg.x0, seg.x1), y, max(seg.x0, seg.x1), y)
    x = (seg.x0 + seg.x1) / 2
    return Segment(x, min(seg.y0, seg.y1), x, max(seg.y0, seg.y1))


def find_grids(segments: list[Segment], tol: float = 3.0, min_len: float = 6.0) -> list[Grid]:
    """All tables drawn by ``segments``; a table needs at least 2 rows or 2 columns of slots."""
    segs = [s for s in map(normalise, segments) if max(s.x1 - s.x0, s.y1 - s.y0) >= min_len]
    grids = [_grid(group, tol) for group in _touching_groups(segs, tol)]
    return sorted((g for g in grids if g is not None), key=lambda g: (g.ys[0], g.xs[0]))


def _touches(a: Segment, b: Segment, tol: float) -> bool:
    return (a.x0 - tol <= b.x1 and b.x0 - tol <= a.x1) and (a.y0 - tol <= b.y1 and b.y0 - tol <= a.y1)


def _touching_groups(segs: list[Segment], tol: float) -> list[list[Segment]]:
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(segs):
        for j in range(i + 1, len(segs)):
            if a.horizontal != segs[j].horizontal and _touches(a, segs[j], tol):
                parent[find(i)] = find(j)
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(segs):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _grid(group: list[Segment], tol: float) -> Grid | None:
    hs = [s for s in group if s.horizontal]
    vs = [s for s in group if not s.horizontal]
    if len(hs) < 2 or len(vs) < 2:
        return None
    xs = cluster_positions([s.x0 for s in vs], tol)
    ys = cluster_positions([s.y0 for s in hs], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells = _merge_slots(xs, ys, hs, vs, tol)
    if len(cells) < 2:
        return None
    return Grid(xs=xs, ys=ys, cells=cells)


def _covered(segs: list[Segment], pos: float, at: float, horizontal: bool, tol: float) -> bool:
    """Is there a ruling at ``pos`` (y for horizontal, x for vertical) spanning the point ``at``?"""
    for s in segs:
        if horizontal and abs(s.y0 - pos) <= tol and s.x0 - tol <= at <= s.x1 + tol:
            return True
        if not horizontal and abs(s.x0 - pos) <= tol and s.y0 - tol <= at <= s.y1 + tol:
            return True
    return False


def _merge_slots(xs: list[float], ys: list[float], hs: list[Segment], vs: list[Segment],
                 tol: float) -> list[GridCell]:
    """Union grid slots not separated by a ruling; each union's bounding rectangle is a cell."""
    n_r, n_c = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(n_r) for c in range(n_c)}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(n_r):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(n_c):
            mid_x = (xs[c] + xs[c + 1]) / 2
            if c + 1 < n_c and not _covered(vs, xs[c + 1], mid_y, False, tol):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < n_r and not _covered(hs, ys[r + 1], mid_x, True, tol):
                parent[find((r + 1, c))] = find((r, c))
    return _cells_of(parent, find, xs, ys)


def _cells_of(parent: dict[Slot, Slot], find: Callable[[Slot], Slot], xs: list[float],
              ys: list[float]) -> list[GridCell]:
    groups: dict[Slot, list[Slot]] = {}
    for k in parent:
        groups.setdefault(find(k), []).append(k)
    cells = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots) + 1
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots) + 1
        cells.append(GridCell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0,
                              bbox=BBox(x0=xs[c0], top=ys[r0], x1=xs[c1], bottom=ys[r1])))
    return sorted(cells, key=lambda g: (g.row, g.col))
