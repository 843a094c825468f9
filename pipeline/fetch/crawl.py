"""Walk each site: list pages (with paging) → notice pages → attachments, politely and incrementally.

httpx (HTTP/2 when the h2 package is installed) with timeouts and retries with backoff; robots.txt
obeyed per host; at most one request per ``rate_limit_s`` per host; a size cap per file. Reruns
send If-None-Match / If-Modified-Since from the manifest, so an unchanged file costs one 304 and
is never downloaded again; a changed file replaces the current copy and the previous version is
kept under ``.versions/`` (nothing lost). A notice is saved in its own folder, the page as
``<id>.html`` and each attachment as ``<id>_<name as the site names it>``. Errors are per URL; a
site that fails never stops the others.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import httpx
from lxml import html as lxml_html

from pipeline.fetch import manifest
from pipeline.fetch.sources import Site

ATTACHMENT_EXT = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".txt")
NEXT_PAGE = re.compile(r"^\s*(下一页|下页|后一页|>|»|next)\s*$", re.I)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class SiteSummary:
    site: str
    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0
    unchanged: int = 0
    bytes: int = 0
    notices: int = 0
    errors: list[str] = field(default_factory=list)


class _Politeness:
    def __init__(self, client: httpx.Client, site: Site) -> None:
        self.client, self.site = client, site
        self.last: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def wait(self, url: str) -> None:
        host = urlparse(url).netloc
        gap = time.monotonic() - self.last.get(host, -1e9)
        if gap < self.site.rate_limit_s:
            time.sleep(self.site.rate_limit_s - gap)
        self.last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        u = urlparse(url)
        host = f"{u.scheme}://{u.netloc}"
        if host not in self.robots:
            rp = urllib.robotparser.RobotFileParser()
            try:
                self.wait(host)
                r = self.client.get(host + "/robots.txt", timeout=self.site.timeout_s)
                rp.parse(r.text.splitlines() if r.status_code == 200 else [])
            except httpx.HTTPError:
                rp.parse([])
            self.robots[host] = rp
        return self.robots[host].can_fetch(self.site.user_agent, url)


def make_client(site: Site) -> httpx.Client:
    try:
        import h2  # noqa: F401

        http2 = True
    except ImportError:
        http2 = False
    return httpx.Client(http2=http2, timeout=site.timeout_s, follow_redirects=True,
                        headers={"User-Agent": site.user_agent})


def fetch_site(site: Site, raw: Path, manifest_path: Path) -> SiteSummary:
    summary = SiteSummary(site.name)
    try:
        with make_client(site) as client:
            _Crawl(site, raw / _safe(site.name), manifest_path, client, summary).run()
    except Exception as exc:  # one bad site never stops the others
        summary.errors.append(f"{site.name}: {type(exc).__name__}: {exc}")
    return summary


class _Crawl:
    def __init__(self, site: Site, folder: Path, manifest_path: Path, client: httpx.Client,
                 summary: SiteSummary) -> None:
        self.site, self.folder, self.manifest_path, self.client, self.summary = site, folder, manifest_path, client, summary
        self.known = manifest.latest(manifest_path)
        self.polite = _Politeness(client, site)

    def run(self) -> None:
        seen: set[str] = set()
        for start in self.site.lists:
            url: str | None = start
            for _ in range(self.site.max_list_pages):
                if url is None or url in seen:
                    break
                seen.add(url)
                got = self._get(url, "list", "", conditional=False)
                if got is None:
                    break
                tree = _tree(got[0], got[1])
                for title, link in _links(tree, url):
                    if self._wanted(title) and link not in seen and _is_page(link):
                        seen.add(link)
                        self._notice(link)
                url = _next_page(tree, url)

    def _wanted(self, title: str) -> bool:
        kw = not self.site.title_keywords or any(k in title for k in self.site.title_keywords)
        yr = not self.site.years or any(str(y) in title for y in self.site.years)
        return kw and yr

    def _notice(self, url: str) -> None:
        notice_id = _safe(PurePosixPath(urlparse(url).path).stem or "index")
        folder = self.folder / notice_id
        got = self._get(url, "page", url, target=folder / f"{notice_id}.html")
        if got is None:
            return
        self.summary.notices += 1
        tree = _tree(got[0], got[1])
        for text, link in _links(tree, url):
            ext = PurePosixPath(urlparse(link).path).suffix.lower()
            if ext in ATTACHMENT_EXT:
                self._get(link, "attachment", url, target=folder / f"{notice_id}_{_attachment_name(text, link, ext)}")

    def _get(self, url: str, role: str, notice: str, target: Path | None = None,
             conditional: bool = True) -> tuple[bytes, str | None] | None:
        """Fetch one URL (conditionally when it was fetched before); write it to ``target``; one manifest row."""
        row = manifest.Row(fetched_at=datetime.now(UTC).isoformat(timespec="seconds"), site=self.site.name,
                           role=role, url=url, notice_page=notice, status=0)
        try:
            return self._transfer(url, row, target, conditional)
        except _Refused as exc:
            row.error = str(exc)
            self.summary.errors.append(f"{url}: {exc}")
            return None
        finally:
            manifest.append(self.manifest_path, [row])

    def _transfer(self, url: str, row: manifest.Row, target: Path | None,
                  conditional: bool) -> tuple[bytes, str | None]:
        if not self.polite.allowed(url):
            raise _Refused("forbidden by robots.txt (not fetched)")
        before = self.known.get(url, {}) if conditional and target is not None else {}
        if before and not Path(before.get("path", "")).exists():
            before = {}
        headers = {k: v for k, v in (("If-None-Match", before.get("etag")),
                                     ("If-Modified-Since", before.get("last_modified"))) if v}
        response, body = self._request(url, headers)
        row.status = response.status_code
        row.etag, row.last_modified = response.headers.get("etag", ""), response.headers.get("last-modified", "")
        row.bytes_transferred = len(body)
        self.summary.bytes += len(body)
        if response.status_code == 304 and before:
            self.summary.not_modified += 1
            path = Path(before["path"])
            row.path, row.sha256, row.size = str(path), before.get("sha256", ""), int(before.get("size", 0) or 0)
            row.etag, row.last_modified = row.etag or before.get("etag", ""), row.last_modified or before.get("last_modified", "")
            return path.read_bytes(), _charset(response)
        if response.status_code != 200:
            raise _Refused(f"HTTP {response.status_code}")
        row.sha256, row.size = hashlib.sha256(body).hexdigest(), len(body)
        if target is not None:
            existed = target.exists()
            row.path, row.previous = str(target), _store(target, body, row.sha256)
            if before.get("sha256") == row.sha256 or (existed and not row.previous):
                self.summary.unchanged += 1
            else:
                self.summary.downloaded += 1
        return body, _charset(response)

    def _request(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        cap = int(self.site.max_file_mb * 1024 * 1024)
        for attempt in range(self.site.retries + 1):
            self.polite.wait(url)
            self.summary.requests += 1
            try:
                with self.client.stream("GET", url, headers=headers) as r:
                    if r.status_code >= 500 and attempt < self.site.retries:
                        raise httpx.HTTPStatusError("server error", request=r.request, response=r)
                    declared = int(r.headers.get("content-length") or 0)
                    if declared > cap:
                        raise _Refused(f"{declared} bytes, more than the {self.site.max_file_mb} MB cap (not fetched)")
                    chunks, size = [], 0
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise _Refused(f"more than the {self.site.max_file_mb} MB cap (download stopped)")
                        chunks.append(chunk)
                    return r, b"".join(chunks)
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                if attempt >= self.site.retries:
                    raise _Refused(f"{type(exc).__name__}: {exc or 'no response'} after {attempt + 1} tries") from exc
                time.sleep(0.5 * 2 ** attempt)
        raise _Refused("no response")


class _Refused(Exception):
    """This URL is not fetched (robots, HTTP error, timeout, size cap): reported, the crawl goes on."""


def _store(target: Path, body: bytes, sha256: str) -> str:
    """Write ``body`` to ``target``; a different earlier version moves to .versions/ first. Its new path or ''."""
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = ""
    if target.exists():
        if _same(target, sha256):
            return ""
        old_sha = hashlib.sha256(target.read_bytes()).hexdigest()
        keep = target.parent / ".versions" / f"{target.stem}.{old_sha[:12]}{target.suffix}"
        keep.parent.mkdir(exist_ok=True)
        target.replace(keep)
        previous = str(keep)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(body)
    tmp.replace(target)
    return previous


def _same(path: Path, sha256: str) -> bool:
    return hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def _charset(response: httpx.Response) -> str | None:
    m = re.search(r"charset=([\w-]+)", response.headers.get("content-type", ""), re.I)
    return m.group(1) if m else None


def _tree(body: bytes, charset: str | None) -> lxml_html.HtmlElement:
    if charset:
        return lxml_html.document_fromstring(body.decode(charset, "replace"))
    return lxml_html.document_fromstring(body)


def _links(tree: lxml_html.HtmlElement, base: str) -> list[tuple[str, str]]:
    out = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "#")):
            out.append(("".join(a.itertext()).strip() or (a.get("title") or ""), urljoin(base, href).split("#")[0]))
    return out


def _is_page(url: str) -> bool:
    suffix = PurePosixPath(urlparse(url).path).suffix.lower()
    return urlparse(url).scheme in ("http", "https") and suffix in ("", ".html", ".htm", ".shtml", ".jsp", ".php", ".asp", ".aspx")


def _next_page(tree: lxml_html.HtmlElement, base: str) -> str | None:
    for a in tree.iter("a"):
        text = "".join(a.itertext())
        if (a.get("rel") == "next" or NEXT_PAGE.match(text)) and a.get("href"):
            return urljoin(base, a.get("href"))
    return None


def _attachment_name(text: str, url: str, ext: str) -> str:
    """The site's name for the file (the link text, with the extension the URL has), else the URL's."""
    name = _safe(text.strip())[:120]
    if not name:
        return _safe(unquote(PurePosixPath(urlparse(url).path).name))
    return name if name.lower().endswith(ext) else name + ext


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip(" .") or "_"
