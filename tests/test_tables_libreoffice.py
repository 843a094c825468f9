"""A long synthetic DOCX table rendered to PDF by LibreOffice (spans and rows crossing page
breaks, header repeated or not): the PDF path must give the DOCX path's activities."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from extractors import read_layout
from extractors.structure.blocks import build_blocks
from extractors.structure.tables import table_activities
from schemas import Activity
from tests.synth_tables import UP, make_docx

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")]

HEADER = ["序号", "类别", "项目", "活动内容", "主办单位"]


def _rows() -> list[list[str]]:
    rows, n = [HEADER], 1
    for cat, k in (("质量宣传", 14), ("质量提升", 20), ("质量监管", 16)):
        for j in range(k):
            project = f"{cat}项目{j // 5 + 1}\n推进{cat}工作" if j % 5 == 0 else UP
            content = f"开展第{n}项{cat}活动，组织相关单位\n参加并总结经验" if n % 3 == 0 else f"开展第{n}项活动"
            rows.append([str(n), cat if j == 0 else UP, project, content, "市市场监管局\n各区市场监管局"])
            n += 1
    return rows


def _to_pdf(docx_path: Path) -> Path:
    profile = tempfile.mkdtemp(prefix="lo-")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(docx_path.parent), str(docx_path)],
                       check=True, timeout=180, capture_output=True, start_new_session=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return docx_path.with_suffix(".pdf")


def _key(a: Activity) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", "", v or "") for v in (str(a.seq), a.category_raw, a.project, a.content,
                                                        a.organizers_raw))


def _acts(path: Path) -> tuple[list[Activity], int]:
    res = read_layout(path)
    assert res.value is not None
    return table_activities(build_blocks(res.value)), len(res.value.pages)


@pytest.mark.parametrize("repeat_header", [True, False])
def test_pdf_rendering_gives_the_docx_activities(tmp_path: Path, repeat_header: bool) -> None:
    docx_path = make_docx(tmp_path / "plan.docx", [("2022年质量月活动安排表", _rows(), repeat_header)])
    from_docx, _ = _acts(docx_path)
    from_pdf, pages = _acts(_to_pdf(docx_path))
    assert pages >= 3, "the table must cross page breaks for this test to mean anything"
    assert len(from_docx) == 50
    assert [_key(a) for a in from_pdf] == [_key(a) for a in from_docx]
    assert all(a.span.bbox is not None for a in from_pdf)
