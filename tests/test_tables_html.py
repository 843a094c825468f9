"""Activity tables on web pages: generated notices (tests/gen/tables_*) rendered as a site's page
with an HTML <table> (rowspan/colspan, group rows, two-row headers), UTF-8 and GBK."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors import parse_notice, read_layout
from tests.gen.tables_html import render_html
from tests.gen.tables_spec import DEV_SEEDS, make_notice, truth


def _sq(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.mark.parametrize("seed", DEV_SEEDS[:4])
def test_html_table_rows_come_out_as_generated(seed: int, tmp_path: Path) -> None:
    n = make_notice(seed)
    path = render_html(n, tmp_path / "n.html", "gbk" if seed % 2 else "utf-8", seed=seed)
    layout = read_layout(path)
    assert layout.ok and layout.value is not None
    got = parse_notice(layout.value).value
    assert got is not None
    gold = truth(n)
    assert [_sq(a.content) for a in got.activities] == [_sq(a["content"]) for a in gold["activities"]]
    assert [_sq(a.category_raw) for a in got.activities] == [_sq(a["category_raw"]) for a in gold["activities"]]
    assert _sq(got.meta.title) == _sq(gold["document"]["title"])
