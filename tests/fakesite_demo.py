"""`python -m tests.fakesite_demo [OUT]`: serve the fake site, `qmetl fetch` it, change one page, fetch
again (304s), `qmetl run` the fetched folder and export it: what the README's fetch section shows."""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from loaders.db import get_engine
from loaders.export import export_json
from pipeline.config import load_settings
from pipeline.fetch.run import MANIFEST, fetch_all, render
from pipeline.report import render_text
from pipeline.run import run_batch
from tests.fakesite import serve, sources_toml


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "www") as base:
        sources = out / "sources.toml"
        sources.write_text(sources_toml(base, out / "raw"), "utf-8")
        raw, first = fetch_all(sources)
        print("first fetch:\n" + render(first))
        page = Path(tmp) / "www" / "notices" / "t2019_002.html"
        page.write_text(page.read_text("utf-8").replace("安排见附件", "安排另行通知"), "utf-8")
        n_before = len(_rows(raw))
        _, second = fetch_all(sources)
        print("second fetch:\n" + render(second))
        rows = _rows(raw)[n_before:]
        moved = sum(int(r["bytes_transferred"]) for r in rows if r["status"] in ("200", "304") and r["role"] != "list")
        print(f"second fetch, notice pages and attachments: {sum(r['status'] == '304' for r in rows)} × 304, "
              f"{sum(r['status'] == '200' and r['role'] != 'list' for r in rows)} × 200, {moved} bytes")
    settings = load_settings(db=f"sqlite:///{out / 'fetched.db'}", quarantine=str(out / "quarantine"))
    print(render_text(run_batch(settings, [str(raw)])))
    written = export_json(get_engine(settings.db), out / "export")
    print(f"export: {len(written)} files in {out / 'export'}")


def _rows(raw: Path) -> list[dict[str, str]]:
    with (raw / MANIFEST).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("fetch-demo"))
