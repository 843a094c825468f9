"""Numbered paragraphs → outline items with depth and path.

Depth follows the order in which marker kinds appear (a stack), so skipped levels and
documents that start at （一） still nest correctly; a kind seen before closes every
deeper level. The unnumbered paragraphs after an item are its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.structure.blocks import Block
from rules.markers import Marker, parse_marker
from schemas import OutlineItem, Span

HEADING_MAX = 40
_SENTENCE = re.compile(r"^(.+?)。")
_PARAGRAPH_END = "。！？；：:;!?”’）)》」』"


@dataclass
class _Open:
    kind: str
    label: str


@dataclass
class OutlineBuilder:
    items: list[OutlineItem] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)

    def add(self, block: Block, marker: Marker, intro: str | None = None) -> OutlineItem:
        depth = self._push(marker)
        path = "/".join(o.label for o in self.stack)
        text = _clean(marker.rest)
        item = OutlineItem(
            seq=len(self.items) + 1, path=path, marker=marker.raw, depth=depth,
            heading=heading_of(text), text=text, span=Span(pages=list(block.pages), bbox=block.bbox),
            intro=intro,
        )
        self.items.append(item)
        return item

    def add_body(self, block: Block) -> None:
        if not self.items:
            return
        last = self.items[-1]
        if not last.body and "。" in last.text and last.text[-1] not in _PARAGRAPH_END:
            last.text = _clean(last.text + block.text)  # a paragraph split at a page break
            last.heading = heading_of(last.text)
            self._add_pages(last, block)
            return
        last.body = (last.body + "\n" + block.text).strip() if last.body else block.text
        self._add_pages(last, block)

    @staticmethod
    def _add_pages(item: OutlineItem, block: Block) -> None:
        for p in block.pages:
            if p not in item.span.pages:
                item.span.pages.append(p)

    def _push(self, marker: Marker) -> int:
        kinds = [o.kind for o in self.stack]
        if marker.kind in kinds:
            del self.stack[kinds.index(marker.kind):]
        self.stack.append(_Open(marker.kind, marker.label))
        return len(self.stack)


def block_marker(block: Block) -> Marker | None:
    """A marker rendered by the reader (DOCX numbering) or written at the paragraph start."""
    if block.list_marker:
        return parse_marker(block.list_marker + block.text)
    return parse_marker(block.text)


def heading_of(text: str) -> str | None:
    """The item's opening sentence when it is a heading (≤ 40 chars up to the first 。)."""
    m = _SENTENCE.match(text)
    if m is None:
        return text if len(text) <= HEADING_MAX else None
    first = m.group(1)
    return first if len(first) <= HEADING_MAX else None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build_outline(blocks: list[Block], skip: set[int] | None = None) -> list[OutlineItem]:
    """Outline items of the numbered paragraphs; blocks in ``skip`` (attachment lists,
    slogan lists) are neither items nor bodies."""
    builder = OutlineBuilder()
    previous: Block | None = None
    for i, block in enumerate(blocks):
        if skip and i in skip:
            previous = None
            continue
        marker = block_marker(block)
        if marker is not None:
            intro = previous.text.strip() if previous is not None else None
            builder.add(block, marker, intro)
            previous = None
        else:
            builder.add_body(block)
            previous = block
    return builder.items
