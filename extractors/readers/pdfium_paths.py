"""A page's path objects from PDFium (pypdfium2) as pdfminer's layout objects.

Each path becomes pdfminer's ``LTLine`` / ``LTRect`` / ``LTCurve`` by pdfminer's own shape rule
(``PDFLayoutAnalyzer.paint_path``), with the graphic state pdfminer reads (stroke, fill, even-odd,
colours, line width), so pdfplumber's ``process_object``, edges and table finder see the input
pdfminer would have given them. Form XObjects are walked with their matrices composed.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as C
from pdfminer.layout import LTCurve, LTLine, LTRect

MAX_FORM_DEPTH = 8  # nested form XObjects followed (the same bound as for fonts in forms)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def path_objects(page: pdfium.PdfPage) -> Iterator[LTCurve]:
    raw = page.raw
    for k in range(C.FPDFPage_CountObjects(raw)):
        yield from _walk(C.FPDFPage_GetObject(raw, k), IDENTITY, 0)


def _walk(obj: Any, outer: Matrix, depth: int) -> Iterator[LTCurve]:
    kind = C.FPDFPageObj_GetType(obj)
    if kind == C.FPDF_PAGEOBJ_PATH:
        yield from _paths(obj, _compose(_matrix_of(obj), outer))
    elif kind == C.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
        inner = _compose(_matrix_of(obj), outer)
        for k in range(C.FPDFFormObj_CountObjects(obj)):
            yield from _walk(C.FPDFFormObj_GetObject(obj, k), inner, depth + 1)


def _matrix_of(obj: Any) -> Matrix:
    m = C.FS_MATRIX()
    if not C.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(m: Matrix, outer: Matrix) -> Matrix:
    """``m`` then ``outer`` (PDF row-vector convention, as pdfminer's ``mult_matrix``)."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = outer
    return (a * a1 + b * c1, a * b1 + b * d1, c * a1 + d * c1, c * b1 + d * d1,
            e * a1 + f * c1 + e1, e * b1 + f * d1 + f1)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _paths(obj: Any, m: Matrix) -> Iterator[LTCurve]:
    """The path's subpaths as pdfminer's layout objects, with the graphic state pdfminer reads."""
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not C.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke)):
        return
    fill = fillmode.value != 0
    if not (fill or stroke.value):
        return
    style = _Style(float(_stroke_width(obj)), bool(stroke.value), fill, fillmode.value == C.FPDF_FILLMODE_ALTERNATE,
                   _colour(obj, C.FPDFPageObj_GetStrokeColor), _colour(obj, C.FPDFPageObj_GetFillColor))
    subs = _subpaths(obj, m)
    if len(subs) > 1:  # pdfminer splits at each move by ``m[^m]+``: a bare move paints nothing
        subs = [s for s in subs if len(s) > 1]
    for sub in subs:
        yield _layout_item(sub, style)


@dataclass(frozen=True, slots=True)
class _Style:
    linewidth: float
    stroke: bool
    fill: bool
    evenodd: bool
    scolor: tuple[float, ...]
    ncolor: tuple[float, ...]


def _stroke_width(obj: Any) -> float:
    w = ctypes.c_float()
    return w.value if C.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(w)) else 0.0


def _colour(obj: Any, getter: Any) -> tuple[float, ...]:
    """RGB in 0..1 to two places (so PDFium's 8-bit 242 for a 0.95 grey reads as 0.95 again)."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
        return ()
    return tuple(round(v.value / 255, 2) for v in (r, g, b))


Segment = tuple[str, tuple[tuple[float, float], ...]]


def _subpaths(obj: Any, m: Matrix) -> list[list[Segment]]:
    """Segments as pdfminer's operators (m, l, c with its three points, h), split at each move."""
    subs: list[list[Segment]] = []
    bezier: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(C.FPDFPath_CountSegments(obj)):
        seg = C.FPDFPath_GetPathSegment(obj, k)
        C.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        pt = _apply(m, x.value, y.value)
        kind = C.FPDFPathSegment_GetType(seg)
        if kind == C.FPDF_SEGMENT_MOVETO or not subs:
            subs.append([("m", (pt,))])
        elif kind == C.FPDF_SEGMENT_BEZIERTO:
            bezier.append(pt)
            if len(bezier) == 3:
                subs[-1].append(("c", tuple(bezier)))
                bezier = []
        else:
            subs[-1].append(("l", (pt,)))
        if C.FPDFPathSegment_GetClose(seg) and not bezier:
            subs[-1].append(("h", ()))
    return subs


def _layout_item(path: list[Segment], style: _Style) -> LTCurve:
    """pdfminer's ``paint_path`` for one subpath: a line, a rect or a curve."""
    shape = "".join(op for op, _ in path)
    pts = [p[-1] if op != "h" else path[0][1][-1] for op, p in path]
    original = [(op, *p) for op, p in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    args = (style.stroke, style.fill, style.evenodd, style.scolor, style.ncolor)
    if shape in {"mlh", "ml"}:
        return LTLine(style.linewidth, pts[0], pts[1], *args, original_path=original)  # type: ignore[arg-type]
    if shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            return LTRect(style.linewidth, (*pts[0], *pts[2]), *args, original)  # type: ignore[arg-type]
    return LTCurve(style.linewidth, pts, *args, original)  # type: ignore[arg-type]
