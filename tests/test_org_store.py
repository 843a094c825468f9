"""The organization registry in the store: synced idempotently, one row per body, successors linked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.db import get_engine
from loaders.models import ActivityOrganizer, ActivityRow, Organization, OrganizationAlias, OrganizationLink
from loaders.organizations import (
    activities_per_organization,
    organization_counts,
    unresolved_organizers,
)
from loaders.store import FileInfo, Versions, load_notice
from normalizers import normalize_notice
from normalizers.orgs.registry import ORGANIZATIONS, append_alias
from pipeline.config import Settings
from pipeline.process import process_file
from pipeline.run import prepare_store, store_registry
from schemas import Activity, DocumentMeta, Notice


def _load(url: str, notice: Notice, name: str) -> None:
    normalized = normalize_notice(notice).value
    assert normalized is not None
    info = FileInfo(path=f"/virtual/{name}", name=name, sha256="0" * 64, size=1)
    load_notice(get_engine(url), info, notice, normalized, Versions("x", "y"), "load-1")


def _nanjing_2012() -> Notice:
    meta = DocumentMeta(title="关于开展2012年全市质量月活动的通知", issuers_raw=["南京市质量技术监督局"])
    acts = [Activity(seq=1, source="list", content="质量宣传", organizers_raw="市质监局、某某咨询有限公司"),
            Activity(seq=2, source="list", content="计量服务", organizers_raw="南京市质监局")]
    return Notice(meta=meta, activities=acts)


def test_sync_is_idempotent_and_keeps_aliases_and_dated_links(store_url: str, tmp_path: Path) -> None:
    settings = Settings(db=store_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    first = organization_counts(get_engine(store_url))
    prepare_store(settings)
    assert organization_counts(get_engine(store_url)) == first
    with Session(get_engine(store_url)) as s:
        samr = s.scalars(select(Organization).where(Organization.name == "国家市场监督管理总局")).one()
        aliases = set(s.scalars(select(OrganizationAlias.alias).where(OrganizationAlias.organization_id == samr.id)))
        assert "市场监管总局" in aliases
        aqsiq = s.scalars(select(Organization).where(Organization.name == "国家质量监督检验检疫总局")).one()
        link = s.scalars(select(OrganizationLink).where(OrganizationLink.from_id == aqsiq.id)).one()
        assert link.to_id == samr.id and link.effective == "2018-03-21"


def test_pre_reform_local_body_gets_a_successor_and_unknowns_are_listed(store_url: str, tmp_path: Path) -> None:
    prepare_store(Settings(db=store_url, quarantine=str(tmp_path / "q")))
    _load(store_url, _nanjing_2012(), "nanjing_2012.txt")
    engine = get_engine(store_url)
    store_registry(engine)
    with Session(engine) as s:
        old = s.scalars(select(Organization).where(Organization.name == "南京市质量技术监督局")).one()
        new_id = s.scalars(select(OrganizationLink.to_id).where(OrganizationLink.from_id == old.id)).one()
        assert s.get(Organization, new_id).name == "南京市市场监督管理局"  # type: ignore[union-attr]
        raws = set(s.scalars(select(ActivityOrganizer.raw).where(ActivityOrganizer.organization_id == old.id)))
        assert raws == {"市质监局", "南京市质监局"}, "one body, however it is written"
    unresolved = unresolved_organizers(engine)
    assert [(u["raw"], u["count"], u["documents"]) for u in unresolved] == [
        ("某某咨询有限公司", 1, ["nanjing_2012.txt"])]


def test_activities_per_organization_is_one_row_per_body(raw_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    assert process_file(str(raw_dir / "suzhou_2020_municipal.docx"), settings, "load-1").state == "loaded"
    with Session(get_engine(sqlite_url)) as s:
        rows = s.execute(
            select(Organization.name, func.count(ActivityRow.id))
            .join(ActivityOrganizer, ActivityOrganizer.organization_id == Organization.id)
            .join(ActivityRow, ActivityRow.id == ActivityOrganizer.activity_id)
            .group_by(Organization.name)).all()
    names = [n for n, _ in rows]
    assert len(names) == len(set(names))
    assert "苏州市市场监督管理局" in names and not any("监管局" in n for n in names)
    per_year = activities_per_organization(get_engine(sqlite_url))
    samr = [r for r in per_year if r["organization"] == "苏州市市场监督管理局"]
    assert len(samr) == 1 and samr[0]["year"] == 2020 and samr[0]["activities"] == dict(rows)["苏州市市场监督管理局"]


def test_add_appends_an_alias_to_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "organizations.csv"
    shutil.copy(ORGANIZATIONS, data)
    append_alias("无锡市园林局", "无锡市园林和绿化管理局", data)
    append_alias("无锡市园林绿化局", "无锡市园林和绿化管理局", data)
    line = next(ln for ln in data.read_text("utf-8").splitlines() if ln.startswith("无锡市园林和绿化管理局,"))
    assert "无锡市园林局|无锡市园林绿化局" in line


def test_a_data_edit_changes_the_normalizer_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from normalizers import NORMALIZER_VERSION
    from normalizers.orgs import registry

    shutil.copytree(registry.DATA_DIR, tmp_path / "data")
    monkeypatch.setattr(registry, "DATA_DIR", tmp_path / "data")
    before = registry.data_hash()
    assert "+" + before + "+" in NORMALIZER_VERSION  # the orgs data hash is one part of the version
    append_alias("市园林局", "无锡市园林和绿化管理局", tmp_path / "data" / "organizations.csv")
    assert registry.data_hash() != before


def test_bodies_met_in_documents_are_described_by_their_names(store_url: str, tmp_path: Path) -> None:
    prepare_store(Settings(db=store_url, quarantine=str(tmp_path / "q")))
    _load(store_url, _nanjing_2012(), "nanjing_2012.txt")
    store_registry(get_engine(store_url))
    with Session(get_engine(store_url)) as s:
        org = s.scalars(select(Organization).where(Organization.name == "南京市质量技术监督局")).one()
        assert (org.region, org.admin_level, org.type) == ("江苏省南京市", "municipal", "government")


def test_unresolved_cli_lists_forms_with_unconfirmed_suggestions(store_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    prepare_store(Settings(db=store_url, quarantine=str(tmp_path / "q")))
    notice = Notice(meta=DocumentMeta(issuers_raw=["天津市质量协会"]), activities=[
        Activity(seq=1, source="list", content="开放日", organizers_raw="市计量研究院")])
    _load(store_url, notice, "tianjin_2019.txt")
    result = CliRunner().invoke(app, ["orgs", "unresolved", "--db", store_url, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["raw"], r["name"], r["count"]) for r in rows] == [("市计量研究院", "天津市计量研究院", 1)]
    assert rows[0]["suggestions"][0] == "天津市计量监督检测科学研究院"
