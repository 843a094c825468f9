"""A page's chars and graphics from pdfminer's layout, without pdfplumber's per-char dicts.

pdfplumber turns every layout object into a dict of some twenty resolved attributes
(`Page.process_object`); for text pages that is about a quarter of the parse time, spent on
chars whose colours, matrices and marked-content tags the reader never uses. Here each
``LTChar`` becomes a reader ``Char`` directly, with the same coordinate conversion as
pdfplumber (top from the page height, MediaBox offsets), so the values are identical, and only
the graphics (rulings, images) go through ``process_object``: they become the page's
objects, so pdfplumber's own filters, edges and table finder work on them unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pdfminer.layout import LTAnno, LTChar, LTComponent, LTContainer
from pdfplumber.page import fix_fontname_bytes

from extractors.readers.geometry import Char

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # a subset font's tag (ABCDEF+Name): per file, names no typeface


def base_font(name: str) -> str:
    """A font's name without its subset tag: one typeface reads as one name, whichever subset of it a
    producer embedded for a char (and whichever char source read it)."""
    return SUBSET_TAG.sub("", name)


def load_page_objects(page: Any) -> list[Char]:
    """Parse ``page`` once: return its chars (non-empty text) and leave only its graphics as
    the page's objects (``page.chars`` is then empty; ``page.rects``/``lines``/``edges`` work)."""
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    chars: list[Char] = []
    graphics: dict[str, list[dict[str, Any]]] = {}
    for obj in _leaves(page.layout._objs):
        if isinstance(obj, LTChar):
            if obj.get_text():
                chars.append(_char(obj, height, mb_x0, mb_top))
        elif not isinstance(obj, LTAnno):
            attrs = page.process_object(obj)
            graphics.setdefault(attrs["object_type"], []).append(attrs)
    page._objects = graphics
    return chars


PRECISION = 3  # decimals of a point both char sources agree on (PDFium works in 32-bit floats)
_COORDS = ("x0", "x1", "y0", "y1", "top", "bottom", "doctop", "width", "height")


def quantised(chars: list[Char], page: Any) -> list[Char]:
    """Chars and the page's graphics to ``PRECISION`` decimals of a point: PDFium's 32-bit values and
    pdfminer's 64-bit ones of one file then read alike (436.5999985 and 436.6 are one position)."""
    for objs in page._objects.values():
        for obj in objs:
            for k in _COORDS:
                if isinstance(obj.get(k), float):
                    obj[k] = round(obj[k], PRECISION)
            if "pts" in obj:
                obj["pts"] = [(round(x, PRECISION), round(y, PRECISION)) for x, y in obj["pts"]]
    return [Char(text=c.text, x0=round(c.x0, PRECISION), x1=round(c.x1, PRECISION), top=round(c.top, PRECISION),
                 bottom=round(c.bottom, PRECISION), size=round(c.size, PRECISION), font=c.font) for c in chars]


def _leaves(objs: list[LTComponent]) -> Iterator[LTComponent]:
    """Layout objects depth first, containers (figures) replaced by their contents, as
    pdfplumber does when no layout analysis is asked for."""
    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj._objs)
        else:
            yield obj


def _char(obj: LTChar, height: float, mb_x0: float, mb_top: float) -> Char:
    """The values pdfplumber's char dict would hold (``Page.process_object``)."""
    font = obj.fontname
    return Char(
        text=obj.get_text(), x0=float(obj.x0 + mb_x0), x1=float(obj.x1 + mb_x0),
        top=float(height - obj.y1 + mb_top), bottom=float(height - obj.y0 + mb_top),
        size=float(obj.size or 0), font=fix_fontname_bytes(font) if isinstance(font, bytes) else str(font or ""),
    )
