"""Render a generated notice to PDF with reportlab: cover page(s) with title, body and signature,
then the activity table paginated by hand — full grid, horizontal rules only, or borderless
(rules above and below the header and under the last row); header repeated or not; 续表 /
附件（续） lines; rows split across page breaks or moved whole; merged cells whose text is printed
at the top of the span, centred in the whole span (possibly on a later page) or repeated on
each page; page numbers; portrait or landscape."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.gen.tables_grid import BodyRow, body_rows, head_cells
from tests.gen.tables_spec import Notice, chinese_date

FONTS = ("STSong-Light", "WQY")
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
MARGIN = 54.0
PAD = 3.0
# chars a font's cmap cannot encode, drawn through the code it maps to the same glyph: STSong-Light's
# UCS-2 cmap has no U+00B7, its GB interpunct (A1A4) is reached through U+30FB and its ToUnicode gives
# U+00B7 back — drawn as written, "5·20" would print as "520" while the truth says 5·20
FONT_CODES: dict[str, dict[str, str]] = {"STSong-Light": {"\u00b7": "\u30fb"}}


def encodable(text: str, font: str) -> str:
    """``text`` as the font can draw it (see ``FONT_CODES``)."""
    codes = FONT_CODES.get(font, {})
    return "".join(codes.get(ch, ch) for ch in text) if codes else text


@dataclass
class _Piece:
    """One data row's slice on one page: its lines per column (split rows give two pieces)."""

    row: int
    lines: list[list[str]]
    height: float
    first: bool = True


@dataclass
class _PageTable:
    pieces: list[_Piece] = field(default_factory=list)
    top: float = 0.0  # where the table starts (points from the top)
    head: bool = True


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    if "WQY" not in pdfmetrics.getRegisteredFontNames() and Path(WQY).exists():
        pdfmetrics.registerFont(TTFont("WQY", WQY, subfontIndex=0))


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    for para in encodable(text or "", font).split("\n"):
        line = ""
        for ch in para:
            if line and stringWidth(line + ch, font, size) > width:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out if any(out) else []


class _Renderer:
    def __init__(self, n: Notice, path: Path) -> None:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.pdfgen import canvas

        _fonts()
        self.n, self.t = n, n.traits
        self.rng = random.Random(n.seed * 7 + 1)
        self.font = self.rng.choice(FONTS) if Path(WQY).exists() else FONTS[0]
        self.size = n.traits.font_size
        self.lead = self.size * 1.35
        self.w, self.h = landscape(A4) if n.traits.landscape else A4
        self.cv = canvas.Canvas(str(path), pagesize=(self.w, self.h))
        self.page_no = 0
        total = sum(c.width for c in n.columns)
        avail = self.w - 2 * MARGIN
        self.xs = [MARGIN]
        for c in n.columns:
            self.xs.append(self.xs[-1] + avail * c.width / total)
        self.n_head, self.heads = head_cells(n.columns)
        self.rows = body_rows(n)
        self.mark = self.rng.choice(["续表", "附件（续）", "title"]) if n.traits.continued_mark else None

    # ------------------------------------------------------------ text pages
    def text(self, s: str, y: float, size: float, align: str = "left", x: float | None = None) -> None:
        self.cv.setFont(self.font, size)
        yy = self.h - y - size
        s = encodable(s, self.font)
        if align == "center":
            self.cv.drawCentredString(self.w / 2, yy, s)
        elif align == "right":
            self.cv.drawRightString(self.w - MARGIN - 20, yy, s)
        else:
            self.cv.drawString(x if x is not None else MARGIN, yy, s)

    def end_page(self) -> None:
        self.page_no += 1
        self.text(f"— {self.page_no} —", self.h - MARGIN / 2 - 6, 10, "center")
        self.cv.showPage()

    def cover(self) -> float:
        y = MARGIN + 20
        for line in self.n.title_lines:
            self.text(line, y, 20, "center")
            y += 30
        if self.t.title_only:
            return y + 6
        if self.n.doc_number:
            self.text(self.n.doc_number, y, 14, "center")
            y += 30
        self.text("各有关单位：", y, 14)
        y += 24
        width = self.w - 2 * MARGIN
        for p in self.n.body:
            for line in wrap("\u3000\u3000" + p, width, self.font, 14):
                self.text(line, y, 14)
                y += 22
        self.text("附件：" + self.n.table_title, y + 10, 14)
        y += 56
        self.text(self.n.issuer, y, 14, "right")
        self.text(chinese_date(self.n.date), y + 24, 14, "right")
        self.end_page()
        y = MARGIN
        self.text("附件", y, 14)
        self.text(self.n.table_title, y + 28, 16, "center")
        return y + 60

    # ------------------------------------------------------------ table layout
    def col_lines(self, k: int, text: str, size: float | None = None) -> list[str]:
        return wrap(text, self.xs[k + 1] - self.xs[k] - 2 * PAD, self.font, size or self.size)

    def row_lines(self, row: BodyRow) -> list[list[str]]:
        if row.kind == "group":
            return [wrap(row.texts[0], self.xs[-1] - self.xs[0] - 2 * PAD, self.font, self.size)] + \
                [[] for _ in row.texts[1:]]
        return [self.col_lines(k, t) if row.span[k] == 1 else [] for k, t in enumerate(row.texts)]

    def row_height(self, lines: list[list[str]]) -> float:
        return max(1, max(len(x) for x in lines)) * self.lead + 2 * PAD

    def head_heights(self) -> list[float]:
        hs = [self.lead + 2 * PAD] * self.n_head
        for c in self.heads:
            need = len(self.col_lines(c.col, c.text)) * self.lead + 2 * PAD if c.col_span == 1 else 0
            if c.row_span == 1:
                hs[c.row] = max(hs[c.row], need)
        return hs

    def paginate(self, top: float) -> list[_PageTable]:
        heights = self.head_heights()
        bottom = self.h - MARGIN - 10
        pages = [_PageTable(top=top)]
        y = top + sum(heights)
        for i, row in enumerate(self.rows):
            lines = self.row_lines(row)
            hh = self.row_height(lines)
            if y + hh > bottom:
                room = int((bottom - y - 2 * PAD) // self.lead)
                if self.t.split_rows and row.kind == "data" and room >= 1 and max(len(x) for x in lines) > room:
                    pages[-1].pieces.append(_Piece(i, [x[:room] for x in lines], room * self.lead + 2 * PAD))
                    lines = [x[room:] for x in lines]
                    hh = self.row_height(lines)
                    pages.append(self._new_page_table(heights))
                    pages[-1].pieces.append(_Piece(i, lines, hh, first=False))
                    y = pages[-1].top + (sum(heights) if pages[-1].head else 0) + hh
                    continue
                pages.append(self._new_page_table(heights))
                y = pages[-1].top + (sum(heights) if pages[-1].head else 0)
            pages[-1].pieces.append(_Piece(i, lines, hh))
            y += hh
        return pages

    def _new_page_table(self, heights: list[float]) -> _PageTable:
        top = MARGIN + (26 if self.mark else 0)
        return _PageTable(top=top, head=self.t.repeat_header)

    # ------------------------------------------------------------ drawing
    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.cv.setLineWidth(0.7)
        self.cv.line(x0, self.h - y0, x1, self.h - y1)

    def draw_table(self, pages: list[_PageTable]) -> None:
        spans = _span_placement(self, pages)
        for p, pt in enumerate(pages):
            if p:
                if self.mark:
                    self.text(self.n.table_title if self.mark == "title" else self.mark, MARGIN, 12,
                              "center" if self.mark == "title" else "left")
            y = pt.top
            if pt.head or p == 0:
                y = self.draw_head(y)
            head_bottom = y
            ys = [y]
            for piece in pt.pieces:
                ys.append(ys[-1] + piece.height)
            self.draw_rules(pt, ys, pt.top, head_bottom)
            for j, piece in enumerate(pt.pieces):
                self.draw_piece(piece, ys[j])
            for (_page, col, y_first, lines) in spans.get_page(p):
                self.cell_lines(col, 1, y_first, lines)
            self.end_page()

    def draw_head(self, y: float) -> float:
        heights = self.head_heights()
        ys = [y]
        for hh in heights:
            ys.append(ys[-1] + hh)
        for c in self.heads:
            x0, x1 = self.xs[c.col], self.xs[c.col + c.col_span]
            top, bot = ys[c.row], ys[c.row + c.row_span]
            lines = wrap(c.text, x1 - x0 - 2 * PAD, self.font, self.size)
            start = top + (bot - top - len(lines) * self.lead) / 2
            self.cv.setFont(self.font, self.size)
            for i, ln in enumerate(lines):
                self.cv.drawCentredString((x0 + x1) / 2, self.h - (start + i * self.lead + self.size), ln)
            if self.t.rules == "full":
                self.line(x0, top, x1, top)
                self.line(x0, top, x0, bot)
                self.line(x1, top, x1, bot)
                self.line(x0, bot, x1, bot)
            elif c.row_span + c.row == self.n_head or c.col_span > 1:
                if c.col_span > 1 and self.t.rules != "full":
                    self.line(x0 + 4, bot, x1 - 4, bot)  # the short rule under a parent header
        if self.t.rules != "full":
            self.line(self.xs[0], ys[0], self.xs[-1], ys[0])
            self.line(self.xs[0], ys[-1], self.xs[-1], ys[-1])
        return ys[-1]

    def draw_rules(self, pt: _PageTable, ys: list[float], top: float, head_bottom: float) -> None:
        rules = self.t.rules
        x0, x1 = self.xs[0], self.xs[-1]
        if rules == "borderless":
            self.line(x0, ys[-1], x1, ys[-1])
            if not pt.head and pt.pieces:
                self.line(x0, ys[0], x1, ys[0])
            return
        self.line(x0, ys[0], x1, ys[0])
        self.line(x0, ys[-1], x1, ys[-1])
        for j, piece in enumerate(pt.pieces):
            row = self.rows[piece.row]
            nxt = pt.pieces[j + 1] if j + 1 < len(pt.pieces) else None
            for k in range(len(self.n.columns)):
                covered = nxt is not None and self.rows[nxt.row].kind == "data" and \
                    self.rows[nxt.row].span[k] == 0
                if not covered:
                    self.line(self.xs[k], ys[j + 1], self.xs[k + 1], ys[j + 1])
            if rules == "full":
                inner = [] if row.kind == "group" else list(range(1, len(self.xs) - 1))
                for k in [0, *inner, len(self.xs) - 1]:
                    self.line(self.xs[k], ys[j], self.xs[k], ys[j + 1])

    def draw_piece(self, piece: _Piece, y: float) -> None:
        row = self.rows[piece.row]
        for k, lines in enumerate(piece.lines):
            if row.kind == "data" and row.span[k] != 1:
                continue
            self.cell_lines(k, 1, y + PAD, lines, center=row.kind == "data" and self.n.columns[k].role == "seq")

    def cell_lines(self, k: int, span: int, y: float, lines: list[str], center: bool = False) -> None:
        self.cv.setFont(self.font, self.size)
        x0, x1 = self.xs[k], self.xs[k + span]
        for i, ln in enumerate(lines):
            yy = self.h - (y + i * self.lead + self.size)
            if center:
                self.cv.drawCentredString((x0 + x1) / 2, yy, ln)
            else:
                self.cv.drawString(x0 + PAD, yy, ln)


class _Spans(dict):  # type: ignore[type-arg]
    def get_page(self, p: int) -> list[tuple[int, int, float, list[str]]]:
        return self.get(("page", p), [])


def _span_placement(r: _Renderer, pages: list[_PageTable]) -> _Spans:
    """Where each merged cell's lines are printed: (page, column, y of the first line, lines)."""
    where: dict[int, list[tuple[int, float, float]]] = {}  # row → [(page, y, height)]
    for p, pt in enumerate(pages):
        y = pt.top + (sum(r.head_heights()) if pt.head or p == 0 else 0)
        for piece in pt.pieces:
            where.setdefault(piece.row, []).append((p, y, piece.height))
            y += piece.height
    out = _Spans()
    for i, row in enumerate(r.rows):
        if row.kind != "data":
            continue
        for k, span in enumerate(row.span):
            if span <= 1:
                continue
            parts: list[tuple[int, float, float]] = []  # (page, top, height) merged per page
            for rr in range(i, i + span):
                for p, y, hh in where.get(rr, []):
                    if parts and parts[-1][0] == p:
                        parts[-1] = (p, parts[-1][1], parts[-1][2] + hh)
                    else:
                        parts.append((p, y, hh))
            lines = r.col_lines(k, row.texts[k])
            _place(r, out, k, parts, lines)
    return out


def _place(r: _Renderer, out: _Spans, k: int, parts: list[tuple[int, float, float]], lines: list[str]) -> None:
    mode = r.t.span_label
    block = len(lines) * r.lead
    if mode == "repeat":
        for p, top, hh in parts:
            fit = max(1, int((hh - 2 * PAD) // r.lead))
            out.setdefault(("page", p), []).append((p, k, top + max(PAD, (hh - block) / 2), lines[:fit]
                                                    if fit < len(lines) else lines))
        return
    total = sum(hh for _, _, hh in parts)
    offset = PAD if mode == "first" else max(PAD, (total - block) / 2)
    # lines flow through the parts: a line whose slot falls past a part's end goes to the next part
    acc = 0.0
    i = 0
    for p, top, hh in parts:
        mine: list[str] = []
        first_y = None
        while i < len(lines):
            pos = offset + i * r.lead
            if pos + r.lead > acc + hh - PAD + 0.01 and pos >= acc:
                break
            if pos < acc:
                offset += acc - pos  # pushed to the top of this part
                continue
            if first_y is None:
                first_y = top + (pos - acc)
            mine.append(lines[i])
            i += 1
        if mine and first_y is not None:
            out.setdefault(("page", p), []).append((p, k, first_y, mine))
        acc += hh
    if i < len(lines) and parts:  # did not fit: the rest at the end of the last part
        p, top, hh = parts[-1]
        out.setdefault(("page", p), []).append((p, k, top + PAD, lines[i:]))


def render_pdf(n: Notice, path: Path) -> Path:
    r = _Renderer(n, path)
    top = r.cover()
    r.draw_table(r.paginate(top))
    r.cv.save()
    return path


def render_scan(pdf: Path, path: Path, dpi: int = 150, seed: int = 0) -> Path:
    """An image-only PDF of ``pdf``'s pages (rendered, slightly tilted), as a scanner gives."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    doc = pdfium.PdfDocument(str(pdf))
    images: list[Any] = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72).to_pil().convert("L")
        images.append(img.rotate(rng.uniform(-0.4, 0.4), expand=False, fillcolor=255))
    doc.close()
    images[0].save(str(path), "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path
