"""Organizer identity on 500 strings from 30 provinces (tests/data/orgs, written by tests/gen/orgs.py)."""

from __future__ import annotations

import csv
import io

from normalizers.organizations import OrgContext, notice_definitions, resolve, resolve_organizers
from normalizers.orgs.docmeta import infer_facts
from normalizers.regions import by_path, match_region
from tests.gen import orgs as gen
from tests.gen.score_orgs import rows, score


def test_the_committed_set_is_what_the_generator_writes() -> None:
    for part, seeds in (("dev", gen.DEV_SEEDS), ("heldout", gen.HELDOUT_SEEDS)):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=gen.FIELDS, lineterminator="\n")
        w.writeheader()
        for seed in seeds:
            w.writerow({**gen.make(seed), "split": part})
        assert buf.getvalue() == (gen.OUT / f"{part}.csv").read_text(encoding="utf-8")


def test_set_covers_25_provinces_and_300_strings() -> None:
    all_rows = rows("dev") + rows("heldout")
    assert len(all_rows) >= 300
    assert len({r["province"] for r in all_rows if r["province"]}) >= 25


def test_held_out_exact_set_accuracy_and_no_cross_region_pick() -> None:
    out = score("heldout")
    assert out.accuracy >= 0.97, out.misses
    assert out.cross == 0


# --- single rules on names of other provinces -------------------------------------------------

def names(raw: str, region: str | None, year: int | None = None) -> list[str]:
    return [r.name for r in resolve(raw, region, None, year)]


def test_same_named_district_stays_in_the_notice_chain() -> None:
    assert names("朝阳区市场监管局", "吉林省长春市", 2019) == ["长春市朝阳区市场监督管理局"]
    assert names("长春市朝阳区市场监督管理局", "吉林省长春市朝阳区", 2019) == ["长春市朝阳区市场监督管理局"]
    assert names("朝阳区市场监管局", "北京市", 2019) == ["北京市朝阳区市场监督管理局"]


def test_same_named_district_without_context_is_ambiguous_with_candidates() -> None:
    ref, = resolve("朝阳区市场监管局", None, None, 2019)
    assert (ref.resolved, ref.status) == (False, "ambiguous")
    assert set(ref.candidates) == {"北京市朝阳区市场监督管理局", "长春市朝阳区市场监督管理局"}


def test_a_region_of_another_province_written_in_part_is_never_chosen() -> None:
    # 新华区 exists in 石家庄 and 沧州 (Hebei) and 平顶山 (Henan): a Henan notice means 平顶山's
    assert names("新华区教育局", "河南省", 2015) == ["平顶山市新华区教育局"]
    ref, = resolve("新华区教育局", "河北省", None, 2015)
    assert ref.status == "ambiguous" and all("平顶山" not in c for c in ref.candidates)


def test_relative_prefixes_by_rank() -> None:
    assert names("自治区质监局", "广西壮族自治区", 2016) == ["广西壮族自治区质量技术监督局"]
    assert names("州市场监管局", "吉林省延边朝鲜族自治州", 2019) == ["延边朝鲜族自治州市场监督管理局"]
    assert names("市市场监管局", "浙江省绍兴市诸暨市", 2019) == ["诸暨市市场监督管理局"]
    assert names("旗市场监督管理局", "内蒙古自治区鄂尔多斯市准格尔旗", 2019) == ["准格尔旗市场监督管理局"]
    assert names("县政府、市质监局", "浙江省湖州市安吉县", 2015) == ["安吉县人民政府", "湖州市质量技术监督局"]


def test_the_year_decides_which_division_is_current() -> None:
    assert by_path("北京市崇文区", 2009) is not None
    m = match_region("闸北区质监局", by_path("上海市"), 2014)
    assert m.region is not None and m.region.path == "上海市闸北区"
    assert names("县质监局", "北京市密云县", 2013) == ["北京市密云县质量技术监督局"]
    assert names("区质监局", "北京市密云区", 2016) == ["北京市密云区质量技术监督局"]


def test_joined_lists_and_names_that_contain_list_words() -> None:
    assert names("省食药监局 省质监局", "湖南省", 2015) == ["湖南省食品药品监督管理局", "湖南省质量技术监督局"]
    assert names("中国石油和化学工业联合会", None, 2018) == ["中国石油和化学工业联合会"]
    assert names("各省、自治区、直辖市质量技术监督局", None, 2015) == ["*各省（自治区、直辖市）质量技术监督局"]


def test_development_zone_under_its_city() -> None:
    assert names("高新区管委会、市发改委", "吉林省长春市", 2018) == ["长春高新技术产业开发区管理委员会",
                                                              "长春市发展和改革委员会"]


def test_party_congress_and_mass_organisations() -> None:
    assert names("区人大常委会、区政协、团区委", "四川省成都市武侯区", 2017) == [
        "成都市武侯区人民代表大会常务委员会", "中国人民政治协商会议成都市武侯区委员会", "共青团成都市武侯区委员会"]


def test_an_abbreviation_the_notice_defines_beats_the_general_rule() -> None:
    ctx = OrgContext.of("河南省洛阳市", "municipal", 2019)
    text = "洛阳市质量强市工作领导小组办公室（以下简称市质强办）会同有关部门制定本方案。"
    defined = notice_definitions(text, ctx)
    assert defined == {"市质强办": "洛阳市质量强市工作领导小组办公室"}
    ctx = OrgContext.of("河南省洛阳市", "municipal", 2019, defined)
    ref, = resolve_organizers("市质强办牵头", ctx)
    assert (ref.name, ref.method, ref.status) == ("洛阳市质量强市工作领导小组办公室", "defined", "resolved")


def test_notice_region_from_the_doc_number_prefix_refined_by_the_title() -> None:
    facts = infer_facts([], "浙质监发〔2015〕12号", "关于开展2015年质量月活动的通知", "", year=2015)
    assert (facts.region, facts.region_source) == ("浙江省", "doc_number")
    facts = infer_facts([], "浙质监发〔2015〕12号", "宁波市2015年质量月活动方案", "", year=2015)
    assert (facts.region, facts.region_source) == ("浙江省宁波市", "doc_number")


def test_orgs_resolve_command_shows_bodies_status_and_evidence() -> None:
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["orgs", "resolve", "区市场监管局、区总工会", "--region", "吉林省长春市朝阳区",
                                      "--level", "district", "--year", "2019", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["name"], r["status"]) for r in rows] == [("长春市朝阳区市场监督管理局", "resolved"),
                                                        ("长春市朝阳区总工会", "resolved")]
    assert any("吉林省长春市朝阳区" in e for e in rows[0]["evidence"])
    bad = CliRunner().invoke(app, ["orgs", "resolve", "区市场监管局", "--region", "火星省"])
    assert bad.exit_code != 0 and "火星省" in bad.output
