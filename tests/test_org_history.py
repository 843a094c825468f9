"""Renamed and merged bodies: dated successor links, by name or by rule for any region, and the
name current in a notice's year (the body written keeps its own name)."""

from __future__ import annotations

import pytest

from normalizers.organizations import resolve
from normalizers.orgs.history import current_name, in_force, successor_links


@pytest.mark.parametrize(("name", "year", "current"), [
    ("国家质量监督检验检疫总局", 2017, "国家质量监督检验检疫总局"),
    ("国家质量监督检验检疫总局", 2018, "国家市场监督管理总局"),  # 2018-03-21, before that year's 质量月
    ("国家食品药品监督管理局", 2012, "国家食品药品监督管理局"),
    ("国家食品药品监督管理局", 2014, "国家食品药品监督管理总局"),
    ("国家食品药品监督管理局", 2019, "国家市场监督管理总局"),  # two dated links followed
    ("洛阳市质量技术监督局", 2018, "洛阳市质量技术监督局"),
    ("洛阳市质量技术监督局", 2019, "洛阳市市场监督管理局"),  # a rule for any region
    ("河南省经济和信息化委员会", 2020, "河南省工业和信息化厅"),  # the province's ending wins
    ("洛阳市经济和信息化委员会", 2020, "洛阳市工业和信息化局"),
    ("洛阳市教育局", 2020, "洛阳市教育局"),
])
def test_the_notice_year_decides_the_current_name(name: str, year: int, current: str) -> None:
    assert current_name(name, year)[0] == current


def test_a_change_counts_in_its_own_year_only_before_the_quality_month() -> None:
    assert in_force("2018-03-21", 2018) and not in_force("2018-10", 2018) and in_force("2018-10", 2019)
    assert not in_force("", 2020), "an undated link decides nothing by year"


def test_explicit_links_beat_the_generic_rules() -> None:
    links = successor_links(["国家食品药品监督管理局", "洛阳市食品药品监督管理局"])
    pairs = {(lk.predecessor, lk.successor) for lk in links}
    assert ("国家食品药品监督管理局", "国家食品药品监督管理总局") in pairs
    assert ("国家食品药品监督管理局", "国家市场监督管理局") not in pairs
    assert ("洛阳市食品药品监督管理局", "洛阳市市场监督管理局") in pairs


def test_a_resolved_old_name_keeps_its_identity_and_says_what_is_current() -> None:
    old, = resolve("市质监局", "河南省洛阳市", "municipal", 2019)
    assert (old.name, old.current) == ("洛阳市质量技术监督局", "洛阳市市场监督管理局")
    assert any("successor" in e for e in old.evidence)
    same, = resolve("市质监局", "河南省洛阳市", "municipal", 2016)
    assert (same.name, same.current) == ("洛阳市质量技术监督局", None)
