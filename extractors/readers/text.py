"""Plain-text reader: encoding detected from the bytes, one page of paragraphs.

Each non-blank line is a paragraph, except in hard-wrapped files (most lines cut at the
same width), where a line continues the one before unless that one ended short, or it
opens a paragraph (list marker, label line, first-line indent) or stands alone (centred).
Form feeds (\\f) start a new page.
"""

from __future__ import annotations

from pathlib import Path

from extractors.errors import BadInputError
from extractors.readers.encoding import UndecodableError, decode_bytes
from extractors.readers.furniture import is_label_line, is_page_number
from rules.markers import TEXT_MARKER
from schemas import Page, TextLine

TEXT_READER_VERSION = "2"
_SENTENCE_END = "。！？；：:;!?”’）)"  # a marker-like line start after any other character is mid-sentence (第\n一、)


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
    """Columns as a fixed-width cutter counts them: ASCII 1, any other character 2 (a GB18030
    double-byte character, 。 and “ included)."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def _leading(line: str) -> int:
    return display_width(line) - display_width(line.lstrip(" \t\u3000"))


def is_hard_wrapped(lines: list[str]) -> bool:
    """At least 5 lines and 40 % of them within 2 columns of the widest (centred and
    right-aligned lines aside: a red head, a title, a signature)."""
    widths = [display_width(ln) for ln in lines if ln.strip() and _leading(ln) <= 4]
    if len(widths) < 5:
        return False
    top = max(widths)
    return sum(1 for w in widths if w >= top - 2) >= 0.4 * len(widths)


def join_wrapped(lines: list[str]) -> list[str]:
    """Undo hard wraps: a line cut at the full width continues into the next, unless the next
    opens a new paragraph (a list marker, a label line such as 牵头单位：, a first-line indent)
    or stands alone (centred or right-aligned: a red head, a doc number, a signature). Page
    numbers between the two lines of a wrapped paragraph are dropped without closing it."""
    kept = [ln for ln in lines if not (ln.strip() and is_page_number(ln))]
    top = max((display_width(ln) for ln in kept if ln.strip() and _leading(ln) <= 4), default=0)
    out: list[str] = []
    open_para = False
    for ln in kept:
        if not ln.strip():
            open_para = False
            continue
        lead = _leading(ln)
        set_off = lead > 4
        marked = bool(TEXT_MARKER.match(ln)) and bool(out) and out[-1].rstrip()[-1:] in _SENTENCE_END
        starts = set_off or lead > 0 or marked or is_label_line(ln)
        if open_para and out and not starts:
            out[-1] += ln.strip()
        else:
            out.append(ln)
        open_para = not set_off and display_width(ln) >= top - 2
    return out
