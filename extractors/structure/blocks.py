"""Layout → a flat stream of blocks: paragraphs (line wraps undone) and tables.

Page furniture (page numbers, running headers/footers) is dropped first; then visual
lines of geometric formats are joined into paragraphs. A new paragraph starts at a
numbered marker, after a line that ends short of the right margin, at an indented or
centred line, or where the font changes. DOCX/HTML paragraphs pass through unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from schemas import BBox, LayoutDocument, Table, TextLine

PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－─_~·.]+\s*\d{1,4}\s*[—–\-－─_~·.]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|-?\s*\d{1,3}\s*-?)\s*$"
)
MARKER_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、．.]|[（(]\s*[一二三四五六七八九十百]+\s*[）)]|\d{1,3}\s*[、．.](?!\d)"
    r"|[（(]\s*\d{1,3}\s*[）)]|[①-⑳]|[⑴-⒇]|第[一二三四五六七八九十百]+[条章节])"
)
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


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text)) and len(text.strip()) <= 16


def strip_furniture(doc: LayoutDocument) -> list[list[TextLine | Table]]:
    """Per page, the items with page numbers and repeated running headers/footers removed."""
    repeated = _running_lines(doc)
    pages: list[list[TextLine | Table]] = []
    for page in doc.pages:
        keep: list[TextLine | Table] = []
        for item in page.items:
            if isinstance(item, TextLine) and (is_page_number(item.text) or _norm(item.text) in repeated):
                continue
            keep.append(item)
        pages.append(keep)
    return pages


def _running_lines(doc: LayoutDocument) -> set[str]:
    """Short lines that sit at the very top or bottom of at least 3 pages and half of them."""
    if len(doc.pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in doc.pages:
        lines = [i for i in page.items if isinstance(i, TextLine) and i.bbox is not None]
        edge = {_norm(x.text) for x in lines[:1] + lines[-1:] if len(_norm(x.text)) <= 30}
        counts.update(edge)
    threshold = max(3, len(doc.pages) // 2)
    return {t for t, n in counts.items() if n >= threshold and t}


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
    if MARKER_START.match(line.text) and not _mid_sentence(last, margin, size):
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
