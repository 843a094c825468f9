"""Spreadsheets and WPS (issue 26): XLSX through openpyxl, XLS and WPS ET through xlrd, WPS Writer
through LibreOffice — detected by content, laid out as the DOCX reader lays out a table, so the
same table parser gives the same activities. Files are generated (tests/gen/sheets.py); XLS, ET
and WPS are LibreOffice conversions of generated files, made once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors import parse_notice, read_layout
from extractors.detect import detect_format
from schemas import Activity, SourceFormat, Table
from tests.gen.sheets import DEV_SEEDS, attachment_name, cached_set, convert, notice, render_xlsx, truth


def _acts(path: Path) -> list[Activity]:
    layout = read_layout(path)
    assert layout.ok, layout.errors
    parsed = parse_notice(layout.value)
    assert parsed.ok, parsed.errors
    return parsed.value.activities


def _key(a: Activity) -> tuple[object, ...]:
    return a.seq, a.category_raw, a.content, a.organizers_raw, a.time


def _truth_keys(seed: int) -> list[tuple[object, ...]]:
    return [(a["seq"], a["category_raw"], a["content"], a["organizers_raw"], a["time"])
            for a in truth(notice(seed))["activities"]]


def _seed(two_row_header: bool, sheets: int) -> int:
    return next(s for s in DEV_SEEDS if notice(s).two_row_header == two_row_header and notice(s).sheets == sheets)


@pytest.fixture(scope="module")
def dev_set() -> Path:
    return cached_set("dev", DEV_SEEDS)


def test_xlsx_is_detected_by_content_whatever_its_name(tmp_path: Path) -> None:
    f = render_xlsx(notice(0), tmp_path / "table.xlsx")
    renamed = shutil.copy(f, tmp_path / "table.bin")
    assert detect_format(f).format == SourceFormat.XLSX
    assert detect_format(Path(renamed)).format == SourceFormat.XLSX


def test_merged_cells_and_two_row_header_become_spans(tmp_path: Path) -> None:
    seed = _seed(two_row_header=True, sheets=1)
    layout = read_layout(render_xlsx(notice(seed), tmp_path / "t.xlsx")).value
    page = layout.pages[0]
    assert [line.text for line in page.lines][:2] == ["附件1", notice(seed).table_title]  # captions, not rows
    table = page.tables[0]
    assert isinstance(table, Table) and table.n_cols == 6
    head = {(c.row, c.col): c for c in table.cells if c.row < 2}
    assert head[(0, 3)].text == "责任单位" and head[(0, 3)].col_span == 2
    assert head[(0, 0)].row_span == 2 and head[(1, 3)].text == "牵头单位"
    assert all(c.is_header for c in head.values())  # the sheet's print titles, like DOCX tblHeader
    category = [c for c in table.cells if c.col == 1 and c.row >= 2 and c.text]
    assert any(c.row_span > 1 for c in category)  # 类别 merged down over its rows


@pytest.mark.parametrize("two_rows", [False, True])
def test_xlsx_activities_equal_the_truth_and_the_docx_table(dev_set: Path, two_rows: bool) -> None:
    seed = _seed(two_row_header=two_rows, sheets=1)
    s = notice(seed)
    xlsx = _acts(dev_set / "parts" / s.stem / attachment_name(s, "xlsx"))
    docx = _acts(dev_set / "docx" / f"{s.stem}.docx")
    assert [_key(a) for a in xlsx] == _truth_keys(seed) == [_key(a) for a in docx]


def test_several_sheets_give_every_row_once(dev_set: Path) -> None:
    seed = _seed(two_row_header=False, sheets=2)
    s = notice(seed)
    path = dev_set / "parts" / s.stem / attachment_name(s, "xlsx")
    assert len(read_layout(path).value.pages) == 2
    assert [_key(a) for a in _acts(path)] == _truth_keys(seed)


def test_hidden_rows_and_formulas(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "活动内容", "牵头单位", "活动时间"])
    ws.append([1, "开展质量宣传周活动", "市市场监管局", "9月"])
    ws.append([2, "草稿行（隐藏）", "市教育局", "9月"])
    ws.append(["=A2+2", "举办QC小组成果发表赛", "市总工会", "9月"])
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "h.xlsx")
    acts = _acts(tmp_path / "h.xlsx")
    assert [a.content for a in acts] == ["开展质量宣传周活动", "举办QC小组成果发表赛"]


def test_damaged_xlsx_fails_with_a_reason(tmp_path: Path) -> None:
    f = render_xlsx(notice(0), tmp_path / "t.xlsx")
    data = f.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    result = read_layout(bad)
    assert not result.ok and result.errors[0].code.startswith(("xlsx.", "extract."))


@pytest.fixture(scope="module")
def converted(dev_set: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One xls (and its .et copy) from an XLSX and one .wps from a DOCX: two soffice calls."""
    from extractors.readers.doc import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("converted")
    s = notice(_seed(two_row_header=True, sheets=1))
    xls = convert([dev_set / "parts" / s.stem / attachment_name(s, "xlsx")], "xls", out)[0]
    doc = convert([dev_set / "docx" / f"{s.stem}.docx"], "doc", out)[0]
    et = Path(shutil.copy(xls, out / f"{s.stem}.et"))
    wps = Path(shutil.copy(doc, out / f"{s.stem}.wps"))
    return {"seed": Path(str(s.seed)), "xls": xls, "et": et, "wps": wps}


@pytest.mark.slow
@pytest.mark.parametrize("kind,fmt", [("xls", SourceFormat.XLS), ("et", SourceFormat.XLS), ("wps", SourceFormat.DOC)])
def test_legacy_binaries_are_told_apart_by_their_streams(converted: dict[str, Path], kind: str,
                                                         fmt: SourceFormat) -> None:
    assert detect_format(converted[kind]).format == fmt
    assert [_key(a) for a in _acts(converted[kind])] == _truth_keys(int(converted["seed"].name))
