"""General rules, shown on generated variants of real notices: other cities, other years.

bench/generate.py rewrites a corpus DOCX as the same notice from another place and year (city and
district names, campaign year, organizer spellings, table row order). Nothing in the pipeline knows
these places from the corpus, so what must hold here holds only if the rules are general.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.generate import Variant, mutate
from extractors import parse_notice, read_layout
from normalizers import normalize_notice
from schemas import Notice


def notice_of(src: Path, dest: Path, variant: Variant) -> Notice:
    mutate(src, dest, variant)
    layout = read_layout(dest)
    assert layout.ok and layout.value is not None, layout.errors
    parsed = parse_notice(layout.value)
    assert parsed.ok and parsed.value is not None, parsed.errors
    normalized = normalize_notice(parsed.value)
    assert normalized.ok and normalized.value is not None
    return normalized.value


def names_for(notice: Notice, raw: str) -> set[str]:
    return {r.name for a in notice.activities for r in a.organizer_refs if r.raw == raw}


def test_municipal_table_notice_of_another_city_and_year(raw_dir: Path, tmp_path: Path) -> None:
    n = notice_of(raw_dir / "suzhou_2020_municipal.docx", tmp_path / "nanjing.docx",
                  Variant(2012, "南京", "鼓楼", spell_short=False, shuffle_seed=2))
    assert len(n.activities) == 104
    assert (n.meta.year, n.meta.level, n.meta.region) == (2012, "municipal", "江苏省南京市")
    assert n.meta.issuers == ["南京市质量发展委员会办公室"]
    assert names_for(n, "市市场监督管理局") == {"南京市市场监督管理局"}
    assert names_for(n, "张家港市市场监督管理局") <= {"张家港市市场监督管理局"}  # county-level city: no prefix


def test_table_rows_in_another_order_give_the_same_activities(raw_dir: Path, tmp_path: Path) -> None:
    src = raw_dir / "suzhou_2020_municipal.docx"
    plain = notice_of(src, tmp_path / "a.docx", Variant(2016, "无锡", "梁溪", spell_short=True, shuffle_seed=4))
    shuffled = notice_of(src, tmp_path / "b.docx", Variant(2016, "无锡", "梁溪", spell_short=True, shuffle_seed=5))

    def rows(n: Notice) -> Counter[tuple[str | None, str | None, str]]:
        return Counter((a.category_raw, a.project, a.content) for a in n.activities)

    assert len(shuffled.activities) == 104
    assert rows(shuffled) == rows(plain)


@pytest.mark.parametrize(("city", "district", "province"), [("宁波", "鄞州", "浙江省"), ("武汉", "江汉", "湖北省")])
def test_district_plan_of_another_district(raw_dir: Path, tmp_path: Path, city: str, district: str,
                                           province: str) -> None:
    n = notice_of(raw_dir / "xiangcheng_2017_district.docx", tmp_path / "plan.docx",
                  Variant(2019, city, district, spell_short=True, shuffle_seed=2))
    region = f"{province}{city}市{district}区"
    assert (n.meta.year, n.meta.level, n.meta.region) == (2019, "district", region)
    assert len(n.activities) == 16
    assert names_for(n, "区市场监管局") == {f"{city}市{district}区市场监督管理局"}
    assert names_for(n, "各成员单位") == {f"*{city}市{district}区各成员单位"}
