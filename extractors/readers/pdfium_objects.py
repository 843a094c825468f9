"""A page's chars and graphics from PDFium (pypdfium2), in the values pdfminer's layout gives.

pdfminer interprets every content stream in Python; that layout is most of the PDF reader's time.
PDFium (C++) parses the same page about ten times faster. This module reads a page's chars and path
objects from PDFium and turns them into what ``pdf_objects.load_page_objects`` would have produced
from pdfminer, so everything after it (dedupe, tables, lines) is unchanged:

- chars: PDFium's loose char box gives x0/x1 and the font size; the vertical extent is rebuilt
  the way pdfminer builds it — from the baseline origin, the font's descent as pdfminer reads it
  (the font dictionary, through pdfminer's own font objects) and a height of one font size —
  because PDFium's box runs from the font's bounding box, a few points off. This is the one place
  the two sources are reconciled; no consumer corrects tops.
- graphics: each path becomes pdfminer's ``LTLine`` / ``LTRect`` / ``LTCurve`` by pdfminer's own
  shape rule (``PDFLayoutAnalyzer.paint_path``), then pdfplumber's ``process_object`` makes the
  page objects, so pdfplumber's edges and table finder see the same input.

A page PDFium cannot give in those terms returns ``None`` and is read through pdfminer: a rotated
page, a MediaBox not at the origin or a CropBox smaller than it, text that is rotated, mirrored or
without a Unicode mapping, a font pdfminer's resources do not name.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as C
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import literal_name

from extractors.readers.geometry import Char
from extractors.readers.pdf_objects import base_font
from extractors.readers.pdfium_paths import MAX_FORM_DEPTH, path_objects

log = logging.getLogger(__name__)
SPACE_SLACK = 0.15  # points: producers place runs to 0.1 pt, each side


@dataclass
class FontInfo:
    """What pdfminer knows of a font that the char values need: its name, descent per unit size and
    the advance widths per unit size each char can have (one per distinct glyph width)."""

    name: str
    descent: float
    widths: dict[str, tuple[float, ...]] = field(default_factory=dict)


class Fallback(Exception):
    """This page is read through pdfminer; the message says why."""


class PdfiumSource:
    """PDFium's pages of one file, and the pdfminer fonts they use (read once per file)."""

    def __init__(self, doc: pdfium.PdfDocument) -> None:
        self.doc = doc
        self.fonts: dict[int, tuple[list[str], FontInfo]] = {}  # pdfminer font object id → keys, info
        self.fallbacks: dict[int, str] = {}  # page number → why pdfminer read it

    def close(self) -> None:
        self.doc.close()

    def load(self, plumber_page: Any, index: int) -> list[Char] | None:
        """The page's chars (pdfminer's values), leaving its graphics as the page's objects;
        ``None`` when this page must be read through pdfminer (see the module text)."""
        page = self.doc[index]
        try:
            _check_geometry(plumber_page, page)
            chars = _chars(page, float(plumber_page.height), self._page_fonts(plumber_page))
            graphics: dict[str, list[dict[str, Any]]] = {}
            for obj in path_objects(page):
                attrs = plumber_page.process_object(obj)
                graphics.setdefault(attrs["object_type"], []).append(attrs)
        except Fallback as why:
            self.fallbacks[index + 1] = str(why)
            log.debug("page %d read through pdfminer: %s", index + 1, why)
            return None
        finally:
            page.close()
        plumber_page._objects = graphics
        return chars

    def _page_fonts(self, plumber_page: Any) -> dict[str, FontInfo]:
        """The page's fonts (and its forms') by every base name they go by, without the subset tag;
        subsets of one font share one entry."""
        rsrc = plumber_page.pdf.rsrcmgr
        out: dict[str, FontInfo] = {}
        for objid, spec in _font_specs(resolve1(plumber_page.page_obj.resources), 0):
            try:
                font = rsrc.get_font(objid, spec)
            except Exception:  # noqa: BLE001, S112 — pdfminer raises many kinds on odd fonts; such chars fall back
                continue
            if id(font) not in self.fonts:
                self.fonts[id(font)] = (_names(font, spec), FontInfo(
                    name=str(font.fontname), descent=float(font.get_descent()), widths=_widths(font)))
            keys, info = self.fonts[id(font)]
            for key in keys:
                known = out.get(key)
                out[key] = info if known is None else _merged(known, info)
        return out


def _names(font: Any, spec: dict[str, Any]) -> list[str]:
    names = {str(font.fontname), _name(spec.get("BaseFont"))}
    for d in resolve1(spec.get("DescendantFonts")) or []:
        d = resolve1(d)
        if isinstance(d, dict):
            names.add(_name(d.get("BaseFont")))
    return sorted({base_font(n) for n in names} - {""})


def _name(value: Any) -> str:
    value = resolve1(value)
    if value is None:
        return ""
    name = literal_name(value)
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _widths(font: Any) -> dict[str, tuple[float, ...]]:
    """Advance width per unit font size of every char the font maps to Unicode, as pdfminer's
    ``char_width`` gives it; a unicode-coded CID font (…-UCS2-…, …-UTF16-…) by its own CMap."""
    cmap = getattr(font, "cmap", None)
    cmap_name = str(getattr(cmap, "attrs", {}).get("CMapName", "")) if cmap is not None else ""
    if "UCS2" in cmap_name or "UTF16" in cmap_name:
        return _UnicodeCoded(font)  # type: ignore[return-value]
    cids: set[int] = set(getattr(getattr(font, "unicode_map", None), "cid2unichr", {}) or {})
    cids |= set(getattr(font, "cid2unicode", {}) or {})
    out: dict[str, tuple[float, ...]] = {}
    for cid in cids:
        try:
            text = font.to_unichr(cid)
        except Exception:  # noqa: BLE001, S112 — pdfminer prints "(cid:n)" for it: that char falls back
            continue
        out[text] = _with(out.get(text, ()), float(font.char_width(cid)))
    return out


def _with(widths: tuple[float, ...], w: float) -> tuple[float, ...]:
    return widths if any(abs(v - w) < 1e-9 for v in widths) else (*widths, w)


class _UnicodeCoded(dict[str, tuple[float, ...]]):
    """Widths of a font whose codes are UTF-16: the char's code through the font's CMap gives its CID."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self.font = font
        self.read: dict[str, str] = {}

    def __missing__(self, text: str) -> tuple[float, ...]:
        try:
            cids = list(self.font.decode(text.encode("utf-16-be")))
        except Exception:  # noqa: BLE001
            cids = []
        widths = (float(self.font.char_width(cids[0])),) if len(cids) == 1 else ()
        self[text] = widths
        return widths

    def get(self, text: str, default: Any = None) -> tuple[float, ...]:  # type: ignore[override]
        return self[text]

    def read_as(self, text: str) -> str:
        """``text`` (PDFium gives the UTF-16 codes themselves) as pdfminer reads it: each code's CID
        through the font's Unicode map — UniGB-UCS2's code U+30FB is Adobe-GB1's 间隔号 U+00B7."""
        known = self.read.get(text)
        if known is not None:
            return known
        out = []
        for ch in text:
            try:
                cids = list(self.font.decode(ch.encode("utf-16-be")))
                out.append(self.font.to_unichr(cids[0]) if len(cids) == 1 else ch)
            except Exception:  # noqa: BLE001 — no CID or no Unicode for it: the code as PDFium gives it
                out.append(ch)
        self.read[text] = "".join(out)
        return self.read[text]


def _read_as(font: FontInfo, text: str) -> str:
    widths = font.widths
    return widths.read_as(text) if isinstance(widths, _UnicodeCoded) else text


def _merged(a: FontInfo, b: FontInfo) -> FontInfo:
    """Subsets of one font (PDFium names them alike): one entry with every width a char has in any."""
    if a is b:
        return a
    widths = dict(a.widths)
    for text in b.widths:
        for w in b.widths[text]:
            widths[text] = _with(widths.get(text, ()), w)
    descent = a.descent if abs(a.descent - b.descent) < 1e-9 else float("nan")
    return FontInfo(name=a.name, descent=descent, widths=widths)


def _check_geometry(plumber_page: Any, page: pdfium.PdfPage) -> None:
    """Unrotated, MediaBox at the origin, nothing cropped: pdfminer's coordinates are PDFium's."""
    if page.get_rotation() % 360 or plumber_page.rotation % 360:
        raise Fallback("rotated page")
    box = page.get_mediabox()
    if abs(box[0]) > 1e-6 or abs(box[1]) > 1e-6:
        raise Fallback(f"MediaBox origin at {box[0]:g}, {box[1]:g}")
    if any(abs(a - b) > 1e-6 for a, b in zip(page.get_cropbox(), box, strict=True)):
        raise Fallback("CropBox differs from MediaBox")


# --- chars -----------------------------------------------------------------------------------------

def _font_specs(resources: Any, depth: int) -> Iterator[tuple[int | None, dict[str, Any]]]:
    if not isinstance(resources, dict) or depth > MAX_FORM_DEPTH:
        return
    fonts = resolve1(resources.get("Font"))
    if isinstance(fonts, dict):
        for ref in fonts.values():
            spec = resolve1(ref)
            if isinstance(spec, dict):
                yield getattr(ref, "objid", None), spec
    xobjects = resolve1(resources.get("XObject"))
    if isinstance(xobjects, dict):
        for ref in xobjects.values():
            stream = resolve1(ref)
            attrs = getattr(stream, "attrs", None)
            if isinstance(attrs, dict) and str(resolve1(attrs.get("Subtype"))).endswith("Form"):
                yield from _font_specs(resolve1(attrs.get("Resources")), depth + 1)


def _chars(page: pdfium.PdfPage, height: float, fonts: dict[str, FontInfo]) -> list[Char]:
    textpage = page.get_textpage()
    try:
        return _text_chars(textpage.raw, height, fonts)
    finally:
        textpage.close()


@dataclass(frozen=True, slots=True)
class _Glyph:
    """One printed glyph as PDFium reports it; a glyph mapped to several chars (a ligature, "——")
    comes as several PDFium chars with one box, joined here into one text as pdfminer keeps it."""

    index: int
    text: str
    left: float
    right: float
    origin_y: float
    size: float
    scale: float  # advance per unit width: size × horizontal / vertical scale of the text matrix
    font: FontInfo
    spaced: bool  # PDFium generated a space before it


def _text_chars(raw: Any, height: float, fonts: dict[str, FontInfo]) -> list[Char]:
    out: list[Char] = []
    last: _Glyph | None = None
    for g in _glyphs(raw, fonts):
        advance = _advance(g.font.widths.get(g.text, ()), g.scale, g.right - g.left)
        if advance is None:  # pdfminer measures it otherwise, or prints "(cid:n)"
            raise Fallback(f"char {g.index} {g.text!r} of {g.font.name}: widths "
                           f"{g.font.widths.get(g.text, ())} do not fit PDFium's box")
        if g.spaced and out and last is not None and g.text != " ":
            out.extend(_printed_space(out[-1], g.left, [last.font, g.font]))
        bottom = g.origin_y + g.font.descent * g.size  # pdfminer: descent below the baseline, one size high
        out.append(Char(text=_read_as(g.font, g.text), x0=g.left, x1=g.left + advance, top=height - (bottom + g.size),
                        bottom=height - bottom, size=g.size, font=g.font.name))
        last = g
    return out


def _glyphs(raw: Any, fonts: dict[str, FontInfo]) -> Iterator[_Glyph]:
    rect = C.FS_RECTF()
    matrix = C.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    names: dict[int, FontInfo | None] = {}
    pending: _Glyph | None = None
    spaced = False
    for i in range(C.FPDFText_CountChars(raw)):
        if C.FPDFText_IsGenerated(raw, i):
            spaced = spaced or C.FPDFText_GetUnicode(raw, i) == 0x20
            continue
        if C.FPDFText_HasUnicodeMapError(raw, i):
            raise Fallback(f"char {i}: no Unicode mapping")
        code = C.FPDFText_GetUnicode(raw, i)
        if not code:
            continue
        C.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix))
        if abs(matrix.b) > 1e-6 or abs(matrix.c) > 1e-6 or matrix.a <= 0 or matrix.d <= 0:
            raise Fallback(f"char {i}: rotated or mirrored text")  # pdfminer's box is not an upright one
        font = _font_of(raw, i, names, fonts)
        if font is None:
            raise Fallback(f"char {i} {chr(code)!r}: its font is not among the page's resources")
        if font.descent != font.descent:
            raise Fallback(f"subsets of {font.name} differ in descent")
        C.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(rect))
        C.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
        size = float(C.FPDFText_GetFontSize(raw, i))
        g = _Glyph(i, chr(code), float(rect.left), float(rect.right), oy.value, size,
                   size * matrix.a / matrix.d, font, spaced)
        spaced = False
        if pending is not None and not g.spaced and _same_box(pending, g):
            pending = _Glyph(pending.index, pending.text + g.text, pending.left, pending.right, pending.origin_y,
                             pending.size, pending.scale, pending.font, pending.spaced)
            continue
        if pending is not None:
            yield pending
        pending = g
    if pending is not None:
        yield pending


def _same_box(a: _Glyph, b: _Glyph) -> bool:
    return a.font is b.font and a.left == b.left and a.right == b.right and a.origin_y == b.origin_y


def _printed_space(prev: Char, x0: float, fonts: list[FontInfo]) -> list[Char]:
    """The space glyph PDFium folded into a space of its own: where it generated one and the gap
    to the next char is a space's advance in the font of the char before or after (give or take the
    0.05 pt a producer rounds run positions to), pdfminer has a printed space there, at the end of
    the run before or the start of the run after; a gap of another width is spacing, not a glyph."""
    gap = x0 - prev.x1
    before, after = fonts
    for font, leading in ((after, False), (before, True)):
        for w in font.widths.get(" ", ()):
            adv = w * prev.size
            if adv > 0 and abs(adv - gap) <= SPACE_SLACK:
                start = prev.x1 if leading else x0 - adv
                return [Char(text=" ", x0=start, x1=start + adv, top=prev.top, bottom=prev.bottom,
                             size=prev.size, font=font.name)]
    return []


def _advance(widths: tuple[float, ...], scale: float, box: float) -> float | None:
    """pdfminer's advance of a char: its one width, or of several (glyphs of one char in subsets of
    one font) the one PDFium's box shows. The box is the advance widened only by a glyph's overhang,
    so the advance never exceeds it: the one width that fits, or of several the one equal to it.
    ``None``: no width fits, or several could."""
    fits = [w * scale for w in widths if w * scale <= box + 0.05]
    if len(fits) == 1:
        return fits[0]
    exact = [a for a in fits if abs(a - box) < 0.01]
    return exact[0] if len(exact) == 1 else None


def _font_of(raw: Any, i: int, cache: dict[int, FontInfo | None], fonts: dict[str, FontInfo]) -> FontInfo | None:
    handle = C.FPDFTextObj_GetFont(C.FPDFText_GetTextObject(raw, i))
    key = ctypes.cast(handle, ctypes.c_void_p).value or 0
    if key not in cache:
        buf = ctypes.create_string_buffer(256)
        n = C.FPDFFont_GetBaseFontName(handle, buf, len(buf))
        base = buf.raw[: max(n - 1, 0)].decode("utf-8", "replace") if n else ""
        cache[key] = fonts.get(base_font(base))
    return cache[key]
