"""Text and HTML readers: encodings, boilerplate, spanned tables; detection mismatches."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from extractors import read_layout
from extractors.readers.encoding import decode_bytes
from extractors.readers.text import is_hard_wrapped, join_wrapped
from schemas import SourceFormat, Table, TextLine

NOTICE = "关于开展2013年全县“质量月”活动的通知\n一、活动主题\n全面加强质量管理，提升发展质量\n（一）组织启动仪式。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_encodings_decode_to_the_same_paragraphs(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "notice.txt"
    f.write_bytes(NOTICE.encode(encoding))
    res = read_layout(f)
    assert res.ok and res.value is not None, res.errors
    texts = [i.text for i in res.value.pages[0].lines]
    assert texts == [ln for ln in NOTICE.splitlines() if ln]
    assert res.value.source.format == SourceFormat.TEXT


def test_corpus_gb18030_fragment(raw_dir: Path) -> None:
    res = read_layout(raw_dir / "gb18030_2012_fragment.txt")
    assert res.ok and res.value is not None
    assert res.value.pages[0].lines[0].text == "关于开展2012年全市“质量月”活动的通知"


def test_the_size_limit_is_the_callers_one(tmp_path: Path) -> None:
    f = tmp_path / "notice.txt"
    f.write_bytes(NOTICE.encode("utf-8"))
    size = f.stat().st_size
    refused = read_layout(f, max_bytes=size - 1)
    assert not refused.ok and refused.errors[0].code == "extract.too_large"
    assert refused.errors[0].value == str(size) and refused.errors[0].expected == f"<= {size - 1} bytes"
    assert read_layout(f, max_bytes=size).ok and read_layout(f).ok  # no limit of the extractors' own


def test_decode_prefers_bom_and_declared_gbk_superset() -> None:
    assert decode_bytes(b"\xff\xfe" + "质量".encode("utf-16-le")).text == "质量"
    gb = "镕".encode("gb18030")  # outside GB2312: pages labelled gb2312 still decode
    assert decode_bytes(gb, "gb2312").text == "镕"


def test_hard_wrapped_text_is_unwrapped() -> None:
    lines = ["一、加强质量宣传，营造良好氛围，各地区各部门", "要结合实际组织开展形式多样的宣传活动，推动", "全社会树立质量意识。",
             "二、开展质量提升行动，各地区各部门要结合实际", "组织开展质量提升活动，推动质量总体水平提升。"]
    assert is_hard_wrapped(lines)
    assert join_wrapped(lines) == [lines[0] + lines[1] + lines[2], lines[3] + lines[4]]
    assert not is_hard_wrapped(["短", "较长的一行文字", "一"])


PAGE = """<!DOCTYPE html><html><head><meta charset="gbk"><title>x</title>
<style>.big { font-size: 22pt; font-weight: bold }</style><script>var a = "一、脚本";</script></head>
<body><div class="nav">首页 | 政务公开</div><header>网站头部</header>
<div id="content"><p class="big" align="center">关于开展“质量月”活动的通知</p>
<p>一、活动主题</p><p>第一段<br/>第二段</p>
<table border="1"><tr><th>类别</th><th>活动名称</th><th>主办单位</th></tr>
<tr><td rowspan="2">宣传教育</td><td>启动仪式</td><td>市市场监管局<br>市总工会</td></tr>
<tr><td colspan="2">质量开放日</td></tr></table></div>
<div class="footer">版权所有 2020</div></body></html>"""


def _html_doc(tmp_path: Path, text: str = PAGE, encoding: str = "gb18030", name: str = "page.html") -> list[TextLine | Table]:
    f = tmp_path / name
    f.write_bytes(text.encode(encoding))
    res = read_layout(f)
    assert res.ok and res.value is not None, res.errors
    return res.value.iter_items()


def test_html_strips_boilerplate_and_splits_br(tmp_path: Path) -> None:
    items = _html_doc(tmp_path)
    texts = [i.text for i in items if isinstance(i, TextLine)]
    assert texts == ["关于开展“质量月”活动的通知", "一、活动主题", "第一段", "第二段"]
    title = items[0]
    assert isinstance(title, TextLine) and title.font_size == 22.0 and title.bold and title.align == "center"


def test_html_table_spans_and_cell_line_breaks(tmp_path: Path) -> None:
    table = next(i for i in _html_doc(tmp_path) if isinstance(i, Table))
    assert (table.n_rows, table.n_cols) == (3, 3)
    grid = table.grid()
    assert grid[2][0] is not None and grid[2][0].text == "宣传教育" and grid[2][0].row_span == 2
    assert grid[1][2] is not None and grid[1][2].text == "市市场监管局\n市总工会"
    assert grid[2][1] is grid[2][2] and grid[2][1] is not None and grid[2][1].text == "质量开放日"
    assert grid[0][0] is not None and grid[0][0].is_header


def test_html_layout_table_is_flow_not_data(tmp_path: Path) -> None:
    page = "<html><body><table><tr><td><p>一、活动主题</p><table><tr><td>a</td><td>b</td></tr>" \
           "<tr><td>c</td><td>d</td></tr></table></td></tr></table></body></html>"
    items = _html_doc(tmp_path, page, "utf-8")
    assert isinstance(items[0], TextLine) and items[0].text == "一、活动主题"
    assert isinstance(items[1], Table) and items[1].n_rows == 2


def test_corpus_html_matches_docx_paragraphs(raw_dir: Path) -> None:
    html = read_layout(raw_dir / "tianjin_2020_provincial.html").value
    docx = read_layout(raw_dir / "tianjin_2020_provincial.docx").value
    assert html is not None and docx is not None
    assert [i.text for i in html.pages[0].lines] == [i.text for p in docx.pages for i in p.lines]


def test_html_named_doc_is_read_by_content_with_a_warning(tmp_path: Path) -> None:
    # (plain text under a binary name is refused earlier, by pipeline/guards.py: extract.mislabelled)
    f = tmp_path / "saved_from_word.doc"
    f.write_text("<html><body><p>一、活动主题</p></body></html>", encoding="utf-8")
    ok = read_layout(f)
    assert ok.ok and ok.value is not None and ok.value.source.format == SourceFormat.HTML
    assert any("extension says doc" in w for w in ok.warnings)


# --- DOC through LibreOffice -------------------------------------------------------------

def test_doc_without_libreoffice_is_transient_and_names_the_file(raw_dir: Path) -> None:
    """The environment's failure, not the file's (issue 25, point 3): retried once LibreOffice is there."""
    from extractors.errors import ToolMissingError
    from extractors.readers.doc import DocSettings, read_doc

    with pytest.raises(ToolMissingError) as err:
        read_doc(raw_dir / "jiangsu_2010_provincial.doc", DocSettings(program="no-such-soffice-xyz"))
    stage = err.value.to_stage_error("jiangsu_2010_provincial.doc")
    assert stage.kind == "transient" and "LibreOffice" in stage.message and "jiangsu_2010_provincial.doc" in stage.message


def test_doc_timeout_kills_the_process_group_and_is_transient(tmp_path: Path, raw_dir: Path) -> None:
    from extractors.errors import TransientExtractError
    from extractors.readers.doc import DocSettings, read_doc

    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "fake-soffice"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    with pytest.raises(TransientExtractError) as err:
        read_doc(raw_dir / "jiangsu_2010_provincial.doc", DocSettings(program=str(fake), timeout_s=1.0))
    assert err.value.to_stage_error("x.doc").kind == "transient"
    status = Path(f"/proc/{int(pidfile.read_text())}/status")
    time.sleep(0.2)
    # the forked grandchild died with the group (gone, or a zombie awaiting its reaper)
    assert not status.exists() or "\tZ" in status.read_text()


@pytest.mark.slow
def test_doc_converts_to_the_docx_twin(raw_dir: Path) -> None:
    from extractors.readers.doc import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    doc = read_layout(raw_dir / "jiangsu_2010_provincial.doc")
    twin = read_layout(raw_dir / "jiangsu_2010_provincial.docx")
    assert doc.ok and doc.value is not None and twin.value is not None, doc.errors
    assert doc.value.source.format == SourceFormat.DOC and doc.value.extractor.startswith("doc/")

    def texts(d: object) -> list[str]:
        return [getattr(i, "text", "") for i in d.iter_items() if isinstance(i, TextLine)]  # type: ignore[attr-defined]

    assert texts(doc.value) == texts(twin.value)
