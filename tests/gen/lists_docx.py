"""DOCX and PDF renderings of a generated list notice.

DOCX: markers typed into the text, or Word automatic numbering only (w:numPr → numbering.xml:
chineseCounting "%1、" / "（%2）", decimal "%3." / "（%4）", a separate list restarted by
w:startOverride for each requirements section; arabic numbers that run on across groups are
typed, as LibreOffice ignores w:lvlRestart). Page footer "— N —" and a running header. A joint notice's red head is a
two-column borderless table (bodies | 文件). PDF: LibreOffice from the automatic-numbering DOCX,
or reportlab with running headers and 第N页 共M页 / — N — footers, paragraphs wrapping across pages.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.gen.lists import ListNotice
from tests.gen.lists_render import Para, literal, name_rows, paragraphs, running_header

_KIND_LEVEL = {"cn_dun": 0, "cn_paren": 1, "arabic_dot": 2, "arabic_paren": 3}


def _w(tag: str) -> str:
    from docx.oxml.ns import qn
    return qn(f"w:{tag}")


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(_w(k), v)
    return el


def _level(ilvl: int, fmt: str, text: str, restart: str | None = None) -> Any:
    lvl = _el("lvl", ilvl=str(ilvl))
    lvl.append(_el("start", val="1"))
    lvl.append(_el("numFmt", val=fmt))
    if restart is not None:
        lvl.append(_el("lvlRestart", val=restart))
    lvl.append(_el("lvlText", val=text))
    lvl.append(_el("lvlJc", val="left"))
    return lvl


def _add_numbering(doc: Any, n: ListNotice) -> tuple[str, str]:
    """Two lists: the outline (abstract 90, num 90) and the requirements list (abstract 91)."""
    numbering = doc.part.numbering_part.element
    main = _el("abstractNum", abstractNumId="90")
    main.append(_level(0, "chineseCounting", "%1、"))
    main.append(_level(1, "chineseCounting", "（%2）"))
    main.append(_level(2, "decimal", f"%3{n.arabic_sep}"))
    main.append(_level(3, "decimal", "（%4）"))
    sub = _el("abstractNum", abstractNumId="91")
    sub.append(_level(0, "chineseCounting", "（%1）"))
    first_num = numbering.find(_w("num"))
    for a in (main, sub):
        if first_num is not None:
            first_num.addprevious(a)
        else:
            numbering.append(a)
    num = _el("num", numId="90")
    num.append(_el("abstractNumId", val="90"))
    numbering.append(num)
    return "90", "91"


def _sub_list(doc: Any, k: int) -> str:
    """A new instance of the requirements list, restarted at 1 by an override."""
    numbering = doc.part.numbering_part.element
    num_id = str(100 + k)
    num = _el("num", numId=num_id)
    num.append(_el("abstractNumId", val="91"))
    override = _el("lvlOverride", ilvl="0")
    override.append(_el("startOverride", val="1"))
    num.append(override)
    numbering.append(num)
    return num_id


def _set_num(paragraph: Any, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = _el("numPr")
    num_pr.append(_el("ilvl", val=str(ilvl)))
    num_pr.append(_el("numId", val=num_id))
    ppr.insert(0, num_pr)


def _field_footer(section: Any, style: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = ("— ", " —") if style == "dash" else ("第", "页")
    p.add_run(before)
    run = p.add_run()
    fld = _el("fldSimple", instr="PAGE")
    r = _el("r")
    t = _el("t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    run._r.addnext(fld)
    p.add_run(after)


def render_docx(n: ListNotice, path: Path, rng: random.Random, auto: bool) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    _field_footer(section, rng.choice(["dash", "page"]))
    section.header.paragraphs[0].text = running_header(n)
    style = doc.styles["Normal"]
    style.font.size = Pt(16)
    typed = _run_on_kinds(n)
    main_id = _add_numbering(doc, n)[0] if auto else ""
    sub_k = 0
    sub_id = ""
    paras = paragraphs(n)
    if n.joint:
        _red_head_table(doc, [b.written for b in n.issuers], n.head_columns)
    for p in paras:
        if p.role == "redhead" and n.joint:
            continue
        para = doc.add_paragraph()
        if p.node is not None and auto and p.node.kind not in typed:
            ilvl = _KIND_LEVEL[p.node.kind]
            if _in_requirements(p, n):
                if p.node.number == 1:
                    sub_k += 1
                    sub_id = _sub_list(doc, sub_k)
                _set_num(para, sub_id, 0)
            else:
                _set_num(para, main_id, ilvl)
            text = p.text
        else:
            text = literal(p, n)
        run = para.add_run(text)
        if p.role == "redhead":
            run.font.size, run.font.bold = Pt(26), True
            run.font.color.rgb = RGBColor(0xE0, 0, 0)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif p.role in ("docnum", "title"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if p.role == "title":
                run.font.size, run.font.bold = Pt(22), True
        elif p.role in ("signature", "date"):
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif p.role != "salutation":
            para.paragraph_format.first_line_indent = Pt(32)
    doc.save(str(path))
    return path


def _run_on_kinds(n: ListNotice) -> set[str]:
    """Kinds whose numbers run on across parents (（三） under 二、 after （一）（二） under 一、):
    typed, since Word would restart them (and LibreOffice ignores w:lvlRestart)."""
    out: set[str] = set()

    def visit(nodes: list[Any]) -> None:
        for i, node in enumerate(nodes):
            if node.number != i + 1:
                out.add(node.kind)
            visit(node.children)

    visit(n.nodes)
    return out


def _in_requirements(p: Para, n: ListNotice) -> bool:
    """A （一） item under a top section with no activities: its own list."""
    for top in n.nodes:
        if p.node in top.children:
            return p.node.kind == "cn_paren" and not any(
                c.activity or any(g.activity for g in c.children) for c in top.children)
    return False


def _red_head_table(doc: Any, names: list[str], columns: int) -> None:
    """A borderless red-head table: the bodies one a row (or two a row, the way long joint heads
    are set) beside one merged 文件 cell."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    rows = name_rows(names) if columns == 2 else [[x] for x in names]
    widths = [Cm(12)] if columns == 1 else [Cm(7), Cm(7)]
    word = Cm(3.5) if columns == 1 else Cm(2.5)
    table = doc.add_table(rows=len(rows), cols=len(widths) + 1)
    table.autofit = False
    for k, w in enumerate([*widths, word]):
        table.columns[k].width = w
    for i, row in enumerate(rows):
        for k, w in enumerate([*widths, word]):
            table.cell(i, k).width = w
        if len(row) < len(widths):  # a name alone on its row spans both name columns
            table.cell(i, 0).merge(table.cell(i, len(widths) - 1))
        for k, name in enumerate(row):
            cell = table.cell(i, k)
            run = cell.paragraphs[0].add_run(name)
            run.font.size, run.font.bold = Pt(18 if columns == 1 else 12), True
            run.font.color.rgb = RGBColor(0xE0, 0, 0)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
    last = len(widths)
    merged = table.cell(0, last).merge(table.cell(len(rows) - 1, last))
    run = merged.paragraphs[0].add_run("文件")
    run.font.size, run.font.bold = Pt(36 if columns == 1 else 26), True
    run.font.color.rgb = RGBColor(0xE0, 0, 0)


def docx_to_pdf(docx: Path, pdf: Path, timeout: float = 180.0) -> Path:
    """LibreOffice headless, one throwaway profile per call."""
    with tempfile.TemporaryDirectory(prefix="lo-gen-") as tmp:
        profile = Path(tmp) / "profile"
        out_dir = Path(tmp) / "out"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
            check=True, timeout=timeout, capture_output=True, start_new_session=True,
        )
        shutil.move(str(out_dir / (docx.stem + ".pdf")), pdf)
    return pdf


# ---------------------------------------------------------------- reportlab
_FONT = "STSong-Light"
_W, _H = 595.0, 842.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 79.0, 516.0, 760.0, 90.0


def render_pdf(n: ListNotice, path: Path, rng: random.Random) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    size = rng.choice([14.0, 15.0, 16.0])
    lines = _layout(n, size, pdfmetrics.stringWidth)
    pages: list[list[tuple[float, float, float, str, bool]]] = [[]]
    y = _TOP
    for x, fsize, text, gap, red in lines:
        y -= gap
        if y < _BOTTOM:
            pages.append([])
            y = _TOP - gap
        pages[-1].append((x, y, fsize, text, red))
    footer = rng.choice(["dash", "of"])
    cv = canvas.Canvas(str(path), pagesize=(_W, _H))
    header = running_header(n)
    for k, page in enumerate(pages, start=1):
        if k > 1:
            cv.setFont(_FONT, 9)
            cv.drawString(_LEFT, _H - 50, header)
            cv.line(_LEFT, _H - 54, _RIGHT, _H - 54)
        for x, y0, fsize, text, red in page:
            cv.setFillColorRGB(0.85 if red else 0, 0, 0)
            cv.setFont(_FONT, fsize)
            cv.drawString(x, y0, text)
        cv.setFillColorRGB(0, 0, 0)
        cv.setFont(_FONT, 11)
        label = f"— {k} —" if footer == "dash" else f"第{k}页 共{len(pages)}页"
        cv.drawCentredString(_W / 2, 45, label)
        cv.showPage()
    cv.save()
    return path


def _layout(n: ListNotice, size: float, width_of: Any) -> list[tuple[float, float, str, float, bool]]:
    """(x, font size, text, gap above, red) per visual line."""
    out: list[tuple[float, float, str, float, bool]] = []
    lead = size * 1.75
    for p in paragraphs(n):
        text = literal(p, n)
        if p.role == "redhead":
            fs = (22.0 if n.head_columns == 1 else 15.0) if n.joint else 26.0
            out.append(((_W - width_of(text, _FONT, fs)) / 2, fs, text, fs * 1.6, True))
            continue
        if p.role in ("docnum", "title"):
            fs = 20.0 if p.role == "title" else size
            out.append(((_W - width_of(text, _FONT, fs)) / 2, fs, text, fs * 1.8, False))
            continue
        if p.role in ("signature", "date"):
            out.append((_RIGHT - 2 * size - width_of(text, _FONT, size), size, text, lead, False))
            continue
        indent = 0.0 if p.role == "salutation" else 2 * size
        first = True
        for chunk in _wrap(text, _RIGHT - _LEFT, indent, size, width_of):
            out.append((_LEFT + (indent if first else 0.0), size, chunk, lead, False))
            first = False
    return out


def _wrap(text: str, width: float, indent: float, size: float, width_of: Any) -> list[str]:
    out: list[str] = []
    cur = ""
    avail = width - indent
    for ch in text:
        if width_of(cur + ch, _FONT, size) > avail:
            out.append(cur)
            cur, avail = "", width
        cur += ch
    if cur:
        out.append(cur)
    return out
