"""Same-named districts (青山区 in 包头 and in 武汉, 朝阳区, 鼓楼区 …): a full name with its own
prefecture is never rewritten to another prefecture's district, in any notice's region, and a bare
district name after such a body in the same list (a table cell) stays in that body's prefecture."""

from __future__ import annotations

from collections import defaultdict

from extractors.structure.table_cells import join_bodies
from normalizers.organizations import resolve
from normalizers.regions import Region, load_regions, org_prefix

YEAR = 2019


def _same_named_districts() -> dict[str, list[Region]]:
    by_name: dict[str, list[Region]] = defaultdict(list)
    for r in load_regions().by_path.values():
        if r.kind == "district" and r.valid(YEAR, strict=True) and r.code:
            by_name[r.name].append(r)
    return {k: v for k, v in by_name.items() if len(v) > 1}


def test_a_full_name_keeps_its_own_prefecture_in_every_same_named_units_notice() -> None:
    dups = _same_named_districts()
    assert len(dups) > 20, "the code table holds many same-named districts"
    wrong = []
    for units in dups.values():
        for own in units:
            name = org_prefix(own) + "市场监督管理局"
            for other in units:
                for ctx in (other.path, other.parent):
                    got = [r.name for r in resolve(name, ctx, "district", YEAR)]
                    if got != [name]:
                        wrong.append(f"{name} in {ctx} → {got}")
    assert not wrong, wrong[:10]


def test_a_bare_district_after_a_full_name_in_the_same_cell_stays_in_that_prefecture() -> None:
    # a table cell of a Wuhan notice naming bodies of 包头市青山区, one per line or after 、
    for cell in ("包头市青山区人民政府、青山区市场监督管理局", "包头市青山区教育局；青山区科协",
                 "包头市青山区卫生健康委员会 青山区人社局"):
        for ctx in ("湖北省武汉市", "湖北省武汉市青山区"):
            refs = resolve(cell, ctx, "municipal", YEAR)
            assert [r.name.startswith("包头市青山区") for r in refs] == [True, True], (cell, ctx, refs)
    cell = join_bodies("包头市青山区人民政府\n青山区市场监督管理局")  # one body per line in a table cell
    assert [r.name for r in resolve(cell, "湖北省武汉市", "municipal", YEAR)] == [
        "包头市青山区人民政府", "包头市青山区市场监督管理局"]
    # the notice's own district when the list stays in the notice's chain
    refs = resolve("武汉市市场监督管理局、青山区市场监督管理局", "湖北省武汉市", "municipal", YEAR)
    assert [r.name for r in refs] == ["武汉市市场监督管理局", "武汉市青山区市场监督管理局"]
