"""List notices in the layouts offices publish (tests/gen/lists.py): generated notices rendered
into DOCX (typed and automatic numbering), reportlab PDF with running headers, HTML inside site
boilerplate (UTF-8, GBK) and hard-wrapped GB18030 text, read back and compared with the truth
written by construction; plus the clause forms, non-activity items and numbering rules alone."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from extractors import parse_notice, read_layout
from extractors.readers.text import join_wrapped
from extractors.structure.metadata import ORG_TOKEN
from extractors.structure.organizer_clauses import find_clause, item_clause
from extractors.structure.redhead import head_line_names, unwrap
from schemas import Notice
from tests.gen import lists_docx, lists_render
from tests.gen.lists import DEV_SEEDS, build, truth

RENDER = {
    "lit.docx": lambda n, p, r: lists_docx.render_docx(n, p, r, auto=False),
    "auto.docx": lambda n, p, r: lists_docx.render_docx(n, p, r, auto=True),
    "rl.pdf": lists_docx.render_pdf,
    "utf8.html": lists_render.render_html_utf8,
    "gbk.html": lists_render.render_html_gbk,
    "wrap.txt": lists_render.render_text,
}


def _sq(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _parse(path: Path) -> Notice:
    layout = read_layout(path)
    assert layout.ok and layout.value is not None, layout.errors
    parsed = parse_notice(layout.value)
    assert parsed.ok and parsed.value is not None, parsed.errors
    return parsed.value


# one dev notice of each layout: grouped, siblings, by_body, work_plan, subpoints
@pytest.mark.parametrize("seed", [s for s in DEV_SEEDS if s < 5])
@pytest.mark.parametrize("fmt", list(RENDER))
def test_generated_list_notice_reads_back(seed: int, fmt: str, tmp_path: Path) -> None:
    notice = build(seed)
    gold = truth(notice)
    path = RENDER[fmt](notice, tmp_path / f"n.{fmt.split('.')[1]}", random.Random(seed))
    got = _parse(path)
    assert [o.path for o in got.outline] == [o["path"] for o in gold["outline"]]
    assert [_sq(a.content) for a in got.activities] == [_sq(a["content"]) for a in gold["activities"]]
    doc = gold["document"]
    assert _sq(got.meta.title) == _sq(doc["title"]) and got.meta.doc_number == doc["doc_number"]
    assert got.meta.date == doc["date"] and got.meta.year == doc["year"]
    assert [_sq(x) for x in got.meta.issuers_raw] == [_sq(x) for x in doc["issuers"]]
    assert doc["doc_number"] not in got.meta.references and got.meta.references == doc["references"]
    for act, want in zip(got.activities, gold["activities"], strict=True):
        assert _sq(act.organizers_raw).replace("牵头，", "牵头、") == _sq(want["organizers_raw"]).replace(
            "牵头，", "牵头、"), act.content
        assert act.outline_path and act.span.pages


@pytest.mark.parametrize(("text", "body", "want", "form"), [
    ("开展评审。由甲市质量协会会同甲市教育局组织，评选成果。", "", "甲市质量协会会同甲市教育局", "you_huitong"),
    ("开展培训。甲市商务局牵头、甲市总工会配合，组织培训。", "", "甲市商务局牵头，甲市总工会配合", "lead_co"),
    ("开展帮扶。甲市科学技术局联合甲市消费者协会，深入企业。", "", "甲市科学技术局联合甲市消费者协会", "lianhe_object"),
    ("开展抽查。甲市教育局、甲市商务局联合开展专项工作。", "", "甲市教育局、甲市商务局联合", "lianhe_joint"),
    ("开展评选。评选工作由甲市住房和城乡建设局负责组织实施。", "", "甲市住房和城乡建设局负责", "you_lead"),
    ("开展宣传。内容。（牵头单位：甲市教育局；配合单位：甲市总工会）", "", "牵头单位：甲市教育局；配合单位：甲市总工会", "paren"),
    ("开展宣传。内容。", "牵头单位：甲市教育局\n配合单位：甲市总工会", "牵头单位：甲市教育局；配合单位：甲市总工会", "labels"),
    ("开展宣传。内容。", "责任单位：甲市教育局、甲市商务局", "责任单位：甲市教育局、甲市商务局", "labels"),
])
def test_clause_forms(text: str, body: str, want: str, form: str) -> None:
    clause = find_clause(text, None, body)
    assert clause is not None and (clause.raw, clause.form) == (want, form)


@pytest.mark.parametrize("text", ["开展抽查。按照甲市市场监督管理局的统一部署，组织抽查。",
                                  "组织企业参加由甲省市场监督管理局举办的培训会。",
                                  "开展宣传。各相关单位进社区开展宣传。"])
def test_mentioned_bodies_are_no_organizers(text: str) -> None:
    assert item_clause(text) is None


def test_non_activity_siblings_keep_their_reason(tmp_path: Path) -> None:
    seed = next(s for s in DEV_SEEDS if build(s).layout == "siblings")
    notice = build(seed)
    got = _parse(RENDER["lit.docx"](notice, tmp_path / "n.docx", random.Random(0)))
    reasons = [o.not_activity for o in got.outline if o.not_activity]
    assert reasons and reasons[0].startswith("time:")
    assert not any(a.content.startswith(("活动时间", "总结报送", "信息报送")) for a in got.activities)


def test_hard_wrapped_text_keeps_items_labels_and_doc_number() -> None:
    lines = ["　　　　　　甲质发办〔2019〕5号", "（一）开展质量宣传。组织专家走进课堂，普及质量安全知识，培养青少年的质量", "意识。",
             "牵头单位：甲市教育局", "（二）开展计量服务。为群众免费检定血压计、体重秤等计量器具，坚持质量第",
             "— 2 —", "一、效益优先，开展诚信计量进市场活动。", "短行。", "再一行。"]
    out = join_wrapped(lines)
    assert out[0].strip() == "甲质发办〔2019〕5号"
    assert out[1].endswith("质量意识。") and out[2] == "牵头单位：甲市教育局"
    assert out[3].endswith("开展诚信计量进市场活动。")


@pytest.mark.slow
def test_libreoffice_pdf_of_automatic_numbering_gives_the_docx_outline(tmp_path: Path) -> None:
    notice = build(4)
    docx = RENDER["auto.docx"](notice, tmp_path / "n.docx", random.Random(4))
    pdf = lists_docx.docx_to_pdf(docx, tmp_path / "n.pdf")
    want = [o["path"] for o in truth(notice)["outline"]]
    assert [o.path for o in _parse(docx).outline] == want
    assert [o.path for o in _parse(pdf).outline] == want


def _unsigned(joint: bool, columns: int) -> int:
    return next(s for s in DEV_SEEDS
                if (n := build(s)).joint == joint and n.head_columns == columns and not n.signed)


# stamps only, no signature text: the red head (one or two names a line, letter-spaced in PDFs,
# a borderless head table in DOCX) names the issuers; before, the doc number's abbreviation did
@pytest.mark.parametrize(("joint", "columns"), [(True, 2), (True, 1), (False, 1)])
@pytest.mark.parametrize("fmt", ["lit.docx", "rl.pdf", "wrap.txt"])
def test_unsigned_notice_takes_its_issuers_from_the_red_head(joint: bool, columns: int, fmt: str,
                                                             tmp_path: Path) -> None:
    notice = build(_unsigned(joint, columns))
    got = _parse(RENDER[fmt](notice, tmp_path / f"n.{fmt.split('.')[1]}", random.Random(0)))
    assert [_sq(x) for x in got.meta.issuers_raw] == [_sq(x) for x in truth(notice)["document"]["issuers"]]


@pytest.mark.slow
def test_libreoffice_two_column_red_head_gives_every_issuer(tmp_path: Path) -> None:
    notice = build(_unsigned(True, 2))
    docx = RENDER["auto.docx"](notice, tmp_path / "n.docx", random.Random(0))
    got = _parse(lists_docx.docx_to_pdf(docx, tmp_path / "n.pdf"))
    assert [_sq(x) for x in got.meta.issuers_raw] == [_sq(x) for x in truth(notice)["document"]["issuers"]]


@pytest.mark.parametrize(("line", "want"), [
    ("湖 北 省 总 工 会 湖 北 省 交 通 运 输 厅 文件", ["湖北省总工会", "湖北省交通运输厅"]),
    ("襄阳市发展和改革委员会 襄 阳 市 科 学 技 术 协 会", ["襄阳市发展和改革委员会", "襄阳市科学技术协会"]),
    ("中国共产主义青年团湖北省委员会", ["中国共产主义青年团湖北省委员会"]),
    ("延边朝鲜族自治州质量技术监督局延边朝鲜族自治州总工会", ["延边朝鲜族自治州质量技术监督局", "延边朝鲜族自治州总工会"]),
    ("文件", []),
    ("关于开展2020年全市“质量月”活动的通知", None),
    ("特急", None),
])
def test_red_head_line_names(line: str, want: list[str] | None) -> None:
    assert head_line_names(line, ORG_TOKEN) == want


def test_notice_of_a_title_and_its_items_lists_them_as_activities(tmp_path: Path) -> None:
    items = ["一、开展质量宣传进社区活动。在城区广场设立咨询台，发放宣传资料。",
             "二、开展计量惠民服务。为群众免费检定血压计、体重秤等计量器具。",
             "三、组织质量管理培训。组织企业质量负责人参加培训。"]
    path = tmp_path / "bare.txt"
    path.write_text("\n".join(["关于开展2016年全县“质量月”活动的通知", "", *items]) + "\n", encoding="utf-8")
    got = _parse(path)
    assert got.meta.title == "关于开展2016年全县“质量月”活动的通知" and got.meta.year == 2016
    assert [a.content for a in got.activities] == [t[2:] for t in items]


def test_outline_of_frame_sections_only_gives_no_activities(tmp_path: Path) -> None:
    path = tmp_path / "frame.txt"
    path.write_text("关于开展2016年全县“质量月”活动的通知\n\n一、指导思想\n坚持质量第一。\n二、活动主题\n质量提升。\n"
                    "三、工作要求\n各单位要高度重视。\n", encoding="utf-8")
    assert _parse(path).activities == []


def test_red_head_name_wrapped_in_its_cell_is_joined() -> None:
    assert unwrap(["深圳市南山区质量技术监督局", "深圳市南山区人力资源和社会保障", "局"], ORG_TOKEN) == [
        "深圳市南山区质量技术监督局", "深圳市南山区人力资源和社会保障局"]
