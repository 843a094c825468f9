"""DOCX reader (python-docx + lxml): paragraphs and tables in body order.

Paragraphs become ``TextLine(kind="paragraph")`` with style, alignment, size and the
automatic list marker rendered from numbering.xml; tables keep gridSpan/vMerge spans,
tblHeader rows and gridBefore offsets. Page numbers follow explicit page breaks,
rendered page breaks and section breaks, so provenance points at the printed page.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from extractors.errors import BadInputError
from extractors.readers.docx_numbering import Numbering
from extractors.readers.zipguard import check_inflation
from schemas import Page, Table, TableCell, TextLine

DOCX_READER_VERSION = "2"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # zip-bomb guard for document parts
_ALIGN = {"center": "center", "right": "right", "both": "justify", "distribute": "justify", "left": "left"}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def read_docx(path: Path) -> tuple[list[Page], list[str]]:
    _guard_zip(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, OSError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise BadInputError(f"not a readable DOCX: {exc}", code="docx.damaged") from exc
    numbering = Numbering.from_document(document)
    walker = _BodyWalker(numbering)
    walker.walk(document.element.body)
    return walker.pages(), walker.warnings


def _guard_zip(path: Path) -> None:
    try:
        check_inflation(path, MAX_UNCOMPRESSED)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise BadInputError(f"damaged zip archive: {exc}", code="docx.damaged") from exc


class _BodyWalker:
    """Walks w:body in order, tracking the current printed page."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.page = 1
        self.items: dict[int, list[TextLine | Table]] = {}
        self.warnings: list[str] = []

    def walk(self, body: Any) -> None:
        for el in body.iterchildren():
            if el.tag == _q("p"):
                self._paragraph(el)
            elif el.tag == _q("tbl"):
                self._table(el)
            elif el.tag == _q("sdt"):
                content = el.find(_q("sdtContent"))
                if content is not None:
                    self.walk(content)

    def pages(self) -> list[Page]:
        last = max(self.items) if self.items else 1
        return [Page(number=n, items=self.items.get(n, [])) for n in range(1, last + 1)]

    def _add(self, item: TextLine | Table) -> None:
        self.items.setdefault(item.page, []).append(item)

    def _paragraph(self, p: Any) -> None:
        if _breaks_before(p):
            self.page += 1
        segments = _paragraph_segments(p)
        for i, text in enumerate(segments):
            if i > 0:
                self.page += 1
            if text.strip():
                self._add(self._text_line(p, text, marker=self.numbering.marker(p) if i == 0 else None))
        if p.find(f"{_q('pPr')}/{_q('sectPr')}") is not None:
            self.page += 1

    def _text_line(self, p: Any, text: str, marker: str | None) -> TextLine:
        ppr = p.find(_q("pPr"))
        size, bold = _run_format(p)
        return TextLine(
            text=text, page=self.page, kind="paragraph", font_size=size, bold=bold,
            align=_alignment(ppr), style=_style(ppr), list_marker=marker,
            first_line_indent=_first_line_indent(ppr),
        )

    def _table(self, tbl: Any) -> None:
        table, pages_spanned = _build_table(tbl, self.page)
        if table.n_rows:
            self._add(table)
        self.page += pages_spanned


def _breaks_before(p: Any) -> bool:
    ppr = p.find(_q("pPr"))
    return ppr is not None and ppr.find(_q("pageBreakBefore")) is not None


def _paragraph_segments(p: Any) -> list[str]:
    """Paragraph text split at explicit page breaks (w:br type=page)."""
    segments = [""]
    for node in p.iter(_q("t"), _q("tab"), _q("br"), _q("cr"), _q("sym")):
        if node.tag == _q("t"):
            segments[-1] += node.text or ""
        elif node.tag == _q("tab"):
            segments[-1] += " "
        elif node.tag == _q("br") and node.get(_q("type")) == "page":
            segments.append("")
        elif node.tag in (_q("br"), _q("cr")):
            segments[-1] += "\n"
    return segments


def _run_format(p: Any) -> tuple[float | None, bool]:
    sizes: list[float] = []
    bold_flags: list[bool] = []
    for r in p.iter(_q("r")):
        if not "".join(t.text or "" for t in r.iter(_q("t"))).strip():
            continue
        rpr = r.find(_q("rPr"))
        sz = rpr.find(_q("sz")) if rpr is not None else None
        if sz is not None and sz.get(_q("val"), "").isdigit():
            sizes.append(int(sz.get(_q("val"))) / 2)
        b = rpr.find(_q("b")) if rpr is not None else None
        bold_flags.append(b is not None and b.get(_q("val"), "true") not in ("0", "false"))
    return (max(sizes) if sizes else None), bool(bold_flags) and all(bold_flags)


def _alignment(ppr: Any) -> Any:
    jc = ppr.find(_q("jc")) if ppr is not None else None
    return _ALIGN.get(jc.get(_q("val"), "")) if jc is not None else None


def _style(ppr: Any) -> str | None:
    st = ppr.find(_q("pStyle")) if ppr is not None else None
    return st.get(_q("val")) if st is not None else None


def _first_line_indent(ppr: Any) -> float | None:
    ind = ppr.find(_q("ind")) if ppr is not None else None
    if ind is None:
        return None
    for attr, sign in (("firstLine", 1), ("hanging", -1)):
        v = ind.get(_q(attr))
        if v and v.lstrip("-").isdigit():
            return sign * int(v) / 20  # twips → points
    return None


def _build_table(tbl: Any, page: int) -> tuple[Table, int]:
    """Cells with spans from w:gridSpan / w:vMerge; returns the table and the page breaks inside it."""
    widths = [int(g.get(_q("w"), "0") or 0) for g in tbl.findall(f"{_q('tblGrid')}/{_q('gridCol')}")]
    cells: list[dict[str, Any]] = []
    open_merge: dict[int, dict[str, Any]] = {}  # grid column → cell whose vMerge is still open
    rows = tbl.findall(_q("tr"))
    breaks = 0
    for r, tr in enumerate(rows):
        header = tr.find(f"{_q('trPr')}/{_q('tblHeader')}") is not None
        breaks += sum(1 for br in tr.iter(_q("br")) if br.get(_q("type")) == "page")
        col = _grid_before(tr)
        for tc in tr.findall(_q("tc")):
            span = _int_prop(tc, "gridSpan", 1)
            merge = _vmerge(tc)
            if merge == "continue" and col in open_merge:
                open_merge[col]["row_span"] = r - open_merge[col]["row"] + 1
            else:
                cell = {"row": r, "col": col, "row_span": 1, "col_span": span, "text": _cell_text(tc),
                        "page": page + breaks, "is_header": header, "continues": merge == "continue"}
                cells.append(cell)
                if merge is None:
                    open_merge.pop(col, None)
                else:
                    open_merge[col] = cell
            col += span
    n_cols = max([len(widths)] + [c["col"] + c["col_span"] for c in cells]) if cells else 0
    table = Table(page=page, n_rows=len(rows), n_cols=n_cols, cells=[TableCell(**c) for c in cells],
                  col_widths=[float(w) for w in widths] or None, found_by="markup")
    return table, breaks


def _grid_before(tr: Any) -> int:
    gb = tr.find(f"{_q('trPr')}/{_q('gridBefore')}")
    v = gb.get(_q("val")) if gb is not None else None
    return int(v) if v and v.isdigit() else 0


def _int_prop(tc: Any, name: str, default: int) -> int:
    el = tc.find(f"{_q('tcPr')}/{_q(name)}")
    v = el.get(_q("val")) if el is not None else None
    return int(v) if v and v.isdigit() else default


def _vmerge(tc: Any) -> str | None:
    el = tc.find(f"{_q('tcPr')}/{_q('vMerge')}")
    if el is None:
        return None
    return "restart" if el.get(_q("val")) == "restart" else "continue"


def _cell_text(tc: Any) -> str:
    paras = ["".join(_paragraph_segments(p)).strip() for p in tc.iter(_q("p"))]
    return "\n".join(t for t in paras if t)
