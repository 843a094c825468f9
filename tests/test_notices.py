"""Notices, not files (issue 24): identity by content, variants shown as variants, off-topic files
flagged and never counted, counts and the report per notice. Real files through the real commands.

One store holds: the Suzhou 2020 notice as .docx and _fragments.docx (two renderings), the Jiangsu
2010 .docx and an identical copy of it under a name that says nothing, the Xiangcheng 2017 .docx,
one generated list notice as DOCX and as text (another place, other words), and a generated notice
of another field (an off-topic file).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.gen import lists_bench, topics

runner = CliRunner()
OFF_TOPIC_SEED = next(s for s in topics.DEV_SEEDS if topics.build(s).kind == "off")
LIST_SEED = lists_bench.split_seeds("dev")[3]


@pytest.fixture(scope="module")
def store(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from pipeline.config import Settings
    from pipeline.run import run_batch

    work = tmp_path_factory.mktemp("notices")
    raw = work / "raw"
    raw.mkdir()
    for name in ("suzhou_2020_municipal.docx", "suzhou_2020_municipal_fragments.docx",
                 "jiangsu_2010_provincial.docx", "xiangcheng_2017_district.docx"):
        shutil.copy2(raw_dir / name, raw / name)
    shutil.copy2(raw_dir / "jiangsu_2010_provincial.docx", raw / "下载文件(1).docx")
    lists_bench.render_notice(LIST_SEED, raw, formats=["auto", "wrap"], lo=False)
    shutil.rmtree(raw / "truth")
    off = topics.build(OFF_TOPIC_SEED)
    topics.render_docx(off, raw / f"{off.name}.docx")
    url = f"sqlite:///{work / 'qm.db'}"
    summary = run_batch(Settings(db=url, quarantine=str(work / "q")), [str(raw)])
    assert summary.failed == 0
    return {"url": url, "raw": raw, "work": work, "off": f"{off.name}.docx",
            "list": lists_bench.build(LIST_SEED).name}


def _cli(*args: str) -> Any:
    from flows import app

    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res


def _sql(url: str, sql: str) -> list[Any]:
    from loaders.db import get_engine

    with get_engine(url).connect() as conn:
        return list(conn.execute(text(sql)))


def test_status_shows_each_file_with_its_notice_and_role(store: dict[str, Any]) -> None:
    rows = {Path(r["path"]).name: r for r in json.loads(_cli("status", "--db", store["url"], "--json").stdout)}
    assert len(rows) == 8
    suzhou = {rows[n]["notice"] for n in ("suzhou_2020_municipal.docx", "suzhou_2020_municipal_fragments.docx")}
    assert suzhou == {"苏质发委办〔2020〕25号"}
    jiangsu, copy = rows["jiangsu_2010_provincial.docx"], rows["下载文件(1).docx"]
    assert jiangsu["notice"] == copy["notice"] and jiangsu["notice_id"] == copy["notice_id"]
    assert {jiangsu["role"], copy["role"]} == {"representative", "identical copy"}
    lst = [r for n, r in rows.items() if n.startswith(store["list"])]
    assert len(lst) == 2 and len({r["notice_id"] for r in lst}) == 1 and {r["role"] for r in lst} == {
        "representative", "variant"}
    assert rows[store["off"]]["state"] == "off_topic" and rows[store["off"]]["role"] == "off-topic"
    assert rows[store["off"]]["notice"] is None
    notices = {r["notice_id"] for n, r in rows.items() if n != store["off"]}
    assert len(notices) == 4  # 7 on-topic files, 4 notices


def test_status_table_says_files_and_notices(store: dict[str, Any]) -> None:
    res = _cli("status", "--db", store["url"])
    header = res.stdout.splitlines()[0].split("\t")
    assert header[:4] == ["path", "state", "notice", "role"]
    assert re.search(r"4 notices \(\+0 embedded\) in 7 loaded files, 1 off-topic", res.output)


def test_views_count_notices_not_files(store: dict[str, Any]) -> None:
    url = store["url"]
    docs = _sql(url, "SELECT source_file, variants, activities, off_topic FROM v_documents ORDER BY source_file")
    counted = [d for d in docs if not d.off_topic]
    assert len(counted) == 4 and len(docs) == 5
    per_notice = {d.source_file: d.activities for d in counted}
    assert per_notice["suzhou_2020_municipal.docx"] == 104
    assert sum(1 for d in counted if d.variants == 2) == 3  # Suzhou, Jiangsu + copy, the list notice
    total = _sql(url, "SELECT COUNT(*) AS n FROM v_activities")[0].n
    assert total == sum(per_notice.values())
    files = _sql(url, "SELECT COUNT(*) AS n FROM activities")[0].n
    assert files > total  # the files hold more rows than the notices have activities
    off = _sql(url, "SELECT notices FROM v_campaigns")
    assert sum(r.notices for r in off) == 4


def test_orgs_counts_are_per_notice(store: dict[str, Any]) -> None:
    rows = json.loads(_cli("orgs", "counts", "--db", store["url"], "--json").stdout)
    samr = next(r for r in rows if r["organization"] == "苏州市市场监督管理局" and r["year"] == 2020)
    per_file = _sql(store["url"], """
        SELECT sf.name, COUNT(DISTINCT a.id) AS n FROM activity_organizers ao
        JOIN activities a ON a.id = ao.activity_id JOIN documents d ON d.id = a.document_id
        JOIN source_files sf ON sf.id = d.source_file_id JOIN organizations o ON o.id = ao.organization_id
        WHERE o.name = '苏州市市场监督管理局' GROUP BY sf.name""")
    counts = {r.name: r.n for r in per_file}
    assert len(counts) == 2 and samr["activities"] == counts["suzhou_2020_municipal.docx"]
    assert samr["notices"] == 1 and samr["activities"] < sum(counts.values())
    jiangsu = [r for r in rows if r["year"] == 2010]
    assert jiangsu and all(r["notices"] == 1 for r in jiangsu)  # the copy adds nothing


def test_report_lists_notices_levels_by_year_and_coverage_per_level(store: dict[str, Any]) -> None:
    out = store["work"] / "report.html"
    _cli("report", "--db", store["url"], "--out", str(out))
    page = out.read_text("utf-8")
    notices = page[page.index('<section id="notices">'):page.index('<section id="level_year">')]
    assert "Notices (4; 1 off-topic files apart)" in notices
    for col in ("title", "level", "region", "year", "activities", "files", "status"):
        assert f"<th>{col}</th>" in notices
    assert "off-topic (not counted)" in notices and "关于开展2020年全市“质量月”活动的通知" in notices
    level_year = page[page.index('<section id="level_year">'):page.index('<section id="year_level">')]
    heads = re.findall(r"<th>([^<]*)</th>", level_year)
    assert heads[0] == "level" and heads[1:] == [str(y) for y in range(2010, 2021)]  # empty years kept
    assert "<td></td>" in level_year
    coverage = page[page.index('<section id="coverage">'):page.index('<section id="failures">')]
    cheads = re.findall(r"<th>([^<]*)</th>", coverage)
    assert cheads[:2] == ["level", "region"] and "2015" in cheads
    assert "江苏省苏州市相城区" in coverage and "江苏省" in coverage
    assert re.search(r"<b>\d{4}-\d\d-\d\d \d\d:\d\d UTC</b>last loaded", page)


def test_withdrawing_a_copy_keeps_the_notice(raw_dir: Path, tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.run import run_batch

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(raw_dir / "xiangcheng_2017_district.docx", raw / "a.docx")
    shutil.copy2(raw_dir / "xiangcheng_2017_district.docx", raw / "b.docx")
    url = f"sqlite:///{tmp_path / 'qm.db'}"
    settings = Settings(db=url, quarantine=str(tmp_path / "q"))
    run_batch(settings, [str(raw)])
    assert [(r.variants, r.activities) for r in _sql(url, "SELECT variants, activities FROM v_documents")] == [(2, 16)]
    (raw / "a.docx").unlink()
    run_batch(settings, [str(raw)])
    rows = _sql(url, "SELECT source_file, variants, activities FROM v_documents")
    assert [(r.source_file, r.variants, r.activities) for r in rows] == [("b.docx", 1, 16)]
    from loaders.db import get_engine

    with get_engine(url).begin() as conn:  # a store loaded before notice identity: no document grouped
        conn.execute(text("UPDATE documents SET notice_id = NULL, notice_match = NULL"))
    rows = json.loads(_cli("status", "--db", url, "--json").stdout)
    assert [r["role"] for r in rows if r["state"] == "loaded"] == ["representative"]
    assert _sql(url, "SELECT COUNT(*) AS n FROM documents WHERE is_current AND notice_id IS NULL")[0].n == 0


def test_topic_rule_on_the_generated_dev_set(tmp_path: Path) -> None:
    from extractors import parse_notice, read_layout

    wrong = []
    for seed in topics.DEV_SEEDS:
        n = topics.build(seed)
        layout = read_layout(topics.render_docx(n, tmp_path / f"{n.name}.docx"))
        parsed = parse_notice(layout.value)
        if parsed.value.meta.off_topic != (n.kind == "off"):
            wrong.append((n.name, n.kind, n.title))
    assert not wrong


def test_topic_rules() -> None:
    from extractors.structure.parse import is_off_topic

    safety = ("关于开展2019年全市“安全生产月”活动的通知各县（市、区）安全生产委员会成员单位：一、推动安全生产"
              "高质量发展，强化监督检查。二、开展危险化学品、矿山、建筑施工领域隐患排查治理，督促企业落实主体责任。"
              "三、组织安全生产应急演练和安全宣传咨询日活动，普及安全知识，提升应急处置能力。")
    assert is_off_topic(safety, "关于开展2019年全市“安全生产月”活动的通知")  # 高质量发展 names no quality campaign
    table = "序号类别活动内容牵头单位" + "开展产品质量监督抽查，组织计量器具检定，宣贯标准。" * 6
    assert not is_off_topic(table, "重点活动安排表")  # a plain title over dense quality terms
    assert not is_off_topic("为做好世界计量日活动，开放计量实验室。", "关于开展2018年“5·20世界计量日”活动的通知")
    drugs = "开展毒品预防教育进校园活动，组织禁毒知识有奖竞答和图片展，利用新媒体平台推送禁毒宣传内容。" * 2
    assert is_off_topic(drugs + "加强易制毒化学品监督检查。", "关于开展禁毒宣传月活动的通知")


def test_same_notice_needs_agreeing_years_and_near_identical_text_for_other_numbers() -> None:
    from loaders.notices import Member, fingerprint, same_notice

    words = "".join(topics.build(s).paragraphs[4] for s in range(6)) * 2
    fp = fingerprint([words])

    def member(i: str, year: int | None, number: str | None, f: Any = fp) -> Member:
        return Member(i, f"sha{i}", 0, number, "关于开展质量月活动的通知", year, "municipal", "四川省绵阳市", False, f)

    assert same_notice(member("a", 2019, "绵质〔2019〕3号"), member("b", None, None)) == "text"
    assert same_notice(member("a", 2019, "绵质〔2019〕3号"), member("b", 2020, None)) is None
    assert same_notice(member("a", 2019, "绵质〔2019〕3号"), member("b", 2019, "绵质〔2049〕8号")) == "text"  # misread
    other = fingerprint([words[: len(words) // 3]])
    assert same_notice(member("a", 2019, "绵质〔2019〕3号"), member("b", 2019, "绵质〔2019〕9号", other)) is None
    assert same_notice(member("a", 2019, "绵质〔2019〕3号"), member("b", 2019, "绵质〔2019〕3号", other)) == "doc_number"
