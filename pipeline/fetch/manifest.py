"""The fetch manifest: one CSV row per file fetched (or tried), append-only, beside the raw folder."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass
class Row:
    fetched_at: str
    site: str
    role: str  # list / page / attachment
    url: str
    notice_page: str
    status: int
    etag: str = ""
    last_modified: str = ""
    sha256: str = ""
    size: int = 0
    bytes_transferred: int = 0
    path: str = ""
    previous: str = ""  # where the superseded version was kept
    error: str = ""


COLUMNS = [f.name for f in fields(Row)]


def append(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        if new:
            w.writeheader()
        w.writerows(asdict(r) for r in rows)


def latest(path: Path) -> dict[str, dict[str, str]]:
    """The last successful (200/304) row per URL: what a conditional GET sends back."""
    out: dict[str, dict[str, str]] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["status"] in ("200", "304") and row["path"]:
                prev = out.get(row["url"], {})
                out[row["url"]] = {**prev, **{k: v for k, v in row.items() if v}}
    return out
