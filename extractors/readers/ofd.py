"""OFD reader (GB/T 33190): a zip of XML pages read with lxml into the layout model.

OFD.xml → DocBody/DocRoot (Document.xml) → CommonData (page size, fonts, template pages)
and Pages → each page's Content.xml (plus the template pages it references, which carry
repeated headers). Every TextCode gives glyph positions: X/Y from the TextObject's
Boundary origin (through its CTM), advances from DeltaX (``g N v`` = N times v). Units
are millimetres, converted to points. PathObject lines become table rulings; chars
inside a ruled grid become cells, the rest visual lines, as in the PDF reader.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from extractors.errors import BadInputError
from extractors.readers.geometry import Char, dedupe_chars
from extractors.readers.grid import Segment, find_grids
from extractors.readers.ofd_paths import Matrix, parse_ctm, path_segments
from extractors.readers.placed import place_items
from extractors.readers.zipguard import check_inflation
from schemas import Page

OFD_READER_VERSION = "2"
MM_TO_PT = 72 / 25.4
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_ASCENT, _DESCENT = 0.88, 0.12  # share of the font size above / below the baseline


@dataclass
class _Package:
    zf: zipfile.ZipFile
    names: dict[str, str]  # lower-case path → real path (OFD writers differ in case)

    def xml(self, path: str) -> Any:
        real = self.names.get(path.lstrip("/").lower())
        if real is None:
            raise BadInputError(f"OFD part missing: {path}", code="ofd.missing_part", value=path)
        try:
            return etree.fromstring(self.zf.read(real), parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            raise BadInputError(f"OFD part {path} is not well-formed XML: {exc}", code="ofd.bad_xml",
                                value=path) from exc


@dataclass
class _DocContext:
    base: str  # directory of Document.xml
    page_box: tuple[float, float] | None
    fonts: dict[str, tuple[str, bool]] = field(default_factory=dict)  # font ID → (name, bold)
    templates: dict[str, str] = field(default_factory=dict)  # template ID → content path


def read_ofd(path: Path) -> tuple[list[Page], list[str]]:
    with _open(path) as zf:
        pkg = _Package(zf, {n.lower(): n for n in zf.namelist()})
        doc_path = _doc_root(pkg)
        document = pkg.xml(doc_path)
        ctx = _context(pkg, document, posixpath.dirname(doc_path.lstrip("/")))
        page_refs = [p for p in document.iter() if _local(p) == "Page" and p.get("BaseLoc")]
        pages = [_read_page(pkg, ctx, ref, n) for n, ref in enumerate(page_refs, start=1)]
    if not pages:
        raise BadInputError(f"{path.name}: OFD document has no pages", code="ofd.no_pages")
    warnings = [f"page {p.number}: no text objects (image-only OFD page?)" for p in pages if not p.items]
    return pages, warnings


def _open(path: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(f"damaged OFD (zip) archive: {exc}", code="ofd.bad_zip") from exc
    try:
        check_inflation(path, MAX_UNCOMPRESSED)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        zf.close()
        raise BadInputError(f"damaged OFD (zip) archive: {exc}", code="ofd.bad_zip") from exc
    except BadInputError:
        zf.close()
        raise
    return zf


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el: Any, name: str) -> str | None:
    for c in el.iter():
        if _local(c) == name and c.text:
            return str(c.text).strip()
    return None


def _resolve(base: str, loc: str) -> str:
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc))


def _doc_root(pkg: _Package) -> str:
    root = pkg.xml("OFD.xml")
    loc = _child_text(root, "DocRoot")
    if not loc:
        raise BadInputError("OFD.xml names no DocRoot", code="ofd.no_docroot", expected="DocBody/DocRoot")
    return _resolve("", loc)


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        vals = [float(v) for v in (text or "").split()]
    except ValueError:
        return None
    return (vals[0], vals[1], vals[2], vals[3]) if len(vals) == 4 else None


def _context(pkg: _Package, document: Any, base: str) -> _DocContext:
    common = next((c for c in document if _local(c) == "CommonData"), document)
    box = _box(_child_text(common, "PhysicalBox"))
    ctx = _DocContext(base=base, page_box=(box[2], box[3]) if box else None)
    for el in common:
        if _local(el) in ("PublicRes", "DocumentRes") and el.text:
            _load_fonts(pkg, _resolve(base, el.text.strip()), ctx)
        elif _local(el) == "TemplatePage" and el.get("BaseLoc"):
            ctx.templates[el.get("ID", "")] = _resolve(base, el.get("BaseLoc"))
    return ctx


def _load_fonts(pkg: _Package, res_path: str, ctx: _DocContext) -> None:
    if res_path.lower() not in pkg.names:
        return
    for font in pkg.xml(res_path).iter():
        if _local(font) == "Font" and font.get("ID"):
            name = font.get("FontName") or font.get("FamilyName") or ""
            bold = font.get("Bold") == "true" or any(k in name.lower() for k in ("bold", "hei", "heavy"))
            ctx.fonts[font.get("ID")] = (name, bold)


def _read_page(pkg: _Package, ctx: _DocContext, ref: Any, number: int) -> Page:
    content_path = _resolve(ctx.base, ref.get("BaseLoc"))
    content = pkg.xml(content_path)
    roots = [pkg.xml(ctx.templates[t.get("TemplateID")]) for t in content.iter()
             if _local(t) == "Template" and t.get("TemplateID") in ctx.templates]
    roots.append(content)
    chars: list[Char] = []
    segments: list[Segment] = []
    prev: tuple[str, list[Char]] = ("", [])
    for root in roots:
        for obj in root.iter():
            if _local(obj) == "TextObject":
                run = text_object_chars(obj, ctx.fonts)
                if obj.get("Boundary") == prev[0]:
                    run = continue_run(prev[1], run)
                chars.extend(run)
                prev = (obj.get("Boundary", ""), run or prev[1])
            elif _local(obj) == "PathObject":
                segments.extend(_pt_segments(obj))
    grids = find_grids(segments)
    box = _box(_child_text(content, "PhysicalBox"))
    width, height = (box[2], box[3]) if box else (ctx.page_box or (None, None))
    return Page(number=number, width=width * MM_TO_PT if width else None,
                height=height * MM_TO_PT if height else None,
                items=place_items(dedupe_chars(chars, tolerance=0.3), grids, number))


def continue_run(before: list[Char], run: list[Char]) -> list[Char]:
    """Some writers split one run into TextObjects sharing a Boundary, each restarting at X=0,
    so their glyphs overprint. Glyphs never overprint other glyphs on purpose (fake bold repeats
    the same glyph, and is deduplicated later), so such a piece continues after the previous one."""
    if not before or not run or run[0].x0 >= max(c.x1 for c in before) - 0.1:
        return run
    if run[0].text == before[0].text and abs(run[0].x0 - before[0].x0) < 0.3:
        return run  # the same glyph drawn again: fake bold
    shift = max(c.x1 for c in before) - run[0].x0
    return [replace(c, x0=c.x0 + shift, x1=c.x1 + shift) for c in run]


def _pt_segments(obj: Any) -> list[Segment]:
    boundary = _box(obj.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
    ctm = parse_ctm(obj.get("CTM"))
    data = _child_text(obj, "AbbreviatedData") or ""
    return [Segment((boundary[0] + s.x0) * MM_TO_PT, (boundary[1] + s.y0) * MM_TO_PT,
                    (boundary[0] + s.x1) * MM_TO_PT, (boundary[1] + s.y1) * MM_TO_PT)
            for s in path_segments(data, ctm)]


def text_object_chars(obj: Any, fonts: dict[str, tuple[str, bool]]) -> list[Char]:
    """Glyph boxes (points, page coordinates) of every TextCode in one TextObject."""
    boundary = _box(obj.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
    ctm = parse_ctm(obj.get("CTM"))
    size = _float(obj.get("Size") or obj.get("size"), 3.5)
    font_name, bold = fonts.get(obj.get("Font", ""), ("", False))
    if (_float(obj.get("Weight"), 400) >= 700 or bold) and "bold" not in font_name.lower():
        font_name += "-Bold"
    out: list[Char] = []
    x = y = 0.0
    for code in obj:
        if _local(code) != "TextCode" or not code.text:
            continue
        x, y = _float(code.get("X"), x), _float(code.get("Y"), y)
        dxs = expand_deltas(code.get("DeltaX"), len(code.text) - 1)
        dys = expand_deltas(code.get("DeltaY"), len(code.text) - 1)
        for i, ch in enumerate(code.text):
            advance = dxs[i] if i < len(dxs) and dxs[i] else size
            out.append(_glyph(ch, x, y, advance, size, boundary, ctm, font_name))
            x += dxs[i] if i < len(dxs) else size
            y += dys[i] if i < len(dys) else 0.0
    return out


def _glyph(ch: str, x: float, y: float, advance: float, size: float, boundary: tuple[float, ...],
           ctm: Matrix, font: str) -> Char:
    x0, top = ctm.apply(x, y - _ASCENT * size)
    x1, bottom = ctm.apply(x + advance, y + _DESCENT * size)
    scale = ctm.scale
    return Char(text=ch, x0=(boundary[0] + min(x0, x1)) * MM_TO_PT, x1=(boundary[0] + max(x0, x1)) * MM_TO_PT,
                top=(boundary[1] + min(top, bottom)) * MM_TO_PT, bottom=(boundary[1] + max(top, bottom)) * MM_TO_PT,
                size=size * scale * MM_TO_PT, font=font)


def expand_deltas(spec: str | None, n: int) -> list[float]:
    """DeltaX/DeltaY: numbers, where ``g N v`` stands for N copies of v (GB/T 33190 §11.3)."""
    tokens = (spec or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < n:
        if tokens[i] == "g" and i + 2 < len(tokens):
            out.extend([_float(tokens[i + 2], 0.0)] * int(_float(tokens[i + 1], 0)))
            i += 3
        else:
            out.append(_float(tokens[i], 0.0))
            i += 1
    return out[:n]


def _float(v: str | None, default: float) -> float:
    try:
        return float(v) if v is not None else default
    except ValueError:
        return default
