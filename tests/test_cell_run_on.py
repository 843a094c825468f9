"""A cell whose last line fills it to the edge mid-word runs on (a row cut by a page break), and the
top row of the next page that holds only the rest of such cells is joined to the row above."""

from __future__ import annotations

from extractors.readers.cell_lines import runs_on
from extractors.readers.geometry import Char
from extractors.readers.placed import join_chars
from extractors.structure.tables import table_activities
from schemas import Table, TableCell

SIZE = 10.0


def _line(text: str, x0: float = 3.0, top: float = 0.0) -> list[Char]:
    return [Char(ch, x0 + i * SIZE, x0 + (i + 1) * SIZE, top, top + SIZE, SIZE) for i, ch in enumerate(text)]


def test_a_last_line_filled_to_the_edge_mid_name_runs_on() -> None:
    edge = 3.0 + 9 * SIZE  # room for nine glyphs
    assert runs_on([_line("长沙市质量技术监督")], edge, join_chars)
    assert runs_on([_line("开展儿童玩具质量专项"), _line("行动，推动企业落实质", top=14)], edge + SIZE, join_chars)


def test_a_line_that_ends_short_a_sentence_or_a_name_does_not_run_on() -> None:
    edge = 3.0 + 9 * SIZE
    assert not runs_on([_line("长沙市统计局")], edge, join_chars), "room left for more glyphs"
    assert not runs_on([_line("推动企业落实责任。")], edge, join_chars), "a sentence ends"
    assert not runs_on([_line("长沙市应急管理局")], 3.0 + 8 * SIZE, join_chars), "a whole name ends at the edge"
    assert not runs_on([], edge, join_chars)


def _table(page: int, rows: list[list[str]], ran: set[tuple[int, int]] = frozenset()) -> Table:  # type: ignore[assignment]
    cells = [TableCell(row=r, col=c, text=t, page=page, runs_on=(r, c) in ran)
             for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Table(page=page, n_rows=len(rows), n_cols=len(rows[0]), cells=cells)


HEAD = ["活动内容", "时间", "牵头单位"]


def test_the_rest_of_cells_that_ran_on_joins_the_row_above() -> None:
    t1 = _table(1, [HEAD, ["开展计量宣传", "9月", "兰州市统计局"], ["开展儿童玩具质量专", "9月底前", "兰州市质量技术监督"]],
                ran={(2, 0), (2, 2)})
    t2 = _table(2, [HEAD, ["项行动", "", "局、兰州市公安局"], ["开展质量论坛", "9月5日", "兰州市科学技术局"]])
    acts = table_activities([t1, t2])
    assert [a.content for a in acts] == ["开展计量宣传", "开展儿童玩具质量专项行动", "开展质量论坛"]
    assert acts[1].organizers_raw == "兰州市质量技术监督局、兰州市公安局"
    assert acts[1].time == "9月底前"
    assert acts[1].span is not None and acts[1].span.pages == [1, 2]


def test_a_top_row_with_text_where_nothing_ran_on_is_a_new_row() -> None:
    t1 = _table(1, [HEAD, ["开展儿童玩具质量专", "9月底前", "兰州市质量技术监督"]], ran={(1, 0)})
    t2 = _table(2, [HEAD, ["开展质量论坛", "", "兰州市公安局"]])
    acts = table_activities([t1, t2])
    assert [a.content for a in acts] == ["开展儿童玩具质量专", "开展质量论坛"], "the lead cell above ended"
