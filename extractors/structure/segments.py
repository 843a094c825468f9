"""Regions of the paragraph stream that are not outline: attachment lists, slogan lists,
and notices embedded in another one (a forwarded notice carried as an attachment).
"""

from __future__ import annotations

import re

from extractors.structure.blocks import Block, BlockItem
from extractors.structure.outline import block_marker
from rules.bodies import ending_pattern
from rules.dates import DATE_LINE
from rules.docnumbers import DOC_NUMBER_LINE
from rules.markers import KIND_ORDER, parse_marker

ATTACH_HEAD = re.compile(r"^\s*附\s*件\s*(?:(\d{1,2})\s*[:：]?|[:：])\s*(.*)$|^\s*附\s*件\s*$")
# a title ends like a document (…的通知, …实施方案) or like a schedule that stands alone as the
# notice (…重点活动安排表, …活动一览表, …任务分工表: a notice that is only its title and its table)
TITLE_END = re.compile(r"(通知|方案|计划|安排|意见|通报|决定|办法|要点|活动|函|纲要|规划"
                       r"|(?:安排|计划|活动|一览|汇总|清单|任务分解|任务|分工)表)[”\"』」]?$")
SLOGAN_TITLE = re.compile(r"口\s*号")
_SIGNOFF = re.compile(rf"{ending_pattern('signoff')}$")  # a short line that is a signature


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_title_text(text: str) -> bool:
    """A line that reads as a document title: no sentence punctuation, ends like a title."""
    t = squash(text)
    if not 6 <= len(t) <= 90 or re.search(r"[。；;：:]", t) or DOC_NUMBER_LINE.match(t):
        return False
    return bool(TITLE_END.search(t)) and not t.endswith("文件") and not ATTACH_HEAD.match(t)


def split_embedded(items: list[BlockItem]) -> tuple[list[BlockItem], list[list[BlockItem]]]:
    """Cut forwarded notices out of the stream: an attachment heading (or the forwarding
    letter's date) followed by a title line and then a line that is only a doc number.
    Each embedded notice runs up to the next one."""
    starts: list[int] = []
    dated = False
    for i, item in enumerate(items):
        if not isinstance(item, Block):
            continue
        head = ATTACH_HEAD.match(item.text) is not None
        if (head or dated) and (not starts or i > starts[-1] + 1):
            start = _embedded_title(items, i + 1 if head else i)
            if start is not None and start not in starts:
                starts.append(start)
                dated = False
                continue
        dated = dated or bool(DATE_LINE.match(item.text))
    if not starts:
        return items, []
    bounds = starts + [len(items)]
    return items[:starts[0]], [_trim_heads(items[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _trim_heads(part: list[BlockItem]) -> list[BlockItem]:
    """Drop the next attachment's heading (附件2) left at the end of a part."""
    while part and isinstance(part[-1], Block) and ATTACH_HEAD.match(part[-1].text) and len(part) > 1:
        part = part[:-1]
    return part


def _embedded_title(items: list[BlockItem], first: int) -> int | None:
    for t in range(first, min(first + 2, len(items))):
        title = items[t]
        if not (isinstance(title, Block) and is_title_text(title.text)):
            continue
        for n in range(t + 1, min(t + 3, len(items))):
            nxt = items[n]
            if isinstance(nxt, Block) and DOC_NUMBER_LINE.match(nxt.text):
                return t
    return None


def attachment_entries(blocks: list[Block]) -> tuple[list[str], set[int]]:
    """Names from the attachment list (附件：X, or 附件： then 1. X 2. Y) and the indices of
    the numbered entries, which are not outline items."""
    names: list[str] = []
    skip: set[int] = set()
    for i, b in enumerate(blocks):
        m = ATTACH_HEAD.match(b.text)
        if m is None:
            continue
        inline = (m.group(2) or "").strip()
        first = parse_marker(inline) if inline else None
        if inline and (first is None or first.kind != "arabic_dot"):
            names.append(_entry_name(inline))
            continue
        if first is not None:
            names.append(_entry_name(first.rest))
        for j in range(i + 1, len(blocks)):
            marker = block_marker(blocks[j])
            if marker is None or marker.kind != "arabic_dot" or len(squash(marker.rest)) > 60:
                break
            names.append(_entry_name(marker.rest))
            skip.add(j)
    return _unique(names), skip


def _entry_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip("。；;")


def slogan_regions(blocks: list[Block], names: list[str]) -> list[range]:
    """Slogan lists: from an unnumbered short line naming 口号, or from the heading of an
    attachment whose listed name names 口号, up to the next attachment heading or the end."""
    out: list[range] = []
    i = 0
    while i < len(blocks):
        if _opens_slogans(blocks, i, names):
            end = _region_end(blocks, i)
            keep_head = ATTACH_HEAD.match(blocks[i].text) or block_marker(blocks[i]) is not None
            out.append(range(i + 1 if keep_head else i, end))
            i = end
        else:
            i += 1
    return out


def _region_end(blocks: list[Block], i: int) -> int:
    """Up to the next attachment heading; under a numbered 口号 heading, up to its next sibling."""
    head = block_marker(blocks[i])
    for j in range(i + 1, len(blocks)):
        if ATTACH_HEAD.match(blocks[j].text):
            return j
        marker = block_marker(blocks[j]) if head is not None else None
        if marker is not None and head is not None and KIND_ORDER.index(marker.kind) <= KIND_ORDER.index(head.kind):
            return j
    return len(blocks)


def _opens_slogans(blocks: list[Block], i: int, names: list[str]) -> bool:
    t = squash(blocks[i].text)
    numbered = block_marker(blocks[i])
    if numbered is not None and numbered.kind in ("cn_dun", "cn_paren", "article"):
        return bool(re.fullmatch(r"[\u4e00-\u9fa5“”\"]{0,12}口号[:：]?", squash(numbered.rest)))
    head = ATTACH_HEAD.match(blocks[i].text)
    if head is not None:
        if (head.group(2) or "").strip() or _starts_entry_list(blocks, i):
            return False
        number = int(head.group(1)) if head.group(1) else None
        name = names[number - 1] if number and number <= len(names) else (names[0] if len(names) == 1 else "")
        return bool(SLOGAN_TITLE.search(name))
    return bool(SLOGAN_TITLE.search(t)) and len(t) <= 40 and block_marker(blocks[i]) is None \
        and not t.endswith("。")


def _starts_entry_list(blocks: list[Block], i: int) -> bool:
    nxt = block_marker(blocks[i + 1]) if i + 1 < len(blocks) else None
    return nxt is not None and nxt.kind == "arabic_dot"


def slogans(blocks: list[Block], regions: list[range], theme: str | None) -> list[str]:
    out: list[str] = []
    skip_theme = _plain(theme) if theme else None
    for r in regions:
        for i in r:
            text = blocks[i].text.replace("*", "").strip()
            marker = parse_marker(text)
            text = (marker.rest if marker else text).strip().rstrip("。；;")
            plain = _plain(text)
            if not plain or SLOGAN_TITLE.search(text) or re.match(r"^主\s*题", text) or plain == skip_theme \
                    or not _slogan_like(text):
                continue
            out.append(re.sub(r"\s+", " ", text))
    return _unique(out)


def _slogan_like(text: str) -> bool:
    """Short, no colon, not a date, signature or 版记 line (抄送/印发/联系人)."""
    t = squash(text)
    return len(t) <= 40 and not re.search(r"[：:]|抄\s*送|印\s*发|联系|电话|[〕\]]", t) and not DATE_LINE.match(t) \
        and not _SIGNOFF.search(t)


def _plain(text: str) -> str:
    return re.sub(r"[\s，,。、；;“”\"]", "", text)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
