"""A table cell's lines joined into its text: a line the layout wrapped at the cell's width is
joined to the next one directly, a line that ends short of it (a paragraph end) keeps a line break.

Geometry decides, not the words: 人力资源和社会 / 保障局 is one name wrapped at the column's edge,
while 市场监督管理局 / 公安局 written one per line ends short of it. A line is wrapped when the
room left before the cell's text edge could not take the next line's first glyph (with a
closing punctuation mark after it, which may not start a line, that mark too). The text edge
is the cell box's right edge less the column's padding: the smallest room any line of the
column leaves, at most ``MAX_PAD`` (a column whose lines never reach its edge has no wrap).
A full line is still a line end when it ends a whole name (``ends_name``): the next line starts
as the cell's first line does (四川省市场 / 监督管理局 / 四川省总工会), or the line ends with an
``edge`` ending of rules/data/body_endings.csv (市市场监管局 / 各区市场监管局).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from extractors.readers.geometry import Char
from rules.bodies import endings

MAX_PAD = 10.0  # points: the widest inner padding of a cell (reportlab 6, LibreOffice about 2–5)
SLACK = 0.5  # × font size: justification and rounding
PREFIX = 2  # chars: a next line starting with the cell's first this many chars starts a new name
NO_START = "、，。；：？！）》」』”’%％·…—"  # marks a line may not start with (kinsoku)
CLOSING = "。；！？：）》」』”’"  # a line ending so ends its sentence or clause, whatever room is left

Joiner = Callable[[list[Char]], str]


def _room_needed(nxt: list[Char]) -> float:
    glyphs = [c for c in nxt if not c.text.isspace()]
    if not glyphs:
        return 0.0
    need = glyphs[0].width
    if len(glyphs) > 1 and glyphs[1].text in NO_START:
        need += glyphs[1].width
    return need + SLACK * max(glyphs[0].size or (glyphs[0].bottom - glyphs[0].top), 1.0)


def _right(line: list[Char]) -> float:
    return max(c.x1 for c in line if not c.text.isspace())


def column_pads(cells: Sequence[tuple[object, float, list[list[Char]]]]) -> dict[object, float]:
    """Per column key: the padding of its cells (the least room a line leaves, at most ``MAX_PAD``)."""
    pads: dict[object, float] = {}
    for key, right, lines in cells:
        for ln in lines:
            if any(not c.text.isspace() for c in ln):
                pads[key] = min(pads.get(key, MAX_PAD), max(right - _right(ln), 0.0))
    return pads


def join_lines(lines: list[list[Char]], edge: float, join: Joiner) -> str:
    """The cell's text: wrapped lines joined, other line ends kept as ``\\n``."""
    texts = [join(ln) for ln in lines]
    out = ""
    for i, text in enumerate(texts):
        if not text:
            continue
        if out:
            prev = lines[i - 1]
            full = any(not c.text.isspace() for c in prev) and edge - _right(prev) < _room_needed(lines[i])
            wrapped = full and not ends_name(out, text, texts[0])
            out += "" if wrapped else "\n"
        out += text
    return out


def ends_name(before: str, after: str, first: str) -> bool:
    """A line filled to the cell's edge ends a whole name: the next line starts as the cell's first
    line does, or ``before`` ends with an ``edge`` ending that no longer ending runs across
    (卫生健康委 / 员会 is one name wrapped)."""
    if len(first) >= PREFIX and after.startswith(first[:PREFIX]):
        return True
    ends = endings("edge")
    if not any(before.endswith(e) for e in ends):
        return False
    joined, cut = before + after, len(before)
    return not any(joined.startswith(e, start) for e in ends for start in range(max(cut - len(e) + 1, 0), cut))


def runs_on(lines: list[list[Char]], edge: float, join: Joiner) -> bool:
    """The cell's last line is filled to the edge (no room for one more glyph of its size) and ends
    neither a sentence nor a whole name: its text goes on below — in a row cut by a page break, at
    the top of the next page (…质量专 / 项行动, 长沙市质量技术监督 / 局)."""
    texts = [join(ln) for ln in lines]
    if not lines or not texts[-1]:
        return False
    glyphs = [c for c in lines[-1] if not c.text.isspace()]
    # room for two glyphs: the next one may have moved down with the closing mark after it (局、)
    room = 2 * glyphs[-1].width + SLACK * max(glyphs[-1].size or (glyphs[-1].bottom - glyphs[-1].top), 1.0)
    if edge - _right(lines[-1]) >= room or texts[-1][-1] in CLOSING:
        return False
    before = "".join(texts) if len(texts) > 1 else texts[-1]
    return not ends_name(before, "", "")


def cell_texts(cells: Sequence[tuple[object, float, list[list[Char]]]], join: Joiner) -> list[str]:
    """Texts of cells given as (column key, box right edge, lines), joined as the module says."""
    pads = column_pads(cells)
    return [join_lines(lines, right - pads.get(key, MAX_PAD), join) for key, right, lines in cells]


def cells_run_on(cells: Sequence[tuple[object, float, list[list[Char]]]], join: Joiner) -> list[bool]:
    """Per cell given as in ``cell_texts``: whether its text runs on below (``runs_on``)."""
    pads = column_pads(cells)
    return [runs_on(lines, right - pads.get(key, MAX_PAD), join) for key, right, lines in cells]
