"""Geometry shared by the geometric readers (PDF, OFD, OCR): chars → lines, edge clustering."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemas import BBox


@dataclass(frozen=True, slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0
    font: str = ""

    @property
    def width(self) -> float:
        return max(self.x1 - self.x0, 0.0)


def chars_to_lines(chars: list[Char], tolerance: float = 0.45) -> list[list[Char]]:
    """Group chars into visual lines: a char joins a line when its vertical centre lies
    within ``tolerance`` × height of the line's centre. Lines come top to bottom, chars
    left to right."""
    lines: list[list[Char]] = []
    centres: list[float] = []
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        mid = (ch.top + ch.bottom) / 2
        height = max(ch.bottom - ch.top, 1.0)
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            if abs(centres[i] - mid) <= tolerance * height:
                lines[i].append(ch)
                break
        else:
            lines.append([ch])
            centres.append(mid)
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def cluster_positions(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Sorted distinct positions, merging values closer than ``tolerance``."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def dedupe_chars(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Drop double-printed glyphs ("fake bold": the same char drawn again less than ``tolerance``
    points away). Linear after a sort, unlike pdfplumber's generic ``Page.dedupe_chars``."""
    kept: list[Char] = []
    last: dict[str, list[Char]] = {}
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        same = last.setdefault(ch.text, [])
        if any(abs(o.x0 - ch.x0) < tolerance and abs(o.top - ch.top) < tolerance for o in same[-3:]):
            continue
        same.append(ch)
        kept.append(ch)
    return kept


def interior_spaces(chars: list[Char]) -> list[Char]:
    """Drop the printed spaces no printed char follows closely on the same line (a run's trailing
    blank at a line end or before a column gap): they carry no text, and one PDF reader keeps them
    while another drops them, so line and cell boxes would depend on the reader."""
    rows: dict[int, list[Char]] = {}
    for c in chars:
        if not c.text.isspace():
            rows.setdefault(round((c.top + c.bottom) / 2), []).append(c)
    out: list[Char] = []
    for c in chars:
        if not c.text.isspace():
            out.append(c)
            continue
        mid, reach = round((c.top + c.bottom) / 2), max(c.size, 1.0)
        near = (n for k in (mid - 1, mid, mid + 1) for n in rows.get(k, ()))
        if any(c.x1 - 0.5 <= n.x0 <= c.x1 + reach for n in near):
            out.append(c)
    return out


@dataclass(frozen=True)
class Spacing:
    """When ``join_chars`` writes a space between two printed chars of a line (a printed space is
    always one space): the gap between them is wider than ``gap`` × the char's size (at least 1 pt),
    and, with ``latin_only``, both are Latin letters, digits or punctuation (below U+2E80)."""

    gap: float = 0.3
    latin_only: bool = False


# Text PDFs: glyph positions are exact, and a wide gap is a space the file did not print (a word
# break drawn by positioning).
SPACE_AT_GAPS = Spacing()
# OFD and OCR: a gap between Chinese characters is justification (or the recogniser's boxes), never a
# space; only a gap between two Latin characters is a word break.
SPACE_BETWEEN_LATIN = Spacing(latin_only=True)


def _latin(ch: str) -> bool:
    return ord(ch) < 0x2E80


def join_chars(chars: list[Char], spacing: Spacing) -> str:
    """One line's text: its chars in order, runs of printed spaces as one space, a space where
    ``spacing`` says a gap is one; no space at either end. Every geometric reader joins through this,
    each with its own ``Spacing``."""
    out: list[str] = []
    prev: Char | None = None
    for c in chars:
        if c.text.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if (prev is not None and out and out[-1] != " " and c.x0 - prev.x1 > spacing.gap * max(c.size, 1.0)
                and (not spacing.latin_only or (_latin(prev.text) and _latin(c.text)))):
            out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out).strip()


def bbox_of(chars: Iterable[Char]) -> BBox:
    """The box around some chars (a line, a cell's text)."""
    cs = list(chars)
    return BBox(x0=min(c.x0 for c in cs), top=min(c.top for c in cs),
                x1=max(c.x1 for c in cs), bottom=max(c.bottom for c in cs))
