"""The notice's region is stored with where it came from (issuer, doc-number prefix, title, text),
and the export carries it next to the SPEC §4 region."""

from __future__ import annotations

import json
from pathlib import Path

from loaders.db import get_engine
from loaders.export import export_json
from loaders.store import FileInfo, Versions, load_notice
from normalizers import normalize_notice
from pipeline.config import Settings
from pipeline.run import prepare_store
from schemas import Activity, DocumentMeta, Notice

NOTICES = {
    "issuer.txt": (DocumentMeta(title="关于开展2019年质量月活动的通知", issuers_raw=["宁波市市场监督管理局"]),
                   "浙江省宁波市", "issuer"),
    "code.txt": (DocumentMeta(title="关于开展2019年全省质量月活动的通知", doc_number="鄂市监质〔2019〕12号"),
                 "湖北省", "doc_number"),
    "title.txt": (DocumentMeta(title="洛阳市2016年质量月活动方案"), "河南省洛阳市", "title"),
}


def test_region_source_is_stored_and_exported(store_url: str, tmp_path: Path) -> None:
    prepare_store(Settings(db=store_url, quarantine=str(tmp_path / "q")))
    engine = get_engine(store_url)
    for i, (name, (meta, _region, _source)) in enumerate(NOTICES.items()):
        notice = Notice(meta=meta, activities=[Activity(seq=1, source="list", content="质量宣传")])
        normalized = normalize_notice(notice).value
        assert normalized is not None
        info = FileInfo(path=f"/virtual/{name}", name=name, sha256=f"{i}" * 64, size=1)
        load_notice(engine, info, notice, normalized, Versions("x", "y"), "load-1")
    export_json(engine, tmp_path / "out")
    for name, (_meta, region, source) in NOTICES.items():
        doc = json.loads((tmp_path / "out" / f"{name}.json").read_text("utf-8"))["document"]
        assert (doc["region"], doc["region_source"]) == (region, source), name
        assert {"title", "doc_number", "issuers", "date", "year", "level", "region", "theme", "slogans",
                "references"} <= set(doc), "the SPEC §4 keys stay"
