"""Body types by the ending of a name (``normalizers/data/body_types.csv``): 公司 → enterprise,
协会 → association, 院/所/站/中心 → institution, 局/委员会/厅 → government. Endings marked
``as_written`` name a body that, with its region written in front (成都市建设工程质量监督站,
湖北省建筑业协会), is taken as written: no grammar builds such names, none is guessed."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from normalizers.orgs.registry import DATA_DIR, Registry, load_registry


@dataclass(frozen=True)
class Tail:
    tail: str
    type: str
    as_written: bool


@lru_cache(maxsize=1)
def tails() -> tuple[Tail, ...]:
    """The endings, first match wins."""
    path = DATA_DIR / "body_types.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r for r in rows if not r.get("tail") or not r.get("type") or r.get("as_written") not in ("yes", "no")]
    if bad or not rows:
        raise ValueError(f"{path}: every row needs a tail, a type and as_written yes/no; bad rows: {bad or 'none'}")
    return tuple(Tail(r["tail"], r["type"], r["as_written"] == "yes") for r in rows)


def tail_of(rest: str) -> Tail | None:
    return next((t for t in tails() if rest.endswith(t.tail) and len(rest) > len(t.tail)), None)


def body_type(rest: str, reg: Registry | None = None) -> str:
    """The type of a body from its name after the region prefix: a known department, else its ending."""
    reg = reg or load_registry()
    found = tail_of(rest)
    return reg.departments.get(rest) or (found.type if found else "")
