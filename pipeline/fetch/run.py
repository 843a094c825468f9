"""One fetch over a sources file: every site in turn, a summary per site, the manifest beside the raw folder."""

from __future__ import annotations

from pathlib import Path

from pipeline.fetch.crawl import SiteSummary, fetch_site
from pipeline.fetch.sources import load_sources

MANIFEST = ".fetch/manifest.csv"  # hidden: ingest never reads it as a notice


def fetch_all(sources: Path, raw: Path | None = None) -> tuple[Path, list[SiteSummary]]:
    """Fetch every site of ``sources`` into ``raw`` (flag, else the file's ``raw``, else data/raw/fetched)."""
    configured, sites = load_sources(sources)
    folder = raw or configured or Path("data/raw/fetched")
    manifest_path = folder / MANIFEST
    return folder, [fetch_site(site, folder, manifest_path) for site in sites]


def render(summaries: list[SiteSummary]) -> str:
    lines = []
    for s in summaries:
        lines.append(f"{s.site}: {s.notices} notice pages, {s.requests} requests, {s.downloaded} downloaded, "
                     f"{s.not_modified} not modified (304), {s.unchanged} unchanged, {s.bytes} bytes, "
                     f"{len(s.errors)} errors")
        lines += [f"  error: {e}" for e in s.errors]
    return "\n".join(lines)
