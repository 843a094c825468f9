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
SHORT_LARGER = 1.25  # a short line's height-based size above this × the body size is a larger font
LEFT_PUNCT = frozenset("、，。；：！？")  # full-width marks inked in the left part of their em
# "— 5 —" page numbers: OCR reads the dashes as 一 (yi), hyphens or underscores
_PAGE_NUMBER = re.compile(r"^\s*[一—\-－–_~]+\s*(\d{1,4})\s*[一—\-－–_~]+\s*$")


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_HALF_PUNCT = re.compile(r"(?<=[\u2e80-\uffff])[,;:()!?]|[,;:()!?](?=[\u2e80-\uffff])")


def clean_line(text: str, quote_open: bool = False) -> str:
    """Undo OCR confusions that would defeat the structure parsers: a page number read as
    一2一, half-width punctuation next to Chinese text (（区市场监管局牵头，…配合) read
    with ASCII brackets and commas), and Chinese quotes read as ASCII ones (``quote_open``:
    the line before left a quote open)."""
    m = _PAGE_NUMBER.match(text)
    if m:
        return f"— {m.group(1)} —"
    return chinese_quotes(_HALF_PUNCT.sub(lambda p: _FULL_WIDTH[p.group(0)], text), quote_open)[0]


def clean_lines(lines: list[str]) -> list[str]:
    """clean_line over consecutive lines: a quote left open at the end of a line may close on
    the next one (the state carries one line, so one misread mark cannot flip a whole page)."""
    out: list[str] = []
    carried = False
    for line in lines:
        cleaned = clean_line(line, carried)
        out.append(cleaned)
        carried = chinese_quotes(cleaned)[1]
    return out


def chinese_quotes(text: str, quote_open: bool = False) -> tuple[str, bool]:
    """ASCII " beside Chinese text, as OCR reads “ ”, back to the printed marks: it closes an
    open quote, else opens one; and a Chinese quote turned the wrong way, where its pair on the same
    line shows it (”一站式” opens, 安全示范岗“创建 after an opening “ of the line closes).
    Returns the text and whether a quote is left open."""
    out = list(text)
    is_open, opened_here = quote_open, False
    for i, ch in enumerate(out):
        if ch == "“" and is_open and opened_here:
            out[i], is_open = "”", False  # “一站式“: the second closes what this line opened
        elif ch == "”" and not is_open and "”" in _next_quotes(out, i):
            out[i], is_open, opened_here = "“", True, True  # ”一站式”: the first opens
        elif ch == "“":
            is_open, opened_here = True, True
        elif ch == "”":
            is_open = False
        elif ch == '"' and _beside_cjk(out, i):
            out[i] = "”" if is_open else "“"
            is_open, opened_here = not is_open, not is_open
    return "".join(out), is_open


def _next_quotes(chars: list[str], i: int) -> str:
    """The next quote mark after ``i`` on the line, if any."""
    return next((c for c in chars[i + 1:] if c in "“”\""), "")


def _beside_cjk(chars: list[str], i: int) -> bool:
    return any(0 <= j < len(chars) and _is_cjk(chars[j]) for j in (i - 1, i + 1))


def _bounds(quad: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def ocr_chars(result: list[Any], min_score: float) -> list[Char]:
    """Chars (pixel coordinates) from RapidOCR results, dropping lines scored below ``min_score``.

    A char's size is its line's font size as the advance gives it (``_entry_advance``), not the
    detection box's height, which the box padding (unclip) inflates by a third or more: the
    gap and pitch rules of the table readers are in font sizes. A line too short for an
    advance gets its box height scaled by the page's height/advance ratio."""
    entries = []
    for entry in result:
        if len(entry) < 3 or float(entry[2]) < min_score or not str(entry[1]).strip():
            continue
        words = list(entry[4]) if len(entry) >= 5 else []
        quads = list(entry[3]) if len(entry) >= 4 else []
        if not words or len(words) != len(quads):
            words, quads = [str(entry[1])], [entry[0]]
        entries.append((_bounds(entry[0]), [str(w) for w in words], [_bounds(q) for q in quads]))
    advances = [_entry_advance(words, boxes) for _line, words, boxes in entries]
    known = [(line[3] - line[1]) / a for (line, _w, _b), a in zip(entries, advances, strict=True) if a]
    ratio = _median(known) if known else 1.0
    body = _median([a for a in advances if a]) if known else None
    runs: list[list[Char]] = []
    for (line_box, words, boxes), advance in zip(entries, advances, strict=True):
        size = advance or _short_size((line_box[3] - line_box[1]) / ratio, body)
        runs.append([c for word, box in zip(words, boxes, strict=True) for c in _split_word(word, box, line_box, size)])
    return _without_spills(runs)


def _without_spills(runs: list[list[Char]]) -> list[Char]:
    """The chars of all recognised lines, less a glyph read twice: the edge of a neighbouring cell's
    glyph inside another line's box is read again there (消费 | 费成都市…, so 消费费), as the same char
    mostly over the same spot. Of two such, the wider (the whole glyph, not the clipped ink) stays;
    chars of one line are never doubles of each other (人人 is two glyphs)."""
    drop: set[tuple[int, int]] = set()
    boxes = [(min(c.x0 for c in r), min(c.top for c in r), max(c.x1 for c in r), max(c.bottom for c in r))
             if r else (0.0, 0.0, -1.0, -1.0) for r in runs]
    for i, run in enumerate(runs):
        for j, other in enumerate(runs[i + 1:], start=i + 1):
            bi, bj = boxes[i], boxes[j]
            if bi[0] >= bj[2] or bj[0] >= bi[2] or bi[1] >= bj[3] or bj[1] >= bi[3]:
                continue
            for a, ca in enumerate(run):
                for b, cb in enumerate(other):
                    if ca.text == cb.text and _same_spot(ca, cb):
                        drop.add((j, b) if ca.width >= cb.width else (i, a))
    return [c for i, run in enumerate(runs) for k, c in enumerate(run) if (i, k) not in drop]


def _same_spot(a: Char, b: Char) -> bool:
    across = min(a.x1, b.x1) - max(a.x0, b.x0)
    down = min(a.bottom, b.bottom) - max(a.top, b.top)
    return across > 0.5 * min(a.width, b.width) and down > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _short_size(from_height: float, body: float | None) -> float:
    """A line too short for an advance: the body size, unless its height says it is clearly larger
    (a short heading). Heights say little below that: 一、 or — are flat, 号 is tall."""
    if body is None or from_height > SHORT_LARGER * body:
        return from_height
    return body


def _entry_advance(words: list[str], boxes: list[tuple[float, float, float, float]]) -> float | None:
    """Width per character unit of one recognised line (see ``_advance``), from its word boxes."""
    return _width_per_unit("".join(words), max(b[2] for b in boxes) - min(b[0] for b in boxes))


def _split_word(word: str, box: tuple[float, float, float, float], line: tuple[float, float, float, float],
                size: float) -> list[Char]:
    """Spread a word's characters over its box, CJK twice as wide as Latin/digits. A Chinese glyph is
    square: no wider than the font size, centred in its share of the box (a lone character's box is
    its padded line box, which would eat the white between it and the next cell). A mark inked in the
    left of its em (、，。) keeps the whole em, as a text PDF's char box does: the recogniser boxes
    only the ink, which leaves white after 一、 as wide as a gap between cells."""
    word = word.strip()
    if not word:
        return []
    weights = [2.0 if _is_cjk(ch) else 1.0 for ch in word]
    unit = (box[2] - box[0]) / sum(weights)
    x = box[0]
    out = []
    for ch, w in zip(word, weights, strict=True):
        inset = max(0.0, (unit * w - size) / 2) if _is_cjk(ch) else 0.0
        x0, x1 = x + inset, x + unit * w - inset
        if ch in LEFT_PUNCT:
            x1 = max(x1, x0 + size)
        out.append(Char(text=ch, x0=x0, x1=x1, top=line[1], bottom=line[3], size=size, font=OCR_FONT))
        x += unit * w
    return out


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2E80


def _advance(line: TextLine) -> float | None:
    """Width per character unit (Latin = half a unit) when the line has 4+ Chinese characters:
    Chinese glyphs are square and set solid, so this is the font size, far steadier than the
    OCR box height, which wobbles by 10-15 % from line to line."""
    return None if line.bbox is None else _width_per_unit(line.text, line.bbox.width)


def _width_per_unit(text: str, width: float) -> float | None:
    text = text.replace(" ", "")
    if sum(1 for ch in text if _is_cjk(ch)) < 4:
        return None
    return width / sum(1.0 if _is_cjk(ch) else 0.5 for ch in text)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def normalise_sizes(lines: list[TextLine], body_tolerance: float = 0.12, tolerance: float = 0.08,
                    height_tolerance: float = 0.35) -> None:
    """Give OCR'd lines comparable font sizes (mutates them). Sizes come from the advance where
    there is one, else from the box height scaled by the document's height/advance ratio. Sizes
    within ``body_tolerance`` of the body size (the median) become exactly the body size
    (``height_tolerance`` for the noisier height-based sizes of short lines); the rest are
    snapped to the median of clusters seeded at their smallest member."""
    advances = {id(ln): a for ln in lines if (a := _advance(ln)) is not None}
    boxed = [ln for ln in lines if ln.bbox is not None]
    if not boxed:
        return
    if advances:
        body = _median(list(advances.values()))
        ratio = _median([ln.bbox.height for ln in boxed if id(ln) in advances]) / body  # type: ignore[union-attr]
    else:
        body, ratio = _median([ln.bbox.height for ln in boxed]), 1.0  # type: ignore[union-attr]
    for ln in boxed:
        ln.font_size = advances.get(id(ln)) or ln.bbox.height / ratio  # type: ignore[union-attr]
    def is_body(ln: TextLine) -> bool:
        return abs((ln.font_size or 0.0) / body - 1) <= (body_tolerance if id(ln) in advances else height_tolerance)

    _snap([ln for ln in boxed if not is_body(ln)], tolerance)
    for ln in boxed:
        if is_body(ln):
            ln.font_size = round(body, 2)


def _snap(lines: list[TextLine], tolerance: float) -> None:
    sized = sorted(lines, key=lambda ln: ln.font_size or 0.0)
    clusters: list[list[TextLine]] = []
    for ln in sized:
        size = ln.font_size or 0.0
        if clusters and size <= (clusters[-1][0].font_size or 0.0) * (1 + tolerance):
            clusters[-1].append(ln)
        else:
            clusters.append([ln])
    for cluster in clusters:
        median = round(_median([ln.font_size or 0.0 for ln in cluster]), 2)
        for ln in cluster:
            ln.font_size = median
