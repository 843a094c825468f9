"""The fake government site (tests/data/fakesite) served on 127.0.0.1, with ETags, 304s and a slow path.

The notice page t2020_001.html and its XLSX attachment are generated (tests/gen/sheets.py seed 0)."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.gen.sheets import attachment_name, body_paragraphs, notice, render_xlsx

SITE = Path(__file__).parent / "data" / "fakesite"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/slow/"):
            time.sleep(2.0)
        path = Path(self.translate_path(self.path))
        if path.is_file():
            etag = '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self._etag = etag
        super().do_GET()

    def end_headers(self) -> None:
        etag = getattr(self, "_etag", None)
        if etag:
            self.send_header("ETag", etag)
            self._etag = None
        super().end_headers()


def notice_page(seed: int, base: str) -> str:
    s = notice(seed)
    paras = "".join(f"<p>{t}</p>" for t in body_paragraphs(s, attachment_note=False))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{s.title}</title></head><body>'
            f'<div class="nav">首页 &gt; 通知公告</div><div class="article">{paras}'
            f'<p>附件：<a href="{base}/notices/files/a1.xlsx">{attachment_name(s, "xlsx")}</a></p></div></body></html>')


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up on the slow path: that is the point of it


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Copy the site to ``root``, add the generated notice, serve it; yields the base URL."""
    shutil.copytree(SITE, root)
    server = _Server(("127.0.0.1", 0), lambda *a: _Handler(*a, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (root / "notices" / "files").mkdir(parents=True, exist_ok=True)  # not in git: it holds only generated files
    render_xlsx(notice(0), root / "notices" / "files" / "a1.xlsx")
    (root / "notices" / "t2020_001.html").write_text(notice_page(0, base), "utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def sources_toml(base: str, raw: Path) -> str:
    return f'''raw = "{raw}"
[[site]]
name = "fake-city"
lists = ["{base}/list/index.html"]
title_keywords = ["质量月"]
rate_limit_s = 0.0
timeout_s = 1.0
retries = 1

[[site]]
name = "down"
lists = ["http://127.0.0.1:9/list.html"]
timeout_s = 0.5
retries = 0
'''
