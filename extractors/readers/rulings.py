"""Ruling lines of PDF tables: which graphics are visible, and rows left open at a page break.

Invisible rulings (white lines or white-filled boxes, used by some producers as spacers)
must not split a cell's wrapped lines into rows (pdfplumber #488), so they are dropped
before table finding. A row cut by a page break is often drawn without its closing (or
opening) ruling while the column rulings run on: that band is returned as extra cell boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.readers.geometry import Char

WHITE = 0.95  # a colour component at least this light counts as white (at most 1 - this for CMYK)


@dataclass(frozen=True, slots=True)
class Segment:
    """A vertical ruling: x and its vertical extent (top < bottom, points from the page top)."""

    x: float
    top: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal rule: its extent and height (points from the page top)."""

    x0: float
    x1: float
    y: float


def is_white(color: Any) -> bool:
    """Gray (g), RGB (r, g, b) or CMYK (c, m, y, k) colour that prints as white; unknown → not white."""
    if not isinstance(color, list | tuple) or not color:
        return False
    if not all(isinstance(v, int | float) for v in color):
        return False
    if len(color) == 4:
        return all(v <= 1 - WHITE for v in color)
    return all(v >= WHITE for v in color)


def is_visible_graphic(obj: dict[str, Any]) -> bool:
    """Keep everything but lines, rects and curves that print nothing (white or neither stroked nor filled)."""
    kind = obj.get("object_type")
    if kind not in ("line", "rect", "curve"):
        return True
    stroked = bool(obj.get("stroke", kind == "line")) and not is_white(obj.get("stroking_color"))
    filled = bool(obj.get("fill", False)) and not is_white(obj.get("non_stroking_color"))
    return stroked or (filled and kind == "rect")


def vertical_segments(edges: list[dict[str, Any]]) -> list[Segment]:
    return [Segment(float(e["x0"]), float(e["top"]), float(e["bottom"]))
            for e in edges if e.get("orientation") == "v"]


def horizontal_rules(edges: list[dict[str, Any]], min_len: float = 6.0) -> list[Rule]:
    """The horizontal rulings (a rule drawn as a thin filled box gives its two edges, one rule)."""
    return [Rule(float(e["x0"]), float(e["x1"]), float(e["top"]))
            for e in edges if e.get("orientation") == "h" and float(e["x1"]) - float(e["x0"]) >= min_len]


def reach(segments: list[Segment], x: float, y: float, upward: bool, tolerance: float = 3.0) -> float:
    """How far (up or down) from ``y`` the rulings at ``x`` run without a break."""
    at_x = sorted((s for s in segments if abs(s.x - x) <= tolerance), key=lambda s: s.top, reverse=upward)
    end = y
    for s in at_x:
        if s.top - tolerance <= end <= s.bottom + tolerance:
            end = min(end, s.top) if upward else max(end, s.bottom)
    return end


def open_band(bbox: tuple[float, ...], xs: list[float], segments: list[Segment], chars: list[Char],
              upward: bool, boxes: list[tuple[float, ...]], tolerance: float = 3.0) -> list[tuple[float, ...]]:
    """Cell boxes left open above (``upward``) or below the closed cells, or [] when there are none.

    Both outer rulings must run past the table edge; in each column the open cell reaches
    from the column's last closed ruling (a span may still be open) to the rulings' end;
    neighbouring open cells merge where no inner ruling separates them; they must hold text."""
    if len(xs) < 2:
        return []
    edge = bbox[1] if upward else bbox[3]
    ends = [reach(segments, xs[0], edge, upward, tolerance), reach(segments, xs[-1], edge, upward, tolerance)]
    far = max(ends) if upward else min(ends)
    out: list[tuple[float, ...]] = []
    for i in range(len(xs) - 1):
        closed = _closed_extent(boxes, xs[i], xs[i + 1], upward, tolerance, edge)
        if abs(far - closed) <= tolerance:
            continue
        top, bottom = (far, closed) if upward else (closed, far)
        prev = out[-1] if out else None
        if prev is not None and abs(prev[2] - xs[i]) <= tolerance and abs(prev[1] - top) <= tolerance \
                and abs(prev[3] - bottom) <= tolerance and not _crosses(segments, xs[i], (top + bottom) / 2, tolerance):
            out[-1] = (prev[0], prev[1], xs[i + 1], prev[3])
        else:
            out.append((xs[i], top, xs[i + 1], bottom))
    if not any(_inside(c, *b) for b in out for c in chars):
        return []
    return out


def _closed_extent(boxes: list[tuple[float, ...]], x0: float, x1: float, upward: bool, tolerance: float,
                   default: float) -> float:
    """Where the closed cells of the column between x0 and x1 end (top edge when ``upward``)."""
    covering = [b for b in boxes if b[0] <= x0 + tolerance and b[2] >= x1 - tolerance]
    if not covering:
        return default
    return min(b[1] for b in covering) if upward else max(b[3] for b in covering)


def _crosses(segments: list[Segment], x: float, y: float, tolerance: float) -> bool:
    return any(abs(s.x - x) <= tolerance and s.top - tolerance <= y <= s.bottom + tolerance for s in segments)


def _inside(ch: Char, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom and not ch.text.isspace()
