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
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from rules.numerals import CN_TENS

READINGS = ("signature", "issuer", "wrap", "continues", "label", "clause", "cell", "signoff", "edge")
ENDINGS_FILE = "data/body_endings.csv"

# the tail of a list of bodies: 等, 等部门, 等12个单位, 等三家机构
ETC = rf"等(?:[\d{CN_TENS}]+[个家])?(?:部门|单位|机构)?"
ETC_END = re.compile(rf"{ETC}$")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    text = resources.files("rules").joinpath(ENDINGS_FILE).read_text("utf-8")
    out: dict[str, list[str]] = {r: [] for r in READINGS}
    for n, row in enumerate(csv.DictReader(text.splitlines()), 2):
        for reading in row["readings"].split():
            if reading not in out:
                raise ValueError(f"rules/{ENDINGS_FILE}:{n}: reading {reading!r} of {row['ending']!r} "
                                 f"is unknown; expected one of {', '.join(READINGS)}")
            out[reading].append(row["ending"])
    empty = [r for r, endings in out.items() if not endings]
    if empty:
        raise ValueError(f"rules/{ENDINGS_FILE}: no ending for {', '.join(empty)}; expected at least one each")
    return {r: tuple(sorted(endings, key=len, reverse=True)) for r, endings in out.items()}


def endings(reading: str) -> tuple[str, ...]:
    """The endings ``reading`` accepts, longest first."""
    return _table()[reading]


def ending_pattern(reading: str) -> str:
    """The endings of ``reading`` as one regular-expression group, longest first."""
    return "(?:" + "|".join(map(re.escape, endings(reading))) + ")"
