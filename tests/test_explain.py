"""`qmetl explain`: how each table of one document was read, on real files — a corpus PDF whose
table runs over nine pages and a generated notice (group rows, a two-row header repeated on
every page) — and the row record of the stitcher on tables built by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractors.structure.tables import table_activities
from flows import app
from schemas import Table, TableCell
from schemas.provenance import TableReading
from tests.gen.tables_pdf import render_pdf
from tests.gen.tables_spec import DEV_SEEDS, make_notice

runner = CliRunner()


def _explain(path: Path, *args: str) -> Any:
    result = runner.invoke(app, ["explain", str(path), *args])
    assert result.exit_code == 0, result.output
    return result


def _tables(payload: dict[str, Any]) -> list[TableReading]:
    return [TableReading.model_validate(t) for t in payload["parts"][0]["tables"]]


def _n(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def fragments_pdf(raw_dir: Path) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(_explain(raw_dir / "suzhou_2020_municipal_fragments.pdf",
                                                  "--format", "json").stdout)
    return payload


def test_a_table_over_many_pages_shows_its_fragments_roles_and_repeated_headers(fragments_pdf: dict[str, Any]) -> None:
    [table] = _tables(fragments_pdf)
    assert table.used and len(table.fragments) > 1
    assert {f.found_by for f in table.fragments} == {"rulings"}, "a drawn grid on every page"
    assert table.pages == sorted({f.page for f in table.fragments}) and len(table.pages) == len(table.fragments)
    roles = {c.role for c in table.columns}
    assert {"content", "lead"} <= roles
    repeats = [r for r in table.rows if r.reason == "header repeat"]
    assert repeats and all(r.ref.fragment > 0 for r in repeats), "a header repeated on a later page is skipped"
    assert {r.ref.fragment for r in repeats} == {f.index for f in table.fragments if f.index and f.header_rows}


def test_every_table_row_of_the_corpus_pdf_is_accounted_for(fragments_pdf: dict[str, Any]) -> None:
    [table] = _tables(fragments_pdf)
    acts = fragments_pdf["parts"][0]["activities"]
    assert sum(f.rows for f in table.fragments) == len(table.rows), "one record per physical row"
    made = [r.activity for r in table.rows if r.outcome == "activity"]
    assert made == [a["seq"] for a in acts], "each activity row gives one activity, in order"
    for a in acts:
        prov = a["provenance"]
        assert prov["table"] == table.index and prov["rows"]
        assert {ref["page"] for ref in prov["rows"]} <= set(prov["pages"])
        assert "content" in prov["columns"].values()


def test_spans_carried_over_a_page_break_are_listed(fragments_pdf: dict[str, Any]) -> None:
    [table] = _tables(fragments_pdf)
    assert table.carried, "the 类别 / 项目 spans go on over the breaks"
    headers = {c.header for c in table.columns if c.span}
    for c in table.carried:
        assert c.column in headers and c.label and c.to_page == c.from_page + 1


def test_the_terminal_view_names_roles_fragments_and_row_outcomes(raw_dir: Path) -> None:
    out = _explain(raw_dir / "suzhou_2020_municipal_fragments.pdf").stdout
    for word in ("columns", "fragments:", "carried:", "header repeat", "activity 1", "content", "lead"):
        assert word in out, word


def _generated_seed() -> int:
    """The first development layout with group rows and a header repeated on every page."""
    return next(s for s in DEV_SEEDS if make_notice(s).traits.group_rows and make_notice(s).traits.repeat_header)


def test_a_generated_notice_shows_its_group_rows_and_header_repeats(tmp_path: Path) -> None:
    notice = make_notice(_generated_seed())
    pdf = render_pdf(notice, tmp_path / f"{notice.name}.pdf")
    payload = json.loads(_explain(pdf, "--format", "json").stdout)
    [table] = _tables(payload)
    want = [label for label, _ in notice.groups()]
    assert [_n(g.label) for g in table.groups] == [_n(w) for w in want]
    assert all(g.field == "category_raw" for g in table.groups), "no 类别 column: the label is the category"
    assert [r.outcome for r in table.rows].count("group") == len(want)
    assert len(table.fragments) > 1
    drawn = "alignment" if notice.traits.rules in ("borderless", "hrules") else "rulings"
    assert {f.found_by for f in table.fragments} == {drawn}
    assert all(any(r.ref.fragment == f.index and r.reason == "header repeat" for r in table.rows)
               for f in table.fragments[1:]), "each continuation repeats the header"
    roles = [c.role for c in table.columns]
    assert "content" in roles and "lead" in roles
    acts = payload["parts"][0]["activities"]
    assert len(acts) == len(notice.acts)
    assert all(a["provenance"]["columns"] for a in acts)


def test_an_unreadable_file_is_named_with_its_error_code(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = runner.invoke(app, ["explain", str(bad)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "[pdf." in result.output


def test_a_missing_file_or_a_bad_format_is_a_usage_mistake(tmp_path: Path) -> None:
    assert runner.invoke(app, ["explain", str(tmp_path / "none.pdf")]).exit_code == 2
    (tmp_path / "a.txt").write_text("关于开展质量月活动的通知", "utf-8")
    assert runner.invoke(app, ["explain", str(tmp_path / "a.txt"), "--format", "xml"]).exit_code == 2


def _row(r: int, texts: list[str], page: int = 1) -> list[TableCell]:
    if len(texts) == 1:
        return [TableCell(row=r, col=0, col_span=3, text=texts[0], page=page)]
    return [TableCell(row=r, col=c, text=t, page=page) for c, t in enumerate(texts)]


def test_rejected_rows_keep_their_reason() -> None:
    head = ["序号", "活动内容", "主办单位"]
    first = [*_row(0, head), *_row(1, ["一、质量宣传"]), *_row(2, ["1", "启动仪式", "市局"]),
             *_row(3, ["", "", ""]), *_row(4, ["注：时间以通知为准"])]
    second = [*_row(0, ["续表"], 2), *_row(1, head, 2), *_row(2, ["2", "知识竞赛", "区局"], 2)]
    t1, t2 = Table(page=1, n_rows=5, n_cols=3, cells=first), Table(page=2, n_rows=3, n_cols=3, cells=second)
    readings: list[TableReading] = []
    acts = table_activities([t1, t2], readings=readings)
    assert [a.content for a in acts] == ["启动仪式", "知识竞赛"]
    outcomes = [(r.ref.page, r.ref.row, r.outcome, r.reason) for r in readings[0].rows]
    assert outcomes == [
        (1, 0, "header", "header row"), (1, 1, "group", None), (1, 2, "activity", None),
        (1, 3, "rejected", "empty row"), (1, 4, "rejected", "note row (注：…)"),
        (2, 0, "header", "header repeat"), (2, 1, "header", "header repeat"), (2, 2, "activity", None),
    ]
    assert [g.label for g in readings[0].groups] == ["质量宣传"]
    assert acts[1].provenance is not None and acts[1].provenance.rows[0].page == 2
    assert acts[1].provenance.columns == {"序号": "seq", "活动内容": "content", "主办单位": "organizers_lead"}


@pytest.mark.parametrize(("head", "reason"), [
    (["序号", "时间", "地点"], "no content column"),
    (["1", "2020年9月", "市局"], "no header row: no row names the columns"),
])
def test_a_table_that_gives_no_activity_says_why(head: list[str], reason: str) -> None:
    cells = [*_row(0, head), *_row(1, ["1", "9月", "市体育中心"])]
    readings: list[TableReading] = []
    assert table_activities([Table(page=1, n_rows=2, n_cols=3, cells=cells)], readings=readings) == []
    assert [(t.used, t.reason) for t in readings] == [(False, reason)]


def test_the_export_carries_each_table_activity_s_provenance(tmp_path: Path, sqlite_url: str) -> None:
    """Stored with the activity and read back: the same rows and columns `qmetl explain` shows."""
    from loaders.db import get_engine
    from loaders.export import export_json
    from pipeline.config import Settings
    from pipeline.process import process_file
    from pipeline.run import prepare_store
    from tests.gen.tables_docx import render_docx

    notice = make_notice(_generated_seed())
    docx = render_docx(notice, tmp_path / f"{notice.name}.docx")
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    process_file(str(docx), settings, "l1")
    [out] = export_json(get_engine(settings.db), tmp_path / "export")
    exported = json.loads(out.read_text("utf-8"))["activities"]
    explained = json.loads(_explain(docx, "--format", "json").stdout)["parts"][0]["activities"]
    assert len(exported) == len(notice.acts) and all(a["provenance"] for a in exported)
    assert [a["provenance"] for a in exported] == [a["provenance"] for a in explained]
    assert all("content" in a["provenance"]["columns"].values() for a in exported)
