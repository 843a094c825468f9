"""Body-name grammar shared by the extractors and the normalizers: how a body's name ends.

``data/body_endings.csv`` is the one list of endings (局, 委员会, 办公室 …); each row names the
readings that accept it, because each place asks a different question of a name's end:

- ``signature``: a token of a signature or red-head line is a body (extractors metadata/redhead)
- ``issuer``: a signature token is an issuing body (normalizers orgs/docmeta)
- ``wrap``: a name ends here, so the next line of an organizer string is another body (orgs/split)
- ``continues``: a whole token that continues the name before it (某市质量发展委员会 / 办公室: a name wrapped or spaced before its office)
- ``label``: a category label named after its organizer (normalizers categories/scorer)
- ``clause``: a body named inside an organizer clause of prose (extractors organizer_clauses)
- ``cell``: a line break in an organizer cell after this ending separates two bodies (table_cells)
- ``signoff``: a short line ending so is a signature, not a slogan (extractors segments)
- ``edge``: a cell line filled to the cell's edge and ending so is a whole name, the next line
  another body (extractors readers/cell_lines); without it such a line is a wrap (人力资源和社会 /
  保障局: 会 and 社 end bodies, but not at a wrap)

The ``type`` column tells what kind of body a name so ending is (``BODY_TYPES``: 公司 → enterprise,
协会 → association, 院/所/站/中心 → institution, 局/委员会/厅 → government; normalizers
orgs/bodytypes). ``as_written`` yes: with its region written in front (湖北省建筑业协会, a
监督站 or 研究院 of a city) the name is taken as written; no: a government body must be a known
function (normalizers/data/functions.csv) and 总工会 a department of the grammar
(departments.csv), never guessed from the ending.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rules.numerals import CN_TENS

READINGS = ("signature", "issuer", "wrap", "continues", "label", "clause", "cell", "signoff", "edge")
ENDINGS_FILE = "data/body_endings.csv"
BODY_TYPES = ("enterprise", "association", "institution", "government")

# the tail of a list of bodies: 等, 等部门, 等12个单位, 等三家机构
ETC = rf"等(?:[\d{CN_TENS}]+[个家])?(?:部门|单位|机构)?"
ETC_END = re.compile(rf"{ETC}$")


@dataclass(frozen=True)
class BodyType:
    """A body-name ending that tells the body's type (see the module)."""

    ending: str
    type: str
    as_written: bool


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("rules").joinpath(ENDINGS_FILE).read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {r: [] for r in READINGS}
    for n, row in enumerate(_rows(), 2):
        for reading in row["readings"].split():
            if reading not in out:
                raise ValueError(f"rules/{ENDINGS_FILE}:{n}: reading {reading!r} of {row['ending']!r} "
                                 f"is unknown; expected one of {', '.join(READINGS)}")
            out[reading].append(row["ending"])
    empty = [r for r, endings in out.items() if not endings]
    if empty:
        raise ValueError(f"rules/{ENDINGS_FILE}: no ending for {', '.join(empty)}; expected at least one each")
    return {r: tuple(sorted(endings, key=len, reverse=True)) for r, endings in out.items()}


@lru_cache(maxsize=1)
def body_types() -> tuple[BodyType, ...]:
    """The endings that tell a body's type, longest first (so the longest ending of a name wins)."""
    out = []
    for n, row in enumerate(_rows(), 2):
        kind, written = row.get("type") or "", row.get("as_written") or ""
        if not kind and not written:
            continue
        if kind not in BODY_TYPES or written not in ("yes", "no"):
            raise ValueError(f"rules/{ENDINGS_FILE}:{n}: {row['ending']!r} has type {kind!r}, as_written "
                             f"{written!r}; expected a type of {', '.join(BODY_TYPES)} and as_written yes/no")
        out.append(BodyType(row["ending"], kind, written == "yes"))
    return tuple(sorted(out, key=lambda t: len(t.ending), reverse=True))


def endings(reading: str) -> tuple[str, ...]:
    """The endings ``reading`` accepts, longest first."""
    return _table()[reading]


def ending_pattern(reading: str) -> str:
    """The endings of ``reading`` as one regular-expression group, longest first."""
    return "(?:" + "|".join(map(re.escape, endings(reading))) + ")"
