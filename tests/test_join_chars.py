"""One join of a line's chars (extractors/readers/geometry.join_chars); each geometric reader states its spacing."""

from __future__ import annotations

from extractors.readers import pdf, placed
from extractors.readers.geometry import SPACE_AT_GAPS, SPACE_BETWEEN_LATIN, Char, Spacing, join_chars

SIZE = 10.0


def _chars(text: str, gaps: dict[int, float] | None = None) -> list[Char]:
    """``text`` set at SIZE pt per char; ``gaps``: extra space (pt) before the char at that index."""
    out, x = [], 0.0
    for i, ch in enumerate(text):
        x += (gaps or {}).get(i, 0.0)
        out.append(Char(ch, x, x + SIZE, 0.0, SIZE, SIZE))
        x += SIZE
    return out


def test_a_gap_between_chinese_chars_is_a_space_in_a_pdf_only() -> None:
    line = _chars("质量月活动", {2: 5.0})
    assert join_chars(line, SPACE_AT_GAPS) == "质量 月活动"
    assert join_chars(line, SPACE_BETWEEN_LATIN) == "质量月活动"


def test_a_gap_between_latin_chars_is_a_space_for_both() -> None:
    line = _chars("GB/T19001", {4: 4.0})
    assert join_chars(line, SPACE_AT_GAPS) == join_chars(line, SPACE_BETWEEN_LATIN) == "GB/T 19001"


def test_the_gap_threshold_and_printed_spaces() -> None:
    assert join_chars(_chars("AB", {1: 3.0}), SPACE_AT_GAPS) == "AB", "3 pt is not more than 0.3 × 10 pt"
    assert join_chars(_chars("AB", {1: 3.5}), SPACE_AT_GAPS) == "A B"
    assert join_chars(_chars("AB", {1: 3.5}), Spacing(gap=0.5)) == "AB"
    assert join_chars(_chars(" 质  量 "), SPACE_BETWEEN_LATIN) == "质 量", "runs of printed spaces: one, none at the ends"
    assert join_chars(_chars("A B", {2: 9.0}), SPACE_AT_GAPS) == "A B", "a printed space and a gap: one space"


def test_each_reader_joins_with_its_own_spacing() -> None:
    line = _chars("质量月", {1: 6.0})
    assert pdf._join_chars(line) == "质 量月"
    assert placed.join_chars(line) == "质量月"
