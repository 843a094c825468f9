"""HTML reader (lxml): boilerplate stripped, block elements → paragraphs, data tables → tables.

Government pages wrap a notice in navigation, scripts and footers; those are removed
first (by tag, and by id/class words such as nav, menu, footer), then by what they hold,
whatever the site's markup: elements made mostly of links (navigation, sidebars, related
articles) and lines holding the site's phrases (版权所有, 打印本页, 发布时间：…; both in
data/web_furniture.toml). Then the document is
walked in order: each block element (p, div, h1-h6, li, ...) or ``<br>`` ends a paragraph.
A ``<table>`` with at least two rows and two columns and no nested table is a data table
(rowspan/colspan read directly, ``<br>`` and paragraphs inside a cell kept as line breaks);
any other table is page layout and its cells are walked as ordinary flow.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from extractors.errors import BadInputError
from extractors.readers.encoding import UndecodableError, decode_bytes
from extractors.readers.html_style import StyleSheet, TextStyle
from schemas import Page, Table, TableCell, TextLine

HTML_READER_VERSION = "2"
_DROP_TAGS = ("script", "style", "noscript", "nav", "aside", "form", "iframe", "template", "button",
              "select", "head", "object", "svg")
_PAGE_BANDS = ("header", "footer")  # dropped unless inside <article>/<main> (an article's own header holds its title)
_BOILERPLATE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|sidebar|share|"
                          r"toolbar|copyright|banner|topbar|search|login)(?:$|[\s_-])", re.I)
_BLOCK = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                    "blockquote", "pre", "section", "article", "main", "center", "address", "hr", "tr",
                    "caption", "figure", "figcaption", "body", "td", "th"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_SPACES = re.compile(r"[ \t\r\n\u00a0\u3000]+")


def read_html(path: Path) -> tuple[list[Page], list[str]]:
    root = parse_html(path.read_bytes(), path.name)
    sheet = StyleSheet.from_root(root)
    strip_boilerplate(root)
    body = root.find(".//body")
    drop_link_lists(body if body is not None else root)
    walker = _FlowWalker(sheet)
    walker.walk(body if body is not None else root)
    walker.flush()
    if not walker.items:
        raise BadInputError(f"{path.name}: HTML page has no visible text", code="html.empty",
                            expected="a page with the notice text")
    return [Page(number=1, items=walker.items)], []


def parse_html(data: bytes, name: str) -> Any:
    match = _CHARSET.search(data[:4096])
    try:
        decoded = decode_bytes(data, match.group(1).decode("ascii") if match else None)
    except UndecodableError as exc:
        raise BadInputError(f"{name}: {exc}", code="html.encoding") from exc
    text = _XML_DECL.sub("", decoded.text, count=1)
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise BadInputError(f"{name}: not parseable as HTML: {exc}", code="html.damaged") from exc


def strip_boilerplate(root: Any) -> None:
    """Remove non-content elements in place: by tag, by comment, by id/class word."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(root.iter(*_PAGE_BANDS)):
        if not any(a.tag in ("article", "main") for a in el.iterancestors()):
            _drop(el)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.tag not in ("html", "body") and _is_boilerplate(el):
            _drop(el)


@lru_cache(maxsize=1)
def _furniture() -> dict[str, Any]:
    return tomllib.loads(resources.files("extractors").joinpath("data/web_furniture.toml").read_text("utf-8"))


def drop_link_lists(el: Any) -> None:
    """Remove navigation, sidebars and related-article lists by what they hold, not by their
    markup: elements made mostly of links (at least a few) with little plain text."""
    rules = _furniture()
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        links = [a for a in child.iter("a")]
        total = len(_text_of(child))
        link_text = sum(len(_text_of(a)) for a in links)
        if len(links) >= rules["min_links"] and total and link_text / total > rules["link_share"] \
                and total - link_text <= rules["max_plain_chars"]:
            _drop(child)
        else:
            drop_link_lists(child)


def is_site_line(text: str) -> bool:
    """A line of the site's furniture (版权所有, 打印本页, 发布时间：…), not of the notice."""
    rules = _furniture()
    t = _SPACES.sub("", text)
    return len(t) <= rules["max_chars"] and any(p in t for p in rules["phrases"])


def _is_boilerplate(el: Any) -> bool:
    words = f"{el.get('id', '')} {el.get('class', '')}".strip()
    if not words or not _BOILERPLATE.search(words):
        return False
    return len(_text_of(el)) < 200  # a "header" div holding the whole notice is content


def _drop(el: Any) -> None:
    """Remove an element but keep its tail text in the document."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text_of(el: Any) -> str:
    return _SPACES.sub("", "".join(el.itertext()))


def is_data_table(table: Any) -> bool:
    rows = _rows(table)
    if len(rows) < 2 or any(True for _ in table.iterdescendants("table")):
        return False
    return max(sum(_span(c, "colspan") for c in _cells(r)) for r in rows) >= 2


def _rows(table: Any) -> list[Any]:
    return [tr for tr in table.iter("tr") if _owning_table(tr) is table]


def _owning_table(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cells(tr: Any) -> list[Any]:
    return [c for c in tr if c.tag in ("td", "th")]


def _span(cell: Any, attr: str) -> int:
    raw = re.sub(r"\D", "", cell.get(attr, "") or "")
    return max(1, min(int(raw), 1000)) if raw else 1


class _FlowWalker:
    """Walks the tree in document order, collecting inline text into paragraphs."""

    def __init__(self, sheet: StyleSheet) -> None:
        self.sheet = sheet
        self.items: list[TextLine | Table] = []
        self.buffer: list[str] = []
        self.style: TextStyle = TextStyle()
        self.tag = "p"

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and is_data_table(el):
            self.flush()
            self.items.append(build_table(el, self.sheet))
        elif tag == "br":
            self.flush()
        else:
            block = tag in _BLOCK or tag == "table"
            saved = (self.tag, self.style)
            if block:
                self.flush()
                self.tag, self.style = tag, self.sheet.style_of(el)
            self.buffer.append(el.text or "")
            for child in el:
                self.walk(child)
            if block:
                self.flush()
                self.tag, self.style = saved
        self.buffer.append(el.tail or "")

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text and not is_site_line(text):
            self.items.append(TextLine(
                text=text, page=1, kind="paragraph", style=self.tag, align=self.style.align,
                font_size=self.style.font_size, bold=self.style.bold or self.tag in _HEADINGS,
            ))


def build_table(table: Any, sheet: StyleSheet) -> Table:
    """Cells placed on the grid with rowspan/colspan, skipping slots taken by spans from above."""
    taken: set[tuple[int, int]] = set()
    cells: list[TableCell] = []
    rows = _rows(table)
    for r, tr in enumerate(rows):
        col = 0
        for td in _cells(tr):
            while (r, col) in taken:
                col += 1
            rs = min(_span(td, "rowspan"), len(rows) - r)
            cs = _span(td, "colspan")
            taken.update((r + i, col + k) for i in range(rs) for k in range(cs))
            cells.append(TableCell(row=r, col=col, row_span=rs, col_span=cs, text=cell_text(td), page=1,
                                   is_header=td.tag == "th" or tr.getparent().tag == "thead"))
            col += cs
    n_cols = max((c for _, c in taken), default=-1) + 1
    return Table(page=1, n_rows=len(rows), n_cols=n_cols, cells=cells, found_by="markup")


def cell_text(td: Any) -> str:
    """Cell text with <br> and block children as line breaks, other whitespace collapsed."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            walk(child)
        if tag in _BLOCK:
            parts.append("\n")
        parts.append(el.tail or "")

    parts.append(td.text or "")
    for child in td:
        walk(child)
    lines = (_SPACES.sub(" ", ln).strip() for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)
