"""Score organizer resolution on the generated set: ``python -m tests.gen.score_orgs [--show]``.

Prints one SCORE line per part (dev, held-out): exact-set accuracy (the resolved bodies of a row
equal its expected bodies; an ``ambiguous`` row must resolve nothing and say ambiguous) and the
number of cross-region picks (a resolved body placed in another province than the notice's).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from normalizers.organizations import resolve
from normalizers.regions import load_regions, match_region
from schemas import OrganizerRef

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "orgs"


@dataclass
class Outcome:
    rows: int = 0
    exact: int = 0
    cross: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.rows if self.rows else 1.0


def rows(part: str) -> list[dict[str, str]]:
    with (DATA / f"{part}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def predict(row: dict[str, str]) -> list[OrganizerRef]:
    from normalizers.organizations import notice_definitions
    from normalizers.orgs import OrgContext

    year = int(row["year"])
    ctx = OrgContext.of(row["region"] or None, row["level"], year)
    defined = notice_definitions(row["context"], ctx) if row["context"] else {}
    return resolve(row["raw"], row["region"] or None, row["level"], year, defined)


def cross_region(name: str, province: str) -> bool:
    """A body whose written region lies in another province than the notice's."""
    found = match_region(name.lstrip("*"))
    if found.region is None or not province:
        return False
    top = load_regions().ancestors(found.region)[-1]
    return top.name != province


def judge(row: dict[str, str]) -> tuple[bool, int, list[OrganizerRef]]:
    refs = predict(row)
    got = {r.name for r in refs if r.resolved}
    expected = {n for n in row["expected"].split("|") if n}
    if row["status"] == "ambiguous":
        ok = not got and any(r.status == "ambiguous" for r in refs)
    else:
        ok = got == expected and all(r.resolved for r in refs)
    cross = sum(1 for n in got - expected if cross_region(n, row["province"]))
    return ok, cross, refs


def score(part: str) -> Outcome:
    out = Outcome()
    for row in rows(part):
        ok, cross, refs = judge(row)
        out.rows += 1
        out.exact += ok
        out.cross += cross
        if not ok:
            out.misses.append(f"{row['id']} [{row['family']}] {row['region'] or '-'} {row['year']} "
                              f"{row['raw']!r} → {[(r.name, r.status) for r in refs]} expected {row['expected']}")
    return out


def main(argv: list[str]) -> None:
    for part, label in (("dev", "dev"), ("heldout", "held-out")):
        out = score(part)
        if "--show" in argv and part == "dev":
            print("\n".join(out.misses))
        print(f"SCORE {label} orgs_exact_set={out.accuracy:.3f} rows={out.rows} cross_region={out.cross}")


if __name__ == "__main__":
    main(sys.argv[1:])
