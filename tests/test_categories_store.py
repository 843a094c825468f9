"""Category evidence in the store: confidence and evidence per activity, the review list, and
analysts' overrides that survive a reload (rerun / renormalize) and reach the export."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from loaders.category_overrides import low_confidence, record_override, remove_override
from loaders.db import get_engine
from loaders.export import export_json
from loaders.models import ActivityRow
from loaders.store import FileInfo, Versions, load_notice
from normalizers import normalize_notice
from normalizers.categories import activity_key, category_table
from pipeline.config import Settings
from pipeline.run import prepare_store
from schemas import Activity, DocumentMeta, Notice

CLEAR = "开展儿童玩具产品质量监督抽查"
VAGUE = "做好相关工作"  # no evidence: the default code, confidence 0


def _notice() -> Notice:
    meta = DocumentMeta(title="关于开展2016年全市“质量月”活动的通知", issuers_raw=["兰州市质量发展委员会办公室"])
    return Notice(meta=meta, activities=[Activity(seq=1, source="list", content=CLEAR),
                                         Activity(seq=2, source="list", content=VAGUE)])


def _load(url: str, name: str = "lanzhou.docx") -> None:
    notice = _notice()
    normalized = normalize_notice(notice).value
    assert normalized is not None
    info = FileInfo(path=f"/virtual/{name}", name=name, sha256="0" * 64, size=1)
    load_notice(get_engine(url), info, notice, normalized, Versions("x", "y"), "load-1")


def _rows(url: str) -> dict[str, ActivityRow]:
    with Session(get_engine(url)) as s:
        return {r.content: r for r in s.scalars(select(ActivityRow))}


@pytest.fixture()
def store(sqlite_url: str, tmp_path) -> str:
    prepare_store(Settings(db=sqlite_url, quarantine=str(tmp_path / "q")))
    return sqlite_url


def test_each_activity_keeps_its_evidence_confidence_and_key(store: str) -> None:
    _load(store)
    rows = _rows(store)
    clear, vague = rows[CLEAR], rows[VAGUE]
    assert clear.category == "supervision" and clear.category_confidence > 0.5
    assert "监督抽查" in clear.category_evidence["deciding"]
    assert vague.category_method == "default" and vague.category_confidence == 0.0
    assert clear.category_key == activity_key(None, None, CLEAR) != vague.category_key


def test_review_lists_the_uncertain_and_an_override_outlives_a_reload(store: str, tmp_path) -> None:
    _load(store)
    key = _rows(store)[VAGUE].category_key
    assert [r.key for r in low_confidence(get_engine(store), 0.35)] == [key]
    assert record_override(get_engine(store), key, "publicity", note="a publicity item") == 1
    assert _rows(store)[VAGUE].category == "publicity"
    assert low_confidence(get_engine(store), 0.35) == []
    _load(store)                       # a rerun / renormalize rewrites every row
    _load(store, "lanzhou.pdf")        # another variant of the same notice
    with Session(get_engine(store)) as s:
        kept = s.scalars(select(ActivityRow).where(ActivityRow.content == VAGUE)).all()
    assert len(kept) == 2 and {(r.category, r.category_method) for r in kept} == {("publicity", "override")}
    export_json(get_engine(store), tmp_path / "ex")
    assert '"category_method": "override"' in (tmp_path / "ex" / "lanzhou.pdf.json").read_text("utf-8")
    assert remove_override(get_engine(store), key) and not remove_override(get_engine(store), key)


def test_overrides_are_refused_for_unknown_codes_and_keys(store: str) -> None:
    _load(store)
    key = _rows(store)[VAGUE].category_key
    with pytest.raises(ValueError, match="propaganda.*expected one of"):
        record_override(get_engine(store), key, "propaganda")
    with pytest.raises(ValueError, match="no activity has the key"):
        record_override(get_engine(store), "0" * 16, "publicity")
    assert set(category_table()) >= {"publicity"}


def test_cli_review_and_override(store: str) -> None:
    from pipeline.cli import app

    _load(store)
    key = _rows(store)[VAGUE].category_key
    runner = CliRunner()
    out = runner.invoke(app, ["categories", "review", "--db", store, "--json"])
    assert out.exit_code == 0 and key in out.output
    out = runner.invoke(app, ["categories", "override", key, "consumer", "--db", store])
    assert out.exit_code == 0 and "1 activity updated" in out.output
    out = runner.invoke(app, ["categories", "overrides", "--db", store, "--json"])
    assert out.exit_code == 0 and '"category": "consumer"' in out.output
    out = runner.invoke(app, ["categories", "override", key, "nonsense", "--db", store])
    assert out.exit_code != 0
