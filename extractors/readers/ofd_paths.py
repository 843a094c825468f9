"""OFD geometry helpers: CTM matrices and the straight segments of AbbreviatedData paths."""

from __future__ import annotations

import math
from dataclasses import dataclass

from extractors.readers.grid import Segment


@dataclass(frozen=True)
class Matrix:
    """OFD CTM ``a b c d e f``: (x, y) → (a·x + c·y + e, b·x + d·y + f)."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    @property
    def scale(self) -> float:
        """Vertical scale factor (font sizes are scaled by it)."""
        return math.hypot(self.c, self.d) or 1.0


def parse_ctm(text: str | None) -> Matrix:
    try:
        vals = [float(v) for v in (text or "").split()]
    except ValueError:
        return Matrix()
    return Matrix(*vals) if len(vals) == 6 else Matrix()


def path_segments(data: str, ctm: Matrix, axis_tol: float = 0.2) -> list[Segment]:
    """Axis-aligned straight segments of a path (M/L/C close; curves are skipped).

    Thin filled rectangles drawn as borders come out as their long edges, which is what a
    ruling is; other segments are dropped (diagonals are never table rulings)."""
    tokens = data.replace(",", " ").split()
    out: list[Segment] = []
    start = cur = (0.0, 0.0)
    i = 0
    while i < len(tokens):
        op = tokens[i]
        args, i = _numbers(tokens, i + 1)
        if op == "M" and len(args) >= 2:
            start = cur = (args[0], args[1])
        elif op == "L" and len(args) >= 2:
            nxt = (args[0], args[1])
            out.append(_segment(cur, nxt, ctm))
            cur = nxt
        elif op in ("C", "Z", "z"):
            out.append(_segment(cur, start, ctm))
            cur = start
        elif len(args) >= 2:  # B, Q, A: move the pen to the end point without a ruling
            cur = (args[-2], args[-1])
    return [s for s in out if _axis_aligned(s, axis_tol) and (s.x0, s.y0) != (s.x1, s.y1)]


def _numbers(tokens: list[str], i: int) -> tuple[list[float], int]:
    args: list[float] = []
    while i < len(tokens):
        try:
            args.append(float(tokens[i]))
        except ValueError:
            break
        i += 1
    return args, i


def _segment(p: tuple[float, float], q: tuple[float, float], ctm: Matrix) -> Segment:
    (x0, y0), (x1, y1) = ctm.apply(*p), ctm.apply(*q)
    return Segment(x0, y0, x1, y1)


def _axis_aligned(s: Segment, tol: float) -> bool:
    return abs(s.x1 - s.x0) <= tol or abs(s.y1 - s.y0) <= tol
