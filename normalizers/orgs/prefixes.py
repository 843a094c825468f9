"""The region a doc-number prefix (发文机关代字) names: 苏质发 → 江苏省, 京质监 → 北京市, 杭质监 → 杭州市.

The table is data (``normalizers/data/doc_prefixes.csv``); the longest prefix wins. Characters two
regions share (宁: 宁夏 and 南京; 青: 青海 and 青岛) are left out: they name no region.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from normalizers.orgs.registry import DATA_DIR


@lru_cache(maxsize=1)
def doc_prefix_table() -> dict[str, str]:
    with (DATA_DIR / "doc_prefixes.csv").open(encoding="utf-8", newline="") as fh:
        return {r["prefix"]: r["region"] for r in csv.DictReader(fh)}


def region_of_doc_prefix(prefix: str) -> str | None:
    """Region path the prefix names, or None."""
    table = doc_prefix_table()
    for n in range(min(len(prefix) - 1, 4), 0, -1):
        head = prefix[:n]
        if head in table:
            return table[head]
    return None
