"""Rebuild ``gb2260.csv`` from the areacodes dataset (CC0): GB/T 2260 divisions valid in 2010–2020.

Source: github.com/yescallop/areacodes, ``result.csv`` (民政部 中华人民共和国县级以上行政区划代码,
yearly tables 1980–2024 with start/end years and successor codes; data as of 31 December each
year; a record is in use from its start year (inclusive) to its end year (exclusive)).
Kept: every record in use at some point in 2010–2020, i.e. start ≤ 2020 and (no end or end ≥ 2010).

Usage: ``python normalizers/data/vendor_gb2260.py result.csv [COMMIT]`` (writes gb2260.csv beside it).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).with_name("gb2260.csv")
FIRST, LAST = 2010, 2020
LEVELS = {"省级": "province", "地级": "prefecture", "县级": "county"}


def kind_of(name: str, level: str) -> str:
    if level == "province":
        if name.endswith("特别行政区"):
            return "sar"
        return "municipality" if name in ("北京市", "天津市", "上海市", "重庆市") else "province"
    if level == "prefecture":
        return "prefecture"
    if name.endswith("区") and not name.endswith("林区"):
        return "district"
    return "county_city" if name.endswith("市") else "county"


def in_window(row: dict[str, str]) -> bool:
    end = row["变更/弃用时间"]
    return int(row["启用时间"]) <= LAST and (not end or int(end) >= FIRST)


def overlaps(a: dict[str, str], b: dict[str, str]) -> bool:
    a_end = int(a["变更/弃用时间"] or 9999)
    b_end = int(b["变更/弃用时间"] or 9999)
    return int(a["启用时间"]) < b_end and int(b["启用时间"]) < a_end


def parent_code(row: dict[str, str], by_code: dict[str, list[dict[str, str]]]) -> str:
    code, level = row["代码"], LEVELS[row["级别"]]
    if level == "province":
        return ""
    if level == "county":
        prefecture = code[:4] + "00"
        if any(overlaps(row, p) for p in by_code.get(prefecture, []) if p["级别"] == "地级"):
            return prefecture
    return code[:2] + "0000"


def main(src: str, commit: str = "") -> None:
    with Path(src).open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if in_window(r)]
    by_code: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_code.setdefault(r["代码"], []).append(r)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "name", "level", "kind", "parent_code", "valid_from", "valid_to", "successors"])
        for r in rows:
            level = LEVELS[r["级别"]]
            out.writerow([r["代码"], r["名称"], level, kind_of(r["名称"], level), parent_code(r, by_code),
                          r["启用时间"], r["变更/弃用时间"], r["新代码"]])
    print(f"{len(rows)} divisions → {OUT} (areacodes {commit or 'unknown commit'})")


if __name__ == "__main__":
    main(*sys.argv[1:3])
