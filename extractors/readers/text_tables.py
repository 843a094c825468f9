"""Tables drawn with few or no rulings (horizontal rules only, or none), read from text alignment.

Chars no ruled table took, plus the page's horizontal rules →
- a line whose cells name known columns (the caller's ``is_header``) anchors a table; its
  header band reaches to the rules just above and below it (or its neighbouring header lines);
- columns are the header's cells (an upper cell over two lower ones is a parent); each boundary
  lies where the fewest data chars cover the x between two header centres (the white river);
- rows start at the text blocks of the anchor column (序号, else the content) and at lines whose
  text runs across a column boundary (a group label across the table), or a lone 一、… label in the
  anchor column; a rule crossing the anchor column (or just under its glyphs' tops) is a row boundary, and where a rule is missing over a column that column's cell spans;
  without rules, a text block straddling a row boundary is a merged cell;
- all of it becomes ruling segments (real rules plus virtual ones), read by the same grid and
  cell filling as drawn tables (``grid.find_grids``, ``placed.fill_grid``).
A page whose top continues the previous page's table (same columns, no header) is read with the
carried column boundaries. Coordinates are points from the page top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extractors.readers.furniture import is_page_number
from extractors.readers.geometry import Char, chars_to_lines
from extractors.readers.grid import Segment
from extractors.readers.headers import blank_continuing, is_continued_mark, is_header_row, leaf_role
from extractors.readers.placed import join_chars
from extractors.readers.rulings import Rule
from extractors.readers.text_columns import (
    HEADER_GAP,
    Seg,
    centre_x,
    column_bounds,
    column_of,
    cover,
    crosses,
    font_size,
    header_cells,
    line_bottom,
    line_top,
    seg_of,
    split_segments,
)
from extractors.readers.text_rows import (
    Band,
    blank_merges,
    build,
    h_segments,
    head_segments,
    is_centred,
    row_bands,
    v_segments,
)
from schemas import Table

MAX_ROW_GAP = 3.0  # × line pitch: a wider vertical gap ends a table without a bottom rule
FULL_WIDTH = 0.8  # a rule this share of the table's width (or more) is a table rule
BOTTOM_SHARE = 0.08  # page numbers sit in this share of the page at its bottom


@dataclass(frozen=True)
class Columns:
    xs: list[float]  # boundaries, left edge first, right edge last
    anchor: int  # the column whose text blocks start rows
    merging: tuple[bool, ...] = ()  # per column: a blank cell belongs to the merged cell of a label
    centred: tuple[bool, ...] = ()  # per column: merged cells print their label centred, not on top


@dataclass(frozen=True)
class TextTable:
    table: Table
    taken: set[int]  # indexes into the chars given
    columns: Columns


HeaderTest = Callable[[list[str]], bool]
RoleOf = Callable[[str], str | None]
NameTest = Callable[[str], bool]
MergeTest = Callable[[list[str]], list[bool]]


# ---------------------------------------------------------------- the table's region


def _rules_near(rules: list[Rule], y0: float, y1: float, left: float, right: float) -> list[Rule]:
    width = max(right - left, 1.0)
    return sorted((r for r in rules if y0 <= r.y <= y1 and min(r.x1, right) - max(r.x0, left) >= FULL_WIDTH * width),
                  key=lambda r: r.y)


def _header_band(lines: list[list[Char]], i: int, rules: list[Rule], size: float, left: float, right: float,
                 is_header: HeaderTest) -> tuple[float, float, list[int]]:
    """(top, bottom, indexes of its lines) of the header whose anchor line is ``lines[i]``."""
    a_top, a_bottom = line_top(lines[i]), line_bottom(lines[i])
    above = _rules_near(rules, a_top - 3 * size, a_top, left, right)
    below = _rules_near(rules, a_bottom, a_bottom + 4 * size, left, right)
    top = above[-1].y if above else a_top - 0.3 * size
    if below:
        bottom = below[0].y
        idx = [j for j, ln in enumerate(lines) if top <= (line_top(ln) + line_bottom(ln)) / 2 <= bottom]
        return top, bottom, idx
    idx = [i]
    while idx[-1] + 1 < len(lines):
        nxt = lines[idx[-1] + 1]
        texts = [join_chars(s) for s in split_segments(nxt, HEADER_GAP)]
        gap = line_top(nxt) - line_bottom(lines[idx[-1]])
        wrapped = gap <= 0.6 * size and not any(len(t) > 6 or t.isdigit() for t in texts)
        if not (wrapped or (gap <= 1.5 * size and is_header(texts))):
            break
        idx.append(idx[-1] + 1)
    return top, line_bottom(lines[idx[-1]]) + 0.3 * size, idx


def _region_lines(lines: list[list[Char]], start: int, bottom_rule: Rule | None, xs: list[float],
                  size: float, page_height: float | None) -> list[int]:
    """Indexes of the data lines from ``start`` down to the end of the table."""
    out: list[int] = []
    left, right = xs[0] - size, xs[-1] + size
    pitch_guess = 1.35 * size
    last_bottom: float | None = None
    for j in range(start, len(lines)):
        ln = lines[j]
        text = join_chars(ln)
        if bottom_rule is not None and line_top(ln) > bottom_rule.y:
            break
        if page_height and line_top(ln) > (1 - BOTTOM_SHARE) * page_height and is_page_number(text):
            continue
        if bottom_rule is None and last_bottom is not None and line_top(ln) - last_bottom > MAX_ROW_GAP * pitch_guess:
            break
        if min(c.x0 for c in ln) < left or max(c.x1 for c in ln) > right:
            break
        out.append(j)
        last_bottom = line_bottom(ln)
    return out


# ---------------------------------------------------------------- page entry


def find_text_tables(chars: list[Char], rules: list[Rule], page: int, is_header: HeaderTest = is_header_row,
                     role_of: RoleOf = leaf_role, carry: Columns | None = None, page_height: float | None = None,
                     merging: MergeTest = blank_continuing, is_mark: NameTest = is_continued_mark) -> list[TextTable]:
    """Tables on one page read from alignment (see the module text). ``carry``: the columns of the
    previous page's table, for a continuation at the top of this page without a header;
    ``merging(headers)``: per column, whether a blank cell belongs to a merged cell; ``is_mark(line)``:
    a line above a continuation that is not table text (续表). The header tests default to the header
    vocabulary's (``readers/headers.py``), which every reader uses."""
    live = [i for i, c in enumerate(chars) if not c.text.isspace()]
    lines_idx = _lines_with_index(chars, live)
    lines = [[chars[i] for i in ln] for ln in lines_idx]
    out: list[TextTable] = []
    j = 0
    first_anchor = next((i for i, ln in enumerate(lines) if _is_anchor(ln, is_header)), None)
    stop = len(lines) if first_anchor is None else _header_start(lines, first_anchor, rules, is_header)
    if carry is not None and stop > 0:
        found = _continuation(chars, lines, lines_idx, rules, page, carry, page_height, stop=stop,
                              is_mark=is_mark)
        if found is not None:
            out.append(found[0])
            j = found[1]
    while j < len(lines):
        if not _is_anchor(lines[j], is_header):
            j += 1
            continue
        found = _headed(chars, lines, lines_idx, j, rules, page, is_header, role_of, page_height,
                        merging, carry if not out else None)
        if found is None:
            j += 1
            continue
        out.append(found[0])
        j = found[1]
    return out


def _lines_with_index(chars: list[Char], live: list[int]) -> list[list[int]]:
    pos = {id(chars[i]): i for i in live}
    return [[pos[id(c)] for c in ln] for ln in chars_to_lines([chars[i] for i in live])]


def _is_anchor(line: list[Char], is_header: HeaderTest) -> bool:
    segs = split_segments(line, HEADER_GAP)
    return len(segs) >= 2 and is_header([join_chars(s) for s in segs])


def _extent(line: list[Char], rules: list[Rule]) -> tuple[float, float, float, list[Rule]]:
    """(font size, left, right, the rules as wide as the line) of a header's anchor line."""
    size = font_size(line)
    line_left, line_right = min(c.x0 for c in line), max(c.x1 for c in line)
    wide = [r for r in rules if r.x0 <= line_left + size and r.x1 >= line_right - size]
    left = min([r.x0 for r in wide] + [line_left - 0.5 * size])
    right = max([r.x1 for r in wide] + [line_right + 0.5 * size])
    return size, left, right, wide


def _header_start(lines: list[list[Char]], i: int, rules: list[Rule], is_header: HeaderTest) -> int:
    """The first line of the header band whose anchor line is ``lines[i]`` (a header's upper line
    with fewer cells, 序 over 号, is no table text of the page above)."""
    size, left, right, _wide = _extent(lines[i], rules)
    return min(_header_band(lines, i, rules, size, left, right, is_header)[2])


def _headed(chars: list[Char], lines: list[list[Char]], lines_idx: list[list[int]], i: int, rules: list[Rule],
            page: int, is_header: HeaderTest, role_of: RoleOf, page_height: float | None,
            merging: MergeTest, carry: Columns | None = None) -> tuple[TextTable, int] | None:
    size, left, right, wide = _extent(lines[i], rules)
    h_top, h_bottom, head_idx = _header_band(lines, i, rules, size, left, right, is_header)
    later = [j for j in range(max(head_idx) + 1, len(lines)) if _is_anchor(lines[j], is_header)]
    limit = later[0] if later else len(lines)
    below = [r for r in _rules_near(rules, h_bottom + 1, 1e9, left, right)
             if not later or r.y < line_top(lines[limit])]
    bottom_rule = below[-1] if below else None
    data_chars = [c for j in range(max(head_idx) + 1, limit) for c in lines[j]
                  if bottom_rule is None or c.top < bottom_rule.y]
    segs = [seg_of(s) for j in head_idx for s in split_segments(lines[j], HEADER_GAP)]
    leaves, parents = header_cells(segs, data_chars)
    if len(leaves) < 2:
        return None
    if not wide:  # no rule gives the table's width: its text does
        left = min([left] + [c.x0 - 1 for c in data_chars if c.x0 > left - 2 * size])
        right = max([right] + [c.x1 + 1 for c in data_chars if c.x1 < right + 2 * size])
    xs = column_bounds(leaves, data_chars, left, right)
    if carry is not None and len(carry.xs) == len(xs) and abs(carry.xs[0] - xs[0]) < size \
            and abs(carry.xs[-1] - xs[-1]) < size:  # the previous page's table with its header repeated
        xs = _recentre(carry.xs, data_chars)
    region = [j for j in _region_lines(lines[:limit], max(head_idx) + 1, bottom_rule, xs, size, page_height)]
    if not region:
        return None
    roles = [role_of(leaf.text.replace("\n", "")) for leaf in leaves]
    anchor = roles.index("seq") if "seq" in roles else next(
        (k for k, r in enumerate(roles) if r in ("content", "name")), 0)
    bottom = bottom_rule.y if bottom_rule is not None else max(line_bottom(lines[j]) for j in region) + 0.3 * size
    data = [lines[j] for j in region]
    bands, blocks = row_bands(data, xs, anchor, rules, h_bottom, bottom, size)
    if not bands:
        return None
    merge = tuple(merging([leaf.text.replace("\n", "") for leaf in leaves]))
    centred = tuple(m and is_centred(bands, blocks.get(k, []), size) for k, m in enumerate(merge))
    columns = Columns(xs, anchor, merge, centred)
    segs_out = head_segments(xs, h_top, h_bottom, parents, leaves) \
        + h_segments(bands, xs, rules, blocks, _merges(bands, blocks, columns)) + v_segments(bands, xs)
    idx = [k for j in [*head_idx, *region] for k in lines_idx[j]]
    built = build(chars, idx, segs_out, page)
    if built is None:
        return None
    return TextTable(built[0], built[1], columns), max(region) + 1


def _merges(bands: list[Band], blocks: dict[int, list[tuple[float, float]]],
            columns: Columns) -> dict[int, set[int]]:
    return {k: blank_merges(bands, blocks.get(k, []), k < len(columns.centred) and columns.centred[k])
            for k, m in enumerate(columns.merging) if m}


def _recentre(xs: list[float], chars: list[Char]) -> list[float]:
    """Carried column boundaries kept where this page's text leaves them white, else moved to this
    page's white river (a cell's text may reach further here; a blank column gives no river to trust)."""
    centres = [Seg(a, b, 0.0, 0.0, "") for a, b in zip(xs, xs[1:], strict=False)]
    inside = [c for c in chars if xs[0] <= centre_x(c) <= xs[-1]]
    moved = column_bounds(centres, inside, xs[0], xs[-1])
    return [x if 0 < k < len(xs) - 1 and cover(inside, x) == 0 else moved[k] for k, x in enumerate(xs)]


def _rest_of_row(line: list[Char], below: list[Char], xs: list[float], size: float, is_mark: NameTest) -> bool:
    inside = xs[0] - size <= min(c.x0 for c in line) and max(c.x1 for c in line) <= xs[-1] + size
    return inside and not crosses(line, xs) and line_top(below) - line_bottom(line) <= 1.6 * size \
        and not is_mark(join_chars(line))


def _aligned(line: list[Char], xs: list[float], size: float) -> bool:
    inside = xs[0] - size <= min(c.x0 for c in line) and max(c.x1 for c in line) <= xs[-1] + size
    return inside and not crosses(line, xs) and len({column_of(xs, centre_x(c)) for c in line}) >= 2


def _continuation(chars: list[Char], lines: list[list[Char]], lines_idx: list[list[int]], rules: list[Rule],
                  page: int, carry: Columns, page_height: float | None, stop: int,
                  is_mark: NameTest) -> tuple[TextTable, int] | None:
    """The rows at the top of a page that go on with the previous page's table (no header)."""
    xs = _recentre(carry.xs, [c for ln in lines[:stop] for c in ln])
    first = next((j for j in range(stop) if _aligned(lines[j], xs, font_size(lines[j]))), None)
    if first is None:
        return None
    size = font_size(lines[first])
    while first > 0 and _rest_of_row(lines[first - 1], lines[first], xs, size, is_mark):
        first -= 1  # the rest of a row cut by the page break: text in one column right above
    above = _rules_near(rules, 0, line_top(lines[first]), xs[0], xs[-1])
    top = above[-1].y if above else line_top(lines[first]) - 0.3 * size
    start = next((j for j in range(first + 1) if line_top(lines[j]) >= top), first)
    below = [r for r in _rules_near(rules, line_top(lines[first]), 1e9, xs[0], xs[-1])
             if stop >= len(lines) or r.y < line_top(lines[stop])]
    bottom_rule = below[-1] if below else None
    region = _region_lines(lines[:stop], start, bottom_rule, xs, size, page_height)
    if not region:
        return None
    bottom = bottom_rule.y if bottom_rule is not None else max(line_bottom(lines[j]) for j in region) + 0.3 * size
    data = [lines[j] for j in region]
    bands, blocks = row_bands(data, xs, carry.anchor, rules, top, bottom, size)
    if not bands:
        return None
    columns = Columns(xs, carry.anchor, carry.merging, carry.centred)
    segs = h_segments(bands, xs, rules, blocks, _merges(bands, blocks, columns)) \
        + v_segments(bands, xs)
    segs[0:0] = [Segment(xs[0], top, xs[-1], top)]
    built = build(chars, [k for j in region for k in lines_idx[j]], segs, page)
    if built is None:
        return None
    return TextTable(built[0], built[1], columns), max(region) + 1
