"""Render a generated notice to DOCX (python-docx): title lines, doc number, body, signature,
attachment with the activity table (vMerge spans, gridSpan group rows and two-row headers,
tblHeader repeat or not, full grid / horizontal rules / borderless), portrait or landscape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gen.tables_grid import BodyRow, body_rows, head_cells
from tests.gen.tables_spec import Notice, chinese_date

FONT = "宋体"


def render_docx(n: Notice, path: Path) -> Path:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = docx.Document()
    sec = d.sections[0]
    if n.traits.landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for line in n.title_lines:
        _para(d, line, 18, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    if not n.traits.title_only:
        if n.doc_number:
            _para(d, n.doc_number, 14, WD_ALIGN_PARAGRAPH.CENTER)
        _para(d, "各有关单位：", 14)
        for p in n.body:
            para = _para(d, p, 14)
            para.paragraph_format.first_line_indent = Pt(28)
        _para(d, "附件：" + n.table_title, 14)
        _para(d, n.issuer, 14, WD_ALIGN_PARAGRAPH.RIGHT)
        _para(d, chinese_date(n.date), 14, WD_ALIGN_PARAGRAPH.RIGHT)
        d.add_page_break()
        _para(d, "附件", 14)
        _para(d, n.table_title, 16, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _table(d, n, sec.page_width - sec.left_margin - sec.right_margin)
    d.save(str(path))
    return path


def _para(d: Any, text: str, size: float, align: Any = None, bold: bool = False) -> Any:

    p = d.add_paragraph()
    if align is not None:
        p.alignment = align
    _run(p, text, size, bold)
    return p


def _run(p: Any, text: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    r = p.add_run(text)
    r.font.size = Pt(size)
    r.bold = bold
    r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _table(d: Any, n: Notice, width: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    n_head, heads = head_cells(n.columns)
    rows = body_rows(n)
    t = d.add_table(rows=n_head + len(rows), cols=len(n.columns))
    if n.traits.rules == "full":
        t.style = "Table Grid"
    else:
        _borders(t, n.traits.rules)
    total = sum(c.width for c in n.columns)
    t.autofit = False
    for k, col in enumerate(t.columns):
        col.width = int(width * n.columns[k].width / total)
    for r in t.rows:
        for k, cell in enumerate(r.cells):
            cell.width = int(width * n.columns[k].width / total)
    for h in heads:
        cell = t.cell(h.row, h.col)
        if h.row_span > 1 or h.col_span > 1:
            cell = cell.merge(t.cell(h.row + h.row_span - 1, h.col + h.col_span - 1))
        _text(cell, h.text, n.traits.font_size, bold=True)
    for r in range(n_head):
        tr_pr = t.rows[r]._tr.get_or_add_trPr()
        if n.traits.repeat_header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if n.traits.rules == "borderless":
            for cell in t.rows[r].cells:
                _cell_border(cell, "bottom" if r == n_head - 1 else None)
    for i, row in enumerate(rows):
        _body_row(t, n_head + i, row, n, qn)


def _body_row(t: Any, r: int, row: BodyRow, n: Notice, qn: Any) -> None:
    size = n.traits.font_size
    if row.kind == "group":
        cell = t.cell(r, 0).merge(t.cell(r, len(n.columns) - 1))
        _text(cell, row.texts[0], size, bold=True)
        return
    for k, text in enumerate(row.texts):
        span = row.span[k]
        if span == 0:
            continue
        cell = t.cell(r, k)
        if span > 1:
            cell = cell.merge(t.cell(r + span - 1, k))
        _text(cell, text, size)


def _text(cell: Any, text: str, size: float, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for p in cell.paragraphs[1:]:
        p._element.getparent().remove(p._element)
    for run in list(first.runs):
        run._element.getparent().remove(run._element)
    _run(first, lines[0], size, bold)
    for line in lines[1:]:
        _run(cell.add_paragraph(), line, size, bold)


def _borders(t: Any, rules: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = t._tbl.tblPr
    b = OxmlElement("w:tblBorders")
    sides = ["top", "bottom"] + (["insideH"] if rules == "hrules" else [])
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if side in sides else "nil")
        if side in sides:
            el.set(qn("w:sz"), "8")
            el.set(qn("w:color"), "000000")
        b.append(el)
    tbl_pr.append(b)


def _cell_border(cell: Any, side: str | None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if side is None:
        return
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), "8")
    el.set(qn("w:color"), "000000")
    borders.append(el)
    tc_pr.append(borders)
