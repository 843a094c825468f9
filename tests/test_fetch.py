"""`qmetl fetch` against a fake government site served on 127.0.0.1 by the test (no internet):
paging, a GBK list page, relative and absolute attachment links, a 404 attachment, a slow file that
times out, robots.txt forbidding a path, a page that changes between two fetches."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.fetch.run import MANIFEST, fetch_all
from tests.fakesite import serve, sources_toml
from tests.gen.sheets import attachment_name, notice


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    with serve(root) as base:
        yield base, root


def _sources(tmp_path: Path, base: str) -> Path:
    f = tmp_path / "sources.toml"
    f.write_text(sources_toml(base, tmp_path / "raw"), "utf-8")
    return f


def _rows(raw: Path) -> list[dict[str, str]]:
    with (raw / MANIFEST).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_fetch_walks_the_site_then_transfers_only_what_changed(tmp_path: Path, site: tuple[str, Path]) -> None:
    base, root = site
    raw, summaries = fetch_all(_sources(tmp_path, base))
    fake, down = summaries
    assert down.errors and "list.html" in down.errors[0]  # a dead site is reported, the others go on
    folder = raw / "fake-city" / "t2020_001"
    s = notice(0)
    assert (folder / "t2020_001.html").exists()
    assert (folder / f"t2020_001_{attachment_name(s, 'xlsx')}").read_bytes() == (root / "notices/files/a1.xlsx").read_bytes()
    assert (raw / "fake-city" / "t2018_gbk" / "t2018_gbk.html").exists()  # found through the GBK page 2
    assert not (raw / "fake-city" / "t2020_other").exists()  # title filter
    assert not (raw / "fake-city" / "t2020_hidden").exists()  # robots.txt
    errors = "\n".join(fake.errors)
    assert "missing.xls: HTTP 404" in errors and "slow.pdf" in errors and "robots.txt" in errors
    first = _rows(raw)
    page_rows = [r for r in first if r["role"] in ("page", "attachment") and r["status"] == "200"]
    assert all(r["sha256"] and r["size"] and r["etag"] for r in page_rows)
    assert {r["notice_page"] for r in first if r["role"] == "attachment"} >= {f"{base}/notices/t2020_001.html"}

    (root / "notices" / "t2019_002.html").write_text(
        (root / "notices" / "t2019_002.html").read_text("utf-8").replace("安排见附件", "安排另行通知"), "utf-8")
    _, again = fetch_all(_sources(tmp_path, base))
    second = _rows(raw)[len(first):]
    by_url = {r["url"]: r for r in second if r["role"] in ("page", "attachment")}
    assert by_url[f"{base}/notices/t2020_001.html"]["status"] == "304"
    assert by_url[f"{base}/notices/files/a1.xlsx"]["status"] == "304"
    changed = by_url[f"{base}/notices/t2019_002.html"]
    assert changed["status"] == "200" and changed["previous"] and Path(changed["previous"]).exists()
    assert again[0].downloaded == 1
    moved = sum(int(r["bytes_transferred"]) for r in second if r["role"] != "list" and r["status"] in ("200", "304"))
    assert moved == int(changed["size"])  # only the changed page's bytes came over again
