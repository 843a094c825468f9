"""organizations.csv holds national bodies and true exceptions only: what grammar and region data
build (doc-number codes, slips, regional associations written in full) comes from general rules."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from normalizers.organizations import resolve
from normalizers.orgs import registry as registry_module
from normalizers.orgs import resolve as resolve_module
from normalizers.orgs.docmeta import infer_facts
from normalizers.orgs.prefixes import body_of_doc_prefix
from normalizers.regions import by_path


@pytest.mark.parametrize(("prefix", "body"), [
    ("苏质技监发", "江苏省质量技术监督局"), ("苏市监", "江苏省市场监督管理局"), ("苏经信", "江苏省经济和信息化委员会"),
    ("鄂市监质", "湖北省市场监督管理局"), ("浙住建发", "浙江省住房和城乡建设厅"), ("京质监", "北京市质量技术监督局"),
    ("川质发委办", "四川省质量发展委员会办公室"), ("粤政办", "广东省人民政府办公厅"),
])
def test_a_doc_number_code_is_a_region_code_and_a_body_code(prefix: str, body: str) -> None:
    found = body_of_doc_prefix(prefix)
    assert found is not None and found[0] == body


def test_a_code_that_names_no_body_gives_none_and_a_city_sharing_the_character_takes_it() -> None:
    assert body_of_doc_prefix("苏质发") is None and body_of_doc_prefix("相政办") is None
    found = body_of_doc_prefix("苏质发委办", by_path("江苏省苏州市"))
    assert found is not None and found[0] == "苏州市质量发展委员会办公室"
    found = body_of_doc_prefix("苏质发委办", by_path("江苏省无锡市"))  # 无锡 writes 锡: the province's code
    assert found is not None and found[0] == "江苏省质量发展委员会办公室"


def test_an_unsigned_notice_takes_its_issuer_from_the_doc_number_code() -> None:
    facts = infer_facts([], "湘市监发〔2019〕8号", "关于开展2019年全省质量月活动的通知", "", year=2019)
    assert (facts.issuers, facts.region, facts.region_source) == (["湖南省市场监督管理局"], "湖南省", "doc_number")
    facts = infer_facts([], "浙质监发〔2015〕12号", "宁波市2015年质量月活动方案", "", year=2015)
    assert facts.issuers == [] and facts.region == "浙江省宁波市", "a code of the province is no Ningbo body"


@pytest.mark.parametrize(("raw", "region", "name"), [
    ("陕西省市政工程协会", "陕西省西安市", "陕西省市政工程协会"),
    ("洛阳市民营经济协会", "河南省洛阳市", "洛阳市民营经济协会"),
    ("绵阳市水利水务工程质量监督站", "四川省", "绵阳市水利水务工程质量监督站"),
    ("长沙市城市建设投资开发有限公司", "湖南省长沙市", "长沙市城市建设投资开发有限公司"),
    ("浙江省住房和建设厅", "浙江省", "浙江省住房和城乡建设厅"),
])
def test_bodies_written_in_full_with_their_region_resolve_by_rule(raw: str, region: str, name: str) -> None:
    ref, = resolve(raw, region, None, 2019)
    assert (ref.name, ref.status) == (name, "resolved"), ref.evidence


def test_a_relative_or_unknown_government_name_is_not_taken_as_written() -> None:
    ref, = resolve("市市政工程协会", "河南省洛阳市", "municipal", 2019)
    assert ref.status == "unknown", "the region is not written: no guess"
    ref, = resolve("洛阳市某某管理局", "河南省洛阳市", "municipal", 2019)
    assert ref.status == "unknown", "a government body must be a known function"
    refs = resolve("洛阳市质量协会和消费者协会", "河南省洛阳市", "municipal", 2019)
    assert [r.name for r in refs] == ["洛阳市质量协会", "洛阳市消费者协会"]


def _local_rows() -> list[dict[str, str]]:
    with registry_module.ORGANIZATIONS.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["region"]]


def test_every_row_has_a_source_note_and_every_local_row_is_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    with registry_module.ORGANIZATIONS.open(encoding="utf-8", newline="") as fh:
        assert all(r["note"] for r in csv.DictReader(fh)), "each kept row says why it is there"
    full = registry_module.load_registry()
    for row in _local_rows():
        if row["aliases"] or row["doc_prefixes"] or row["parent"]:
            continue  # it adds a spelling, a code or a parent no rule gives
        entries = {k: v for k, v in full.entries.items() if k != row["name"]}
        without = replace(full, entries=entries, aliases=registry_module._alias_map(entries))
        monkeypatch.setattr(resolve_module, "load_registry", lambda w=without: w)
        got = resolve(row["name"], row["region"], row["level"], 2019)
        assert not (len(got) == 1 and got[0].name == row["name"] and got[0].resolved), \
            f"{row['name']}: the grammar builds it; the row is not needed"
