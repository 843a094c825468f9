"""Plain-text reader: encoding detected from the bytes, one page of paragraphs.

Each non-blank line is a paragraph, except in hard-wrapped files (most lines cut at the
same width), where a line continues the one before unless that one ended short, or it
starts with a list marker. Form feeds (\\f) start a new page.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from extractors.errors import BadInputError
from extractors.readers.encoding import UndecodableError, decode_bytes
from schemas import Page, TextLine

TEXT_READER_VERSION = "1"
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[、．.](?!\d)|附件)")


def read_text(path: Path) -> tuple[list[Page], list[str]]:
    try:
        decoded = decode_bytes(path.read_bytes())
    except UndecodableError as exc:
        raise BadInputError(f"{path.name}: {exc}", code="text.encoding", expected="UTF-8, UTF-16 or GB18030 text") from exc
    warnings = [] if decoded.how != "guessed" else [f"text encoding guessed as {decoded.encoding}"]
    pages = [_page(n, chunk) for n, chunk in enumerate(decoded.text.split("\f"), start=1)]
    return pages or [Page(number=1)], warnings


def _page(number: int, text: str) -> Page:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs = join_wrapped(lines) if is_hard_wrapped(lines) else [ln for ln in lines if ln.strip()]
    items = [TextLine(text=p.strip(), page=number, kind="paragraph", style="text") for p in paragraphs]
    return Page(number=number, items=list(items))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_hard_wrapped(lines: list[str]) -> bool:
    """At least 5 lines and 60 % of them within 2 columns of the widest line."""
    widths = [display_width(ln) for ln in lines if ln.strip()]
    if len(widths) < 5:
        return False
    top = max(widths)
    return sum(1 for w in widths if w >= top - 2) >= 0.6 * len(widths)


def join_wrapped(lines: list[str]) -> list[str]:
    """Undo hard wraps: a full-width line continues into the next unless the next is marked."""
    top = max(display_width(ln) for ln in lines if ln.strip())
    out: list[str] = []
    open_para = False
    for ln in lines:
        if not ln.strip():
            open_para = False
            continue
        if open_para and out and not _MARKER.match(ln):
            out[-1] += ln.strip()
        else:
            out.append(ln)
        open_para = display_width(ln) >= top - 2
    return out
