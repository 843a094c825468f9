"""Layout → a flat stream of blocks: paragraphs (line wraps undone) and tables.

Page furniture (page numbers, running headers/footers) is dropped first; then visual
lines of geometric formats are joined into paragraphs. A new paragraph starts at a
numbered marker, after a line that ends short of the right margin, at an indented or
centred line, or where the font changes. DOCX/HTML paragraphs pass through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.readers.furniture import PAGE_NUMBER, is_label_line, is_page_number
from rules.markers import MARKER_START
from schemas import BBox, LayoutDocument, Table, TextLine

__all__ = ["PAGE_NUMBER", "Block", "BlockItem", "build_blocks", "is_page_number", "strip_furniture"]

SENTENCE_END = "。！？；：:;!?”）)"


@dataclass
class Block:
    text: str
    pages: list[int]
    bbox: BBox | None = None
    font_size: float | None = None
    bold: bool = False
    align: str | None = None
    list_marker: str | None = None
    lines: list[TextLine] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.pages[0]


BlockItem = Block | Table


def strip_furniture(doc: LayoutDocument) -> list[list[TextLine | Table]]:
    """Per page, the items with page numbers and running headers/footers removed."""
    repeated = _running_lines(doc)
    body = _body_size(doc)
    pages: list[list[TextLine | Table]] = []
    for page in doc.pages:
        edges = _lone_edge_lines(page.items, body)
        keep: list[TextLine | Table] = []
        for k, item in enumerate(page.items):
            if isinstance(item, TextLine) and (is_page_number(item.text) or _furniture_key(item.text) in repeated
                                               or k in edges):
                continue
            keep.append(item)
        pages.append(keep)
    return pages


def _edge_lines(items: list[TextLine | Table]) -> list[tuple[int, TextLine]]:
    lines = [(k, i) for k, i in enumerate(items) if isinstance(i, TextLine) and i.bbox is not None]
    return lines[:2] + lines[-2:] if len(lines) > 4 else lines


def _running_lines(doc: LayoutDocument) -> set[str]:
    """Short lines at the top or bottom of a page (digits aside: 第2页 = 第3页) that recur at the
    same height on at least two pages and on half of them, once per page (a running header is
    printed once on a page; text repeated within a page is content)."""
    if len(doc.pages) < 2:
        return set()
    where: dict[str, dict[int, float]] = {}
    twice: set[str] = set()
    for page in doc.pages:
        seen: set[str] = set()
        for _, line in _edge_lines(page.items):
            key = _furniture_key(line.text)
            if key in seen:
                twice.add(key)
            seen.add(key)
            if key and len(key) <= 40 and line.bbox is not None:
                where.setdefault(key, {}).setdefault(page.number, line.bbox.top)
    for key in twice:
        where.pop(key, None)
    threshold = max(2, len(doc.pages) // 2)
    out: set[str] = set()
    for key, tops in where.items():
        heights = sorted(tops.values())
        if len(tops) >= threshold and heights[-1] - heights[0] <= 4.0:
            out.add(key)
    return out


def _lone_edge_lines(items: list[TextLine | Table], body: float) -> set[int]:
    """A page's first or last line set in a small font well apart from the text (a running
    header over a rule, a footer line): furniture even when it does not recur."""
    lines = [(k, i) for k, i in enumerate(items) if isinstance(i, TextLine) and i.bbox is not None]
    if len(lines) < 3 or not body:
        return set()
    out: set[int] = set()
    for (k, line), (_, other) in ((lines[0], lines[1]), (lines[-1], lines[-2])):
        assert line.bbox is not None and other.bbox is not None
        size = line.font_size or body
        gap = max(other.bbox.top - line.bbox.bottom, line.bbox.top - other.bbox.bottom)
        if size < 0.8 * body and gap > 1.5 * body and len(_norm(line.text)) <= 40:
            out.add(k)
    return out


def _body_size(doc: LayoutDocument) -> float:
    sizes = sorted(i.font_size for p in doc.pages for i in p.items if isinstance(i, TextLine) and i.font_size
                   and i.bbox is not None)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", _norm(text))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build_blocks(doc: LayoutDocument) -> list[BlockItem]:
    out: list[BlockItem] = []
    pages = strip_furniture(doc)
    usual = _usual_margins(pages)
    for page_items in pages:
        margin = _widen(_margins(page_items), usual)
        for item in page_items:
            if isinstance(item, Table):
                out.append(item)
            elif item.kind == "paragraph" or item.bbox is None:
                out.append(_paragraph_block(item))
            else:
                _append_line(out, item, margin)
    return out


def _paragraph_block(line: TextLine) -> Block:
    return Block(text=line.text.strip(), pages=[line.page], bbox=line.bbox, font_size=line.font_size,
                 bold=line.bold, align=line.align, list_marker=line.list_marker, lines=[line])


def _margins(items: list[TextLine | Table]) -> tuple[float, float] | None:
    boxes = [i.bbox for i in items if isinstance(i, TextLine) and i.bbox is not None]
    return (min(b.x0 for b in boxes), max(b.x1 for b in boxes)) if boxes else None


def _usual_margins(pages: list[list[TextLine | Table]]) -> tuple[float, float] | None:
    """The median text margins over pages: a sparse last page must not shrink them."""
    found = [m for m in (_margins(p) for p in pages) if m is not None]
    if not found:
        return None
    lefts, rights = sorted(m[0] for m in found), sorted(m[1] for m in found)
    return lefts[len(lefts) // 2], rights[len(rights) // 2]


def _widen(page: tuple[float, float] | None, usual: tuple[float, float] | None) -> tuple[float, float] | None:
    if page is None or usual is None:
        return page
    return min(page[0], usual[0]), max(page[1], usual[1])


def _append_line(out: list[BlockItem], line: TextLine, margin: tuple[float, float] | None) -> None:
    prev = _last_block(out)
    if prev is not None and _continues(prev, line, margin):
        prev.text += line.text.strip()
        if line.page not in prev.pages:
            prev.pages.append(line.page)
        prev.lines.append(line)
        return
    out.append(_paragraph_block(line))


def _last_block(out: list[BlockItem]) -> Block | None:
    """The paragraph a line may continue: the last block, looking past a page break."""
    return out[-1] if out and isinstance(out[-1], Block) else None


def _continues(prev: Block, line: TextLine, margin: tuple[float, float] | None) -> bool:
    last = prev.lines[-1]
    if last.bbox is None or line.bbox is None or margin is None:
        return False
    size = line.font_size or 12.0
    if abs((last.font_size or size) - size) > 0.6 or last.bold != line.bold:
        return False
    if is_page_number(line.text):
        return False
    if is_label_line(line.text):
        return False  # 牵头单位：… under an item is a line of its own
    if MARKER_START.match(line.text) and (not _mid_sentence(last, margin, size) or is_label_line(prev.text)):
        return False
    if prev.align == "center" or _is_centred(line, margin) or _is_set_off(last, margin, size):
        return False
    short = margin[1] - last.bbox.x1
    if short > 10 * size or (short > 2.5 * size and last.text.rstrip()[-1:] in SENTENCE_END):
        return False  # previous line ended short: paragraph end
    if line.bbox.x0 - _left_edge(prev) > 1.5 * size:  # indented first line
        return False
    return not _both_indented(last, line, margin, size)


def _mid_sentence(last: TextLine, margin: tuple[float, float], size: float) -> bool:
    """The previous line runs to the right margin and stops mid-sentence, so a marker-like
    start of the next line (（一）, 2、) is inside a sentence, not a new item."""
    assert last.bbox is not None
    tail = last.text.rstrip()[-1:]
    return margin[1] - last.bbox.x1 < 0.5 * size and tail != "" and tail not in SENTENCE_END + "，、,"


def _both_indented(last: TextLine, line: TextLine, margin: tuple[float, float], size: float) -> bool:
    """Two lines indented alike from the left margin: wrapped text returns to the margin, so
    the second line opens a new paragraph (a one-line heading, a list of slogans or names)."""
    assert last.bbox is not None and line.bbox is not None
    indented = line.bbox.x0 - margin[0] > 1.5 * size
    ended_short = margin[1] - last.bbox.x1 > 0.5 * size  # a full justified line reaches the margin
    return indented and ended_short and abs(line.bbox.x0 - last.bbox.x0) < size


def _left_edge(prev: Block) -> float:
    return min(ln.bbox.x0 for ln in prev.lines if ln.bbox is not None)


def _is_set_off(line: TextLine, margin: tuple[float, float], size: float) -> bool:
    """A line starting well right of the first-line indent (centred, right-aligned: a doc
    number, signature or date) stands alone: wrapped text never continues it."""
    return line.bbox is not None and line.bbox.x0 - margin[0] > 3.5 * size


def _is_centred(line: TextLine, margin: tuple[float, float]) -> bool:
    if line.bbox is None:
        return False
    left_gap = line.bbox.x0 - margin[0]
    right_gap = margin[1] - line.bbox.x1
    size = line.font_size or 12.0
    return left_gap > 4 * size and abs(left_gap - right_gap) < 3 * size and right_gap > 2 * size
