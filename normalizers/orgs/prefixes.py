"""Doc-number prefixes (发文机关代字): the region and the body they name.

A prefix is a region code + a body code (+ the kind of document: 发, 函, 字 …): 鄂质技监发 =
鄂 (湖北省) + 质技监 (质量技术监督局); 浙市监 = 浙江省市场监督管理局; 京质监 → 北京市. Region codes
are ``doc_prefixes.csv`` (the one-character names of provincial-level regions and a few city
codes; characters two regions share, 宁 for 宁夏 and 南京, 青 for 青海 and 青岛, are left out);
body codes are ``doc_codes.csv`` (followed by at most two characters: 发, 函, 办发, an office's 质) (with the body type a province uses and the one a city or
county uses: 住建 → 住房和城乡建设厅 / 局). The longest code wins.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from normalizers.orgs.registry import DATA_DIR
from normalizers.regions import PROVINCIAL, Region, by_path, is_under, org_prefix

MAX_TAIL = 2  # what may follow the body code: the kind (发, 函, 字) or an office's character (鄂市监质 → 质量处)


@lru_cache(maxsize=1)
def doc_prefix_table() -> dict[str, str]:
    with (DATA_DIR / "doc_prefixes.csv").open(encoding="utf-8", newline="") as fh:
        return {r["prefix"]: r["region"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def doc_code_table() -> dict[str, tuple[str, str]]:
    """Body code → (name of a provincial body, name of a city or county body)."""
    path = DATA_DIR / "doc_codes.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r.get("code") for r in rows if not (r.get("code") and r.get("provincial") and r.get("local"))]
    if bad:
        raise ValueError(f"{path}: rows {bad} need a code, a provincial and a local body name")
    return {r["code"]: (r["provincial"], r["local"]) for r in rows}


def _region_code(prefix: str) -> str:
    table = doc_prefix_table()
    return next((prefix[:n] for n in range(min(len(prefix) - 1, 4), 0, -1) if prefix[:n] in table), "")


def region_of_doc_prefix(prefix: str) -> str | None:
    """Region path the prefix names, or None."""
    code = _region_code(prefix)
    return doc_prefix_table()[code] if code else None


def body_of_doc_prefix(prefix: str, region: Region | None = None) -> tuple[str, Region] | None:
    """The body a prefix names by rule (鄂质技监发 → 湖北省质量技术监督局), or None.

    ``region``: the notice's region as the other evidence has it; when it is a city inside the
    province the code names whose name starts with the code (吉 → 吉林省, the notice is 吉林市's),
    the body is the city's: such a city writes the province's character too (吉质监 of 吉林省吉林市).
    """
    code = _region_code(prefix)
    coded = by_path(doc_prefix_table()[code]) if code else None
    if coded is None:
        return None
    rest = prefix[len(code):]
    body = next((b for b in sorted(doc_code_table(), key=len, reverse=True)
                 if rest.startswith(b) and _kind_or_office(rest[len(b):])), None)
    if body is None:
        return None
    place = region if region is not None and _city_sharing_code(region, coded, code) else coded
    provincial, local = doc_code_table()[body]
    return org_prefix(place) + (provincial if place.kind in PROVINCIAL else local), place


def _city_sharing_code(region: Region, coded: Region, code: str) -> bool:
    return region.kind == "prefecture" and is_under(region, coded) and region.name.startswith(code)


def _kind_or_office(tail: str) -> bool:
    return len(tail) <= MAX_TAIL
