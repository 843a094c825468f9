"""OCR results → chars, and line sizes made comparable (pure functions, no OpenCV needed).

RapidOCR (``return_word_box=True``) gives, per detected text line: its quadrilateral, text,
score, one quadrilateral per word and the words (each CJK character is a word). Each word
is split evenly into its characters. Box heights of OCR'd lines wobble by a pixel or two;
``normalise_sizes`` snaps them to shared values so that "same font" tests still work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from extractors.readers.geometry import Char
from schemas import TextLine

OCR_FONT = "ocr"
# "— 5 —" page numbers: OCR reads the dashes as 一 (yi), hyphens or underscores
_PAGE_NUMBER = re.compile(r"^\s*[一—\-－–_~]+\s*(\d{1,4})\s*[一—\-－–_~]+\s*$")


def clean_line(text: str) -> str:
    """Undo OCR confusions that would defeat the structure parsers (a page number read as 一2一)."""
    m = _PAGE_NUMBER.match(text)
    return f"— {m.group(1)} —" if m else text


def _bounds(quad: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def ocr_chars(result: list[Any], min_score: float) -> list[Char]:
    """Chars (pixel coordinates) from RapidOCR results, dropping lines scored below ``min_score``."""
    out: list[Char] = []
    for entry in result:
        if len(entry) < 3 or float(entry[2]) < min_score or not str(entry[1]).strip():
            continue
        line_box = _bounds(entry[0])
        height = line_box[3] - line_box[1]
        words = list(entry[4]) if len(entry) >= 5 else []
        quads = list(entry[3]) if len(entry) >= 4 else []
        if not words or len(words) != len(quads):
            words, quads = [str(entry[1])], [entry[0]]
        for word, quad in zip(words, quads, strict=True):
            out.extend(_split_word(str(word), _bounds(quad), line_box, height))
    return out


def _split_word(word: str, box: tuple[float, float, float, float], line: tuple[float, float, float, float],
                height: float) -> list[Char]:
    """Spread a word's characters over its box, CJK twice as wide as Latin/digits."""
    word = word.strip()
    if not word:
        return []
    weights = [2.0 if ord(ch) > 0x2E80 else 1.0 for ch in word]
    unit = (box[2] - box[0]) / sum(weights)
    x = box[0]
    out = []
    for ch, w in zip(word, weights, strict=True):
        out.append(Char(text=ch, x0=x, x1=x + unit * w, top=line[1], bottom=line[3], size=height, font=OCR_FONT))
        x += unit * w
    return out


def normalise_sizes(lines: list[TextLine], tolerance: float = 0.12) -> None:
    """Snap each line's font size to the median of its cluster (sizes within ``tolerance``
    relative of their neighbour in sorted order form a cluster). Mutates the lines."""
    sized = sorted((ln for ln in lines if ln.font_size), key=lambda ln: ln.font_size or 0.0)
    clusters: list[list[TextLine]] = []
    for ln in sized:
        size = ln.font_size or 0.0
        if clusters and size <= (clusters[-1][-1].font_size or 0.0) * (1 + tolerance):
            clusters[-1].append(ln)
        else:
            clusters.append([ln])
    for cluster in clusters:
        median = cluster[len(cluster) // 2].font_size
        for ln in cluster:
            ln.font_size = median
