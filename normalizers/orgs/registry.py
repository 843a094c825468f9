"""The organization registry and its rule tables, all read from ``normalizers/data/``.

- organizations.csv: canonical bodies (full official name, type, level, region, parent,
  aliases, doc-number prefixes) — national bodies, and local ones whose official name no
  general rule can build (苏州市园林和绿化管理局, 天津市计量监督检测科学研究院…).
- functions.csv: the body-name grammar: each government function (市场监督管理, 住房和城乡建设…)
  with the body types it is organised as (局|厅|委员会|分局…); region prefix + function + type.
- departments.csv: further generic names that take a region prefix (总工会, 妇女联合会, 检验所…).
- abbreviations.csv: short forms → full forms (监管 → 监督管理, 住建 → 住房和城乡建设…).
- patterns.csv: forms that put the region inside the name (团市委 → 共青团X市委员会).
- collectives.csv: phrases naming a set of bodies (各成员单位, 有关部门).
- successors.csv: predecessor → successor links (2018 reform), '*' = any region prefix.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ORGANIZATIONS = DATA_DIR / "organizations.csv"
DATA_FILES = ("organizations.csv", "departments.csv", "abbreviations.csv", "patterns.csv",
              "collectives.csv", "successors.csv", "regions.csv", "gb2260.csv", "zones.csv",
              "doc_prefixes.csv", "functions.csv",
              "doc_codes.csv")


@dataclass(frozen=True)
class OrgEntry:
    name: str
    type: str = ""
    level: str = ""
    region: str = ""
    parent: str = ""
    aliases: tuple[str, ...] = ()
    doc_prefixes: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    template: str


@dataclass(frozen=True)
class Successor:
    predecessor: str
    successor: str
    effective: str = ""
    note: str = ""

    @property
    def generic(self) -> bool:
        return self.predecessor.startswith("*")


@dataclass
class Registry:
    entries: dict[str, OrgEntry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)
    collectives: list[re.Pattern[str]] = field(default_factory=list)
    successors: list[Successor] = field(default_factory=list)
    abbrev_regex: re.Pattern[str] | None = None

    def canonical(self, name: str) -> str | None:
        return self.aliases.get(name)

    def entry(self, name: str) -> OrgEntry | None:
        return self.entries.get(name)

    def by_doc_prefix(self, prefix: str) -> OrgEntry | None:
        """The body whose 发文机关代字 starts the doc-number prefix (中机质协 → 中国机械工业质量管理协会)."""
        best: tuple[int, OrgEntry] | None = None
        for e in self.entries.values():
            for p in e.doc_prefixes:
                if prefix.startswith(p) and (best is None or len(p) > best[0]):
                    best = (len(p), e)
        return best[1] if best else None


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("|") if v)


def _entries() -> dict[str, OrgEntry]:
    out: dict[str, OrgEntry] = {}
    for r in _rows("organizations.csv"):
        out[r["name"]] = OrgEntry(name=r["name"], type=r["type"], level=r["level"], region=r["region"],
                                  parent=r["parent"], aliases=_split(r["aliases"]),
                                  doc_prefixes=_split(r["doc_prefixes"]), note=r["note"])
    return out


def _departments() -> dict[str, str]:
    """Generic department names: departments.csv, and every function × body type of functions.csv
    (市场监督管理 × 局|委员会|分局 → 市场监督管理局, 市场监督管理委员会, 市场监督管理分局)."""
    out = {r["name"]: r["type"] for r in _rows("departments.csv")}
    for r in _rows("functions.csv"):
        for body in r["types"].split("|"):
            out.setdefault(r["function"] + body, "government")
    return out


def _alias_map(entries: dict[str, OrgEntry]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for e in entries.values():
        aliases[e.name] = e.name
        for a in e.aliases:
            aliases.setdefault(a, e.name)
    return aliases


def _abbrev_regex(abbreviations: dict[str, str]) -> re.Pattern[str] | None:
    if not abbreviations:
        return None
    keys = sorted(abbreviations, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    entries = _entries()
    abbreviations = {r["short"]: r["full"] for r in _rows("abbreviations.csv")}
    return Registry(
        entries=entries,
        aliases=_alias_map(entries),
        departments=_departments(),
        abbreviations=abbreviations,
        patterns=[Pattern(re.compile(r["pattern"]), r["template"]) for r in _rows("patterns.csv")],
        collectives=[re.compile(r["pattern"]) for r in _rows("collectives.csv")],
        successors=[Successor(r["predecessor"], r["successor"], r["effective"], r["note"])
                    for r in _rows("successors.csv")],
        abbrev_regex=_abbrev_regex(abbreviations),
    )


def reload_registry() -> Registry:
    """Forget the cached tables (after ``qmetl orgs add`` edited a data file)."""
    load_registry.cache_clear()
    return load_registry()


def data_hash() -> str:
    """Short hash of every rule/data file: part of NORMALIZER_VERSION, so a data edit renormalizes."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        path = DATA_DIR / name
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:10]


def append_alias(raw: str, canonical: str, path: Path = ORGANIZATIONS) -> str:
    """Record ``raw`` as an alias of ``canonical`` in the data file (adding the body if new)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    row = next((r for r in rows if r["name"] == canonical), None)
    if row is None:
        row = {f: "" for f in fields}
        row["name"] = canonical
        rows.append(row)
    if raw != canonical and raw not in _split(row["aliases"]):
        row["aliases"] = "|".join([*_split(row["aliases"]), raw])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return "added" if row["aliases"] or raw == canonical else "noop"
